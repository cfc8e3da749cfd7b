package dev.runnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.context.ContextCanceledException;
import dev.runnel.context.DeadlineExceededException;
import dev.runnel.testkit.TestContexts;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import dev.runnel.time.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Case bodies are Go's case blocks: they may block and throw, and what they throw comes out of
 * {@code run()} unchanged. {@code run(ctx)} is a select that also ends with its context.
 */
@Timeout(10)
class SelectBodyTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void aReceiveBodyMayBlockOnAnotherChannel(Runner runner) throws Exception {
    Channel<Integer> in = Channel.make();
    Channel<Integer> out = Channel.make();
    // for { select { case v := <-in: out <- v } }
    Task<Void> forwarder =
        runner.run(
            () -> {
              Select forward = Select.select().onReceive(in, v -> out.send(v * 10));
              for (int i = 0; i < 3; i++) {
                forward.run();
              }
            });
    List<Integer> got = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      in.send(i);
      got.add(out.receive());
    }
    forwarder.join();
    assertThat(got).containsExactly(10, 20, 30);
  }

  @Test
  void aCheckedExceptionFromABodyComesOutOfRunUnchanged() {
    Channel<String> ch = Channel.make(1);
    IOException thrown = new IOException("disk full");
    ch.trySend("x");
    Select select =
        Select.select()
            .onReceive(
                ch,
                v -> {
                  throw thrown;
                });
    assertThatThrownBy(select::run).isSameAs(thrown);
  }

  @Test
  void anInterruptedExceptionFromABodyComesOutOfRun() {
    Channel<String> ch = Channel.make(1);
    ch.trySend("x");
    InterruptedException thrown = new InterruptedException("from the body");
    Select select =
        Select.select()
            .onReceiveOk(
                ch,
                r -> {
                  throw thrown;
                });
    assertThatThrownBy(select::run).isSameAs(thrown);
  }

  @Test
  void sendAndDefaultBodiesMayThrowCheckedExceptions() {
    Channel<String> ch = Channel.make(1);
    IOException fromSend = new IOException("send body");
    Select send =
        Select.select()
            .onSend(
                ch,
                "v",
                () -> {
                  throw fromSend;
                });
    assertThatThrownBy(send::run).isSameAs(fromSend);
    assertThat(ch.tryReceive()).isEqualTo(new Received<>("v", true)); // the send happened first

    Exception fromDefault = new Exception("default body");
    Select otherwise =
        Select.select()
            .onReceive(ch, v -> {})
            .otherwise(
                () -> {
                  throw fromDefault;
                });
    assertThatThrownBy(otherwise::run).isSameAs(fromDefault);
  }

  @Test
  void expressionBodiesMayBlockAndThrow() throws Exception {
    Channel<Integer> in = Channel.make(1);
    Channel<Integer> out = Channel.make(1);
    in.send(4);
    int r =
        Select.<Integer>expression()
            .onReceive(
                in,
                v -> {
                  out.send(v + 1); // blocks only if full; it may
                  return v * 2;
                })
            .run();
    assertThat(r).isEqualTo(8);
    assertThat(out.receive()).isEqualTo(5);

    IOException thrown = new IOException("expression body");
    SelectExpression<String> failing =
        Select.<String>expression()
            .onReceive(Channel.<Integer>make(), v -> "never")
            .otherwise(
                () -> {
                  throw thrown;
                });
    assertThatThrownBy(failing::run).isSameAs(thrown);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void runWithContextThrowsErrWhenTheContextEndsFirst(Runner runner) throws Exception {
    Channel<Integer> in = Channel.make();
    Channel<Integer> out = Channel.make();
    CancelContext ctx = Context.withCancel(Context.background());
    Select select = Select.select().onReceive(in, v -> {}).onSend(out, 1, () -> {});
    Task<Void> waiting = runner.runBlocked(() -> select.run(ctx));
    ctx.cancel();
    assertThat(waiting.failure()).isInstanceOf(ContextCanceledException.class).isSameAs(ctx.err());
    // nothing communicated and nothing is left queued on either channel
    assertThat(TestSupport.noWaiters(in)).isTrue();
    assertThat(TestSupport.noWaiters(out)).isTrue();
    assertThat(in.trySend(1)).isFalse();
    assertThat(out.tryReceive()).isNull();
  }

  @Test
  void runWithADoneContextFailsEvenIfACaseIsReady() {
    Channel<Integer> ready = Channel.make(1);
    ready.trySend(7);
    CancelContext ctx = TestContexts.cancelled();
    Select select = Select.select().onReceive(ready, v -> {}).otherwise(() -> {});
    assertThatThrownBy(() -> select.run(ctx)).isSameAs(ctx.err());
    assertThat(ready.tryReceive()).isEqualTo(new Received<>(7, true)); // still there
  }

  @Test
  void runWithALiveContextBehavesAsRun() throws Exception {
    Channel<Integer> ready = Channel.make(1);
    ready.trySend(7);
    List<Integer> got = new ArrayList<>();
    CancelContext ctx = Context.withCancel(Context.background());
    Select select = Select.select().onReceive(ready, got::add);
    select.run(ctx);
    ready.trySend(8);
    select.run(Context.background()); // never cancelled: exactly run()
    assertThat(got).containsExactly(7, 8);
  }

  @Test
  void runWithALiveContextTakesTheDefaultWhenNothingIsReady() throws Exception {
    List<String> got = new ArrayList<>();
    Select select =
        Select.select()
            .onReceive(Channel.<Integer>make(), v -> got.add("case"))
            .otherwise(() -> got.add("default"));
    select.run(Context.withCancel(Context.background()));
    assertThat(got).containsExactly("default");
  }

  @Test
  void runWithADeadlineThrowsDeadlineExceeded() throws Exception {
    ManualClock clock = new ManualClock();
    Context ctx =
        Context.withTimeout(Context.withClock(Context.background(), clock), Duration.ofSeconds(1));
    Select select = Select.select().onReceive(Channel.<Integer>make(), v -> {});
    Task<Void> waiting = Runner.VIRTUAL.runBlocked(() -> select.run(ctx));
    clock.advance(Duration.ofSeconds(1));
    assertThat(waiting.failure()).isInstanceOf(DeadlineExceededException.class);
  }

  @Test
  void anEmptySelectWithAContextWaitsForTheContext() throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    Task<Void> waiting = Runner.VIRTUAL.runBlocked(() -> Select.select().run(ctx));
    ctx.cancel();
    assertThat(waiting.failure()).isInstanceOf(CancellationException.class);
  }

  @Test
  void aSelectCancelledByItsContextCanRunAgain() throws Exception {
    Channel<Integer> in = Channel.make(1);
    List<Integer> got = new ArrayList<>();
    Select select = Select.select().onReceive(in, got::add);
    CancelContext first = Context.withCancel(Context.background());
    Task<Void> waiting = Runner.VIRTUAL.runBlocked(() -> select.run(first));
    first.cancel();
    assertThat(waiting.failure()).isInstanceOf(ContextCanceledException.class);
    in.send(3);
    select.run(Context.withCancel(Context.background()));
    assertThat(got).containsExactly(3);
  }
}
