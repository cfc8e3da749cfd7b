package dev.runnel.time;

import static dev.runnel.testkit.Threads.awaitParked;
import static dev.runnel.testkit.Threads.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.ReceiveChannel;
import dev.runnel.Received;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go 1.23 channel-timer semantics of {@link Timer}, on a {@link ManualClock}. */
@Timeout(10)
class TimerTest {

  static final Instant START = Instant.parse("2000-01-01T00:00:00Z");
  static final Duration SECOND = Duration.ofSeconds(1);

  private final ManualClock clock = new ManualClock();

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  /** The value available right now, or null. */
  static Instant poll(ReceiveChannel<Instant> c) {
    Received<Instant> r = c.tryReceive();
    if (r == null) {
      return null;
    }
    assertThat(r.ok()).as("a timer channel is never closed").isTrue();
    return r.value();
  }

  /** Asserts the channel has nothing now, nor within a short real-time wait. */
  static void assertNothingReceivable(ReceiveChannel<Instant> c) throws InterruptedException {
    assertThat(c.tryReceive()).as("tryReceive").isNull();
    assertThat(c.receive(Duration.ofMillis(20))).as("receive with timeout").isNull();
  }

  // ---------------------------------------------------------------- delivery

  @Test
  void deliversOnceTheTimeItFired() {
    Timer t = clock.newTimer(Duration.ofSeconds(5));
    assertThat(poll(t.c())).as("not due yet").isNull();
    clock.advance(Duration.ofSeconds(4));
    assertThat(poll(t.c())).as("still not due").isNull();
    clock.advance(Duration.ofSeconds(3)); // now start+7s: the value is the fire time, start+5s
    assertThat(poll(t.c())).isEqualTo(START.plusSeconds(5));
    assertThat(poll(t.c())).as("delivered once").isNull();
    clock.advance(Duration.ofHours(1));
    assertThat(poll(t.c())).as("delivered once").isNull();
  }

