package dev.runnel.context;

import static dev.runnel.context.ContextProbe.isDone;
import static dev.runnel.context.ContextProbe.thrownBy;
import static dev.runnel.testkit.Threads.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.Received;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import dev.runnel.time.ManualClock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Contexts implemented outside Runnel: their cancellation, seen only through their done channel,
 * reaches Runnel children, blocked operations, afterFuncs and interrupt bridges.
 */
@Timeout(10)
class ForeignContextTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void withCancelOfAForeignContextIsCancelledWhenItsDoneCloses() throws Exception {
    ForeignContext foreign = new ForeignContext();
    CancelContext child = Context.withCancel(foreign);
    Context grandchild = Context.withValue(Context.withCancel(child), "k", "v");
    assertThat(child.err()).isNull();

    Exception why = new Exception("foreign reason");
    foreign.cancel(why);

    assertThat(grandchild.done().receive(Duration.ofSeconds(5))).isEqualTo(Received.closed());
    assertThat(child.err()).as("the foreign err is propagated").isSameAs(foreign.err());
    assertThat(child.cause()).isSameAs(why);
    assertThat(grandchild.err()).isSameAs(foreign.err());
    assertThat(grandchild.cause()).isSameAs(why);
  }

  @Test
  void withCancelOfAnAlreadyCancelledForeignContextIsDoneAtOnce() {
    ForeignContext foreign = new ForeignContext();
    foreign.cancel(null);
    CancelContext child = Context.withCancel(foreign);
    assertThat(isDone(child)).isTrue();
    assertThat(child.err()).isSameAs(foreign.err());
  }

  @Test
  void cancellingTheChildLeavesTheForeignParentAlone() {
    ForeignContext foreign = new ForeignContext();
    CancelContext child = Context.withCancel(foreign);
    child.cancel();
    assertThat(child.err()).isInstanceOf(ContextCanceledException.class);
    assertThat(foreign.err()).isNull();
    assertThat(foreign.done().tryReceive()).isNull();
  }

  @Test
  void aReceiveWithTheForeignContextIsEndedByIt() throws Exception {
    ForeignContext foreign = new ForeignContext();
    Channel<String> ch = Channel.make();
    Task<Throwable> receiver = Runner.VIRTUAL.callBlocked(thrownBy(() -> ch.receive(foreign)));
    foreign.cancel(null);
    assertThat(receiver.join()).isSameAs(foreign.err());
    assertThat(ch.trySend("x")).as("the receiver left the channel").isFalse();
  }

  @Test
  void aReceiveWithTheForeignContextStillGetsItsValue() throws Exception {
    ForeignContext foreign = new ForeignContext();
    Channel<String> ch = Channel.make();
    Task<String> receiver = Runner.PLATFORM.callBlocked(() -> ch.receive(foreign));
    ch.send("value");
    assertThat(receiver.join()).isEqualTo("value");
    // Later cancellation of the foreign context must not disturb anything.
    foreign.cancel(null);
    assertThat(ch.trySend("x")).isFalse();
  }

  @Test
  void valuesOfTheForeignContextAreFoundThroughRunnelChildren() {
    ForeignContext foreign = new ForeignContext(Map.of("tenant", "acme"));
    try (CancelContext child = Context.withCancel(foreign)) { // ends the goroutine watching it
      Context chain = Context.withoutCancel(Context.withValue(child, "user", "alice"));
      assertThat(chain.value("tenant")).isEqualTo("acme");
      assertThat(chain.value("user")).isEqualTo("alice");
      assertThat(chain.value("nothing")).isNull();
    }
  }

  @Test
  void afterFuncOnAForeignContextRunsWhenItIsCancelled() throws Exception {
    ForeignContext foreign = new ForeignContext();
    CompletableFuture<Throwable> cause = new CompletableFuture<>();
    AfterFunc stop = Context.afterFunc(foreign, () -> cause.complete(foreign.cause()));
    Exception why = new Exception("why");
    foreign.cancel(why);
    assertThat(cause.get(5, TimeUnit.SECONDS)).isSameAs(why);
    eventually("stop reports the function started", () -> !stop.stop());
  }

  @Test
  void afterFuncOnAForeignContextStoppedFirstNeverRuns() throws Exception {
    ForeignContext foreign = new ForeignContext();
    AtomicInteger runs = new AtomicInteger();
    AfterFunc stop = Context.afterFunc(foreign, runs::incrementAndGet);
    assertThat(stop.stop()).isTrue();
    foreign.cancel(null);
    // A later afterFunc on the same foreign context shows its cancellation has been seen.
    CompletableFuture<Void> sentinel = new CompletableFuture<>();
    Context.afterFunc(foreign, () -> sentinel.complete(null));
    sentinel.get(5, TimeUnit.SECONDS);
    assertThat(runs.get()).isZero();
    assertThat(stop.stop()).isFalse();
  }

  @Test
  void interruptOnCancelWithAForeignContext() throws Exception {
    ForeignContext foreign = new ForeignContext();
    BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    Task<Throwable> task =
        Runner.VIRTUAL.call(thrownBy(() -> Context.interruptOnCancel(foreign, queue::take)));
    eventually("blocked in take", () -> task.thread().getState() == Thread.State.WAITING);
    foreign.cancel(null);
    assertThat(task.join()).isSameAs(foreign.err());

    // A normal return leaves no interrupt behind.
    ForeignContext live = new ForeignContext();
    assertThat(Context.interruptOnCancel(live, () -> "ok")).isEqualTo("ok");
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    live.cancel(null);
    assertThatThrownBy(() -> Context.interruptOnCancel(live, () -> "no")).isSameAs(live.err());
  }

  @Test
  void deadlineUnderAForeignContextUsesTheGivenClock() {
    ManualClock clock = new ManualClock();
    ForeignContext foreign = new ForeignContext();
    CancelContext timed =
        Context.withTimeout(Context.withClock(foreign, clock), Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(timed.err()).isInstanceOf(DeadlineExceededException.class);
    assertThat(foreign.err()).isNull();
  }
}
