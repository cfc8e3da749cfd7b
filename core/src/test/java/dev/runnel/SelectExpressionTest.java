package dev.runnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The select that yields a value: same semantics as Select, bodies return what run() returns. */
@Timeout(10)
class SelectExpressionTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void returnsTheChosenBodysValue() throws InterruptedException {
    Channel<Integer> numbers = Channel.make(1);
    Channel<String> words = Channel.make(1);
    numbers.send(41);
    SelectExpression<String> e =
        Select.<String>expression()
            .onReceive(numbers, n -> "number " + (n + 1))
            .onReceive(words, w -> "word " + w);
    assertThat(e.run()).isEqualTo("number 42");
    words.send("hi");
    assertThat(e.run()).isEqualTo("word hi");
  }

  @Test
  void receiveOkAndSendCasesYieldTheirValues() throws InterruptedException {
    Channel<Integer> in = Channel.make(1);
    Channel<Integer> out = Channel.make(1);
    in.send(5);
    out.send(0); // full: only the receive case is ready
    SelectExpression<String> e =
        Select.<String>expression()
            .onReceiveOk(in, r -> r.ok() ? "got " + r.value() : "closed")
            .onSend(out, 9, () -> "sent");
    assertThat(e.run()).isEqualTo("got 5");
    out.receive(); // room: only the send case is ready
    assertThat(e.run()).isEqualTo("sent");
    assertThat(out.receive()).isEqualTo(9);
    in.close();
    out.receive(Duration.ZERO);
    assertThat(e.run()).isIn("closed", "sent");
  }

  @Test
  void closedChannelYieldsNullOrNotOk() throws InterruptedException {
    Channel<Integer> ch = Channel.make();
    ch.close();
    assertThat(Select.<String>expression().onReceive(ch, v -> "value " + v).run())
        .isEqualTo("value null");
    assertThat(Select.<Received<Integer>>expression().onReceiveOk(ch, r -> r).run())
        .isEqualTo(Received.closed());
  }

  @Test
  void otherwiseYieldsItsValueWhenNothingIsReady() throws InterruptedException {
    Channel<Integer> ch = Channel.make();
    SelectExpression<String> e =
        Select.<String>expression().onReceive(ch, v -> "value").otherwise(() -> "default");
    assertThat(e.run()).isEqualTo("default");
    assertThat(e.run(Duration.ofMinutes(1), "timed out")).isEqualTo("default");
    assertThat(TestSupport.noWaiters(ch)).isTrue();
  }

  @Test
  void otherwiseIsNotTakenWhenACaseIsReady() throws InterruptedException {
    Channel<Integer> ch = Channel.make(1);
    SelectExpression<String> e =
        Select.<String>expression().otherwise(() -> "default").onReceive(ch, v -> "value");
    for (int i = 0; i < 100; i++) {
      ch.send(i);
      assertThat(e.run()).isEqualTo("value");
    }
  }

  @Test
  void runWithTimeoutYieldsTheTimeoutValue() throws InterruptedException {
    Channel<Integer> ch = Channel.make();
    SelectExpression<String> e = Select.<String>expression().onReceive(ch, v -> "value " + v);
    assertThat(e.run(Duration.ofMillis(20), "timed out")).isEqualTo("timed out");
    assertThat(e.run(Duration.ZERO, "timed out")).isEqualTo("timed out");
    assertThat(e.run(Duration.ofMillis(20), null)).isNull();
    assertThat(TestSupport.noWaiters(ch)).isTrue();
    Channel<Integer> buffered = Channel.make(1);
    buffered.send(3);
    assertThat(
            Select.<String>expression()
                .onReceive(buffered, v -> "value " + v)
                .run(Duration.ofMillis(20), "timed out"))
        .isEqualTo("value 3");
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedExpressionIsWokenByAPartner(Runner runner) throws Exception {
    Channel<Integer> a = Channel.make();
    Channel<Integer> b = Channel.make();
    Task<String> selecting =
        runner.callBlocked(
            () ->
                Select.<String>expression()
                    .onReceive(a, v -> "a " + v)
                    .onSend(b, 2, () -> "sent to b")
                    .run(Duration.ofMinutes(1), "timed out"));
    assertThat(b.receive()).isEqualTo(2);
    assertThat(selecting.join()).isEqualTo("sent to b");
    assertThat(TestSupport.noWaiters(a)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptedExpressionThrowsAndHasNoEffect(Runner runner) throws Exception {
    Channel<Integer> a = Channel.make();
    Task<String> selecting =
        runner.callBlocked(() -> Select.<String>expression().onReceive(a, v -> "a").run());
    selecting.thread().interrupt();
    assertThat(selecting.failure()).isInstanceOf(InterruptedException.class);
    assertThat(a.trySend(1)).isFalse();
    assertThat(TestSupport.noWaiters(a)).isTrue();
  }

  @Test
  void sendOnClosedChannelThrows() {
    Channel<Integer> ch = Channel.make(1);
    ch.close();
    assertThatThrownBy(() -> Select.<String>expression().onSend(ch, 1, () -> "sent").run())
        .isInstanceOf(ChannelClosedException.class)
        .hasMessage("send on closed channel");
  }

  @Test
  void nilChannelsAndMisuse() throws InterruptedException {
    assertThat(
            Select.<String>expression()
                .onReceive(null, v -> "nil")
                .onSend(null, 1, () -> "nil")
                .otherwise(() -> "default")
                .run())
        .isEqualTo("default");
    assertThatThrownBy(() -> Select.<String>expression().onSend(Channel.make(), null, () -> "x"))
        .isInstanceOf(NullPointerException.class);
    SelectExpression<String> e = Select.<String>expression().otherwise(() -> "one");
    assertThatThrownBy(() -> e.otherwise(() -> "two")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void expressionIsUniformAmongReadyCases() throws InterruptedException {
    Channel<Integer> a = Channel.make(1);
    Channel<Integer> b = Channel.make(1);
    a.send(0);
    b.send(0);
    SelectExpression<Channel<Integer>> e =
        Select.<Channel<Integer>>expression().onReceive(a, v -> a).onReceive(b, v -> b);
    int fromA = 0;
    for (int i = 0; i < 20_000; i++) {
      Channel<Integer> won = e.run();
      won.send(0); // refill
      if (won == a) {
        fromA++;
      }
    }
    assertThat(fromA).isBetween(9_000, 11_000);
  }
}