  @Test
  void channelIsSynchronousEvenWhileAFiredValueWaits() {
    Timer t = clock.newTimer(SECOND);
    assertThat(t.c().size()).isZero();
    assertThat(t.c().capacity()).isZero();
    clock.advance(Duration.ofSeconds(2)); // fired, nobody received
    assertThat(t.c().size()).isZero();
    assertThat(t.c().capacity()).isZero();
    assertThat(poll(t.c())).isEqualTo(START.plusSeconds(1));
    assertThat(t.c().size()).isZero();
    assertThat(t.c().capacity()).isZero();
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, -3_600_000})
  void zeroOrNegativeDelayFiresAtOnce(long millis) {
    clock.advance(Duration.ofMinutes(1));
    Timer t = clock.newTimer(Duration.ofMillis(millis));
    assertThat(poll(t.c())).isEqualTo(START.plusSeconds(60));
    assertThat(poll(t.c())).isNull();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedReceiverIsWokenByAdvance(Runner runner) throws Exception {
    Timer t = clock.newTimer(Duration.ofMinutes(3));
    Task<Instant> receiver = runner.call(() -> t.c().receive());
    Waiter w = awaitParked(receiver.thread());
    assertThat(w.reason()).isEqualTo(WaitReason.CHAN_RECEIVE);
    clock.awaitPendingTimers(1); // the waiting receiver queued the timer
    clock.advance(Duration.ofMinutes(2));
    assertThat(receiver.isDone()).as("not due yet").isFalse();
    clock.advance(Duration.ofMinutes(2));
    assertThat(receiver.join()).isEqualTo(START.plusSeconds(180));
    assertThat(clock.pendingTimers()).isZero();
    assertThat(t.stop()).as("the value was received").isFalse();
  }

  @Test
  void severalBlockedReceiversExactlyOneGetsTheValue() throws Exception {
    Timer t = clock.newTimer(SECOND);
    List<Task<Instant>> receivers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Task<Instant> r = Runner.VIRTUAL.call(() -> t.c().receive());
      awaitParked(r.thread());
      receivers.add(r);
    }
    clock.advance(SECOND);
    eventually("one receiver has the value", () -> receivers.stream().anyMatch(Task::isDone));
    Task<Instant> winner = receivers.stream().filter(Task::isDone).findFirst().orElseThrow();
    assertThat(winner.join()).isEqualTo(START.plusSeconds(1));
    assertThat(t.stop()).as("delivered").isFalse();
    clock.advance(Duration.ofHours(1));
    // The others must still be waiting: interrupting them shows none received a value.
    for (Task<Instant> r : receivers) {
      if (r != winner) {
        awaitParked(r.thread());
        r.thread().interrupt();
        assertThat(r.failure()).isInstanceOf(InterruptedException.class);
      }
    }
    assertThat(clock.pendingTimers()).isZero();
  }

  // ---------------------------------------------------------------- stop

  @Test
  void stopWhileArmedReturnsTrueAndNothingIsDelivered() throws InterruptedException {
    Timer t = clock.newTimer(SECOND);
    assertThat(t.stop()).isTrue();
    assertThat(t.stop()).as("second stop").isFalse();
    clock.advance(Duration.ofSeconds(5));
    assertNothingReceivable(t.c());
  }

  @Test
  void stopAfterFiringButBeforeReceiveReturnsTrueAndDiscardsTheValue() throws InterruptedException {
    Timer t = clock.newTimer(SECOND);
    clock.advance(Duration.ofSeconds(2)); // fired; nobody received (Go 1.23: still active)
    assertThat(t.stop()).isTrue();
    assertNothingReceivable(t.c());
    assertThat(t.stop()).as("second stop").isFalse();
  }

  @Test
  void stopAfterReceiveReturnsFalse() {
    Timer t = clock.newTimer(SECOND);
    clock.advance(SECOND);
    assertThat(poll(t.c())).isNotNull();
    assertThat(t.stop()).isFalse();
    assertThat(t.stop()).isFalse();
  }

  @Test
  void stopWhileAReceiverWaitsLeavesItWaiting() throws Exception {
    Timer t = clock.newTimer(SECOND);
    Task<Instant> receiver = Runner.VIRTUAL.call(() -> t.c().receive());
    awaitParked(receiver.thread());
    clock.awaitPendingTimers(1);
    assertThat(t.stop()).isTrue();
    assertThat(clock.pendingTimers()).as("a stopped timer leaves the queue").isZero();
    clock.advance(Duration.ofSeconds(10));
    awaitParked(receiver.thread());
    assertThat(receiver.isDone()).isFalse();
    // reset re-arms it for the goroutine that is already waiting
    assertThat(t.reset(SECOND)).as("stopped: not active").isFalse();
    assertThat(clock.pendingTimers()).isEqualTo(1);
    clock.advance(SECOND);
    assertThat(receiver.join()).isEqualTo(START.plusSeconds(11));
  }

  // ---------------------------------------------------------------- reset

  @Test
  void resetReportsWhetherTheTimerWasActiveAndDeliversAtTheNewTime() {
    Timer t = clock.newTimer(Duration.ofSeconds(5));
    clock.advance(Duration.ofSeconds(2));
    assertThat(t.reset(Duration.ofSeconds(10))).as("armed").isTrue();
    clock.advance(Duration.ofSeconds(5)); // start+7s: the old deadline has passed
    assertThat(poll(t.c())).as("old deadline is gone").isNull();
    clock.advance(Duration.ofSeconds(5)); // start+12s
    assertThat(poll(t.c())).isEqualTo(START.plusSeconds(12));
    assertThat(t.reset(SECOND)).as("received: not active").isFalse();
    clock.advance(SECOND);
    assertThat(poll(t.c())).isEqualTo(START.plusSeconds(13));
    t.stop();
    assertThat(t.reset(SECOND)).as("stopped: not active").isFalse();
    clock.advance(SECOND);
    assertThat(poll(t.c())).isEqualTo(START.plusSeconds(14));
  }

  @Test
  void resetOfAnUndrainedFiredTimerDeliversOnlyTheNewValue() throws InterruptedException {
    // The Go <1.23 pitfall: reset without draining left the old value in the channel.
    Timer t = clock.newTimer(SECOND);
    clock.advance(Duration.ofSeconds(3)); // fired at start+1s, never received
    assertThat(t.reset(Duration.ofSeconds(2))).as("fired but unreceived is active").isTrue();
    assertNothingReceivable(t.c());
    clock.advance(Duration.ofSeconds(2));
    assertThat(poll(t.c())).isEqualTo(START.plusSeconds(5));
    assertNothingReceivable(t.c());
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, -60_000})
  void resetToZeroOrNegativeFiresAtOnce(long millis) {
    Timer t = clock.newTimer(Duration.ofHours(1));
    clock.advance(Duration.ofSeconds(7));
    assertThat(t.reset(Duration.ofMillis(millis))).isTrue();
    assertThat(poll(t.c())).isEqualTo(START.plusSeconds(7));
    assertThat(poll(t.c())).isNull();
  }

  @Test
  void drainingBeforeResetIsHarmless() {
    // The Go <1.23 idiom: if !t.Stop() { <-t.C } — here with tryReceive it must not block.
    Timer t = clock.newTimer(SECOND);
    clock.advance(SECOND);
    if (!t.stop()) {
      t.c().tryReceive();
    }
    assertThat(poll(t.c())).isNull();
    t.reset(SECOND);
    clock.advance(SECOND);
    assertThat(poll(t.c())).isEqualTo(START.plusSeconds(2));
  }

  @Test
  void afterDeliversOnceAtItsDeadline() {
    ReceiveChannel<Instant> c = clock.after(Duration.ofMinutes(1));
    assertThat(poll(c)).isNull();
    clock.advance(Duration.ofMinutes(2));
    assertThat(poll(c)).isEqualTo(START.plusSeconds(60));
    assertThat(poll(c)).isNull();
    assertThat(c.size()).isZero();
    assertThat(c.capacity()).isZero();
  }

  @Test
  void toStringNamesTheKind() {
    assertThat(clock.newTimer(SECOND).toString()).startsWith("Timer[");
    assertThat(clock.afterFunc(SECOND, () -> {}).toString()).isEqualTo("Timer[func]");
  }

  // ---------------------------------------------------------------- giving up a wait

  @Test
  void interruptedReceiverUnqueuesTheTimer() throws Exception {
    Timer t = clock.newTimer(SECOND);
    Task<Instant> receiver = Runner.VIRTUAL.call(() -> t.c().receive());
    awaitParked(receiver.thread());
    clock.awaitPendingTimers(1);
    receiver.thread().interrupt();
    assertThat(receiver.failure()).isInstanceOf(InterruptedException.class);
    assertThat(clock.pendingTimers()).isZero();
    clock.advance(SECOND);
    assertThat(poll(t.c()))
        .as("the timer still fires for a later receive")
        .isEqualTo(START.plusSeconds(1));
  }

  @Test
  void cancelledContextReceiveUnqueuesTheTimer() throws Exception {
    Timer t = clock.newTimer(SECOND);
    CancelContext ctx = Context.withCancel(Context.background());
    Task<Object> receiver =
        Runner.VIRTUAL.call(
            () -> {
              try {
                return t.c().receive(ctx);
              } catch (CancellationException e) {
                return e;
              }
            });
    awaitParked(receiver.thread());
    clock.awaitPendingTimers(1);
    ctx.cancel();
    assertThat(receiver.join()).isSameAs(ctx.err());
    assertThat(clock.pendingTimers()).isZero();
    assertThat(t.stop()).as("still armed").isTrue();
  }

  @Test
  void timedOutReceiveUnqueuesTheTimer() throws InterruptedException {
    Timer t = clock.newTimer(SECOND);
    assertThat(t.c().receive(Duration.ofMillis(20))).isNull();
    assertThat(clock.pendingTimers()).isZero();
    clock.advance(SECOND);
    assertThat(t.c().receive(Duration.ofMillis(20)).value()).isEqualTo(START.plusSeconds(1));
  }

  @Test
  void hugeDelaysAreCappedNotOverflowed() throws InterruptedException {
    Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
    Timer t = clock.newTimer(forever);
    Ticker ticker = clock.newTicker(forever);
    Timer f = clock.afterFunc(forever, () -> {});
    ReceiveChannel<Instant> after = clock.after(forever);
    assertThat(clock.pendingTimers()).as("the afterFunc").isEqualTo(1);
    clock.advance(Duration.ofDays(365L * 100)); // a century: none of them is due
    assertThat(poll(t.c())).isNull();
    assertThat(poll(ticker.c())).isNull();
    assertThat(poll(after)).isNull();
    assertThat(clock.pendingTimers()).isEqualTo(1);
    assertThat(t.stop()).isTrue();
    assertThat(f.stop()).isTrue();
    ticker.reset(forever);
    ticker.stop();
    clock.sleep(Context.background(), Duration.ZERO);
  }

  @Test
  void resetToZeroWakesAReceiverThatIsAlreadyWaiting() throws Exception {
    // Timer.reset: "zero or negative fires at once" - also for a goroutine already blocked.
    Timer t = clock.newTimer(Duration.ofHours(1));
    Task<Instant> receiver = Runner.VIRTUAL.call(() -> t.c().receive());
    awaitParked(receiver.thread());
    clock.awaitPendingTimers(1);
    clock.advance(Duration.ofSeconds(5));
    t.reset(Duration.ZERO);
    assertThat(receiver.join()).isEqualTo(START.plusSeconds(5));
  }
}
