package dev.runnel.time;

import static dev.runnel.testkit.Threads.awaitParked;
import static dev.runnel.time.TimerTest.START;
import static dev.runnel.time.TimerTest.assertNothingReceivable;
import static dev.runnel.time.TimerTest.poll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.ReceiveChannel;
import dev.runnel.Select;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go 1.23 semantics of {@link Ticker} and {@code tick}, on a {@link ManualClock}. */
@Timeout(10)
class TickerTest {

  private static final Duration PERIOD = Duration.ofSeconds(10);

  private final ManualClock clock = new ManualClock();

  private static Instant tickAt(int k) {
    return START.plus(PERIOD.multipliedBy(k));
  }

  @Test
  void deliversEveryPeriodOnThePhase() {
    Ticker ticker = clock.newTicker(PERIOD);
    assertThat(poll(ticker.c())).isNull();
    for (int k = 1; k <= 5; k++) {
      clock.advance(PERIOD.minusNanos(1));
      assertThat(poll(ticker.c())).as("just before tick %d", k).isNull();
      clock.advance(Duration.ofNanos(1));
      assertThat(poll(ticker.c())).as("tick %d", k).isEqualTo(tickAt(k));
      assertThat(poll(ticker.c())).isNull();
    }
    assertThat(ticker.c().size()).isZero();
    assertThat(ticker.c().capacity()).isZero();
    ticker.stop();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedReceiverGetsEachTick(Runner runner) throws Exception {
    Ticker ticker = clock.newTicker(PERIOD);
    Task<List<Instant>> receiver =
        runner.call(
            () -> {
              List<Instant> got = new ArrayList<>();
              for (int i = 0; i < 4; i++) {
                got.add(ticker.c().receive());
              }
              return got;
            });
    for (int k = 1; k <= 4; k++) {
      clock.awaitPendingTimers(1); // the receiver waits for tick k
      clock.advance(PERIOD);
    }
    assertThat(receiver.join()).containsExactly(tickAt(1), tickAt(2), tickAt(3), tickAt(4));
    assertThat(clock.pendingTimers()).as("nobody waits any more").isZero();
    ticker.stop();
  }

  @Test
  void slowReceiverGetsOneTickNotABacklogAndThePhaseIsKept() {
    Ticker ticker = clock.newTicker(PERIOD);
    clock.advance(PERIOD.multipliedBy(10)); // ten ticks' worth without receiving
    Instant missed = poll(ticker.c());
    assertThat(missed).as("one tick is waiting").isNotNull();
    assertThat(missed).isBetween(tickAt(1), tickAt(10));
    assertThat(poll(ticker.c())).as("no backlog").isNull();
    clock.advance(PERIOD.minusNanos(1));
    assertThat(poll(ticker.c())).isNull();
    clock.advance(Duration.ofNanos(1));
    assertThat(poll(ticker.c())).as("next tick on the original phase").isEqualTo(tickAt(11));
    // off-phase advance: 2.5 periods later the waiting tick is at most one, then phase resumes
    clock.advance(PERIOD.multipliedBy(5).dividedBy(2)); // start + 11p + 2.5p
    assertThat(poll(ticker.c())).isBetween(tickAt(12), tickAt(13));
    assertThat(poll(ticker.c())).isNull();
    clock.advance(PERIOD.dividedBy(2)); // start + 14p
    assertThat(poll(ticker.c())).isEqualTo(tickAt(14));
    ticker.stop();
  }

  @Test
  void stopEndsTheTicksAndDiscardsAnUnreceivedOne() throws InterruptedException {
    Ticker ticker = clock.newTicker(PERIOD);
    clock.advance(PERIOD.multipliedBy(2)); // a tick waits
    ticker.stop();
    assertNothingReceivable(ticker.c());
    clock.advance(PERIOD.multipliedBy(5));
    assertNothingReceivable(ticker.c());
    ticker.stop(); // idempotent
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void stopWhileAReceiverWaitsUnqueuesTheTicker() throws Exception {
    Ticker ticker = clock.newTicker(PERIOD);
    Task<Instant> receiver = Runner.VIRTUAL.call(() -> ticker.c().receive());
    awaitParked(receiver.thread());
    clock.awaitPendingTimers(1);
    ticker.stop();
    assertThat(clock.pendingTimers()).isZero();
    clock.advance(PERIOD.multipliedBy(3));
    awaitParked(receiver.thread());
    assertThat(receiver.isDone()).isFalse();
    receiver.thread().interrupt();
    assertThat(receiver.failure()).isInstanceOf(InterruptedException.class);
  }

  @Test
  void resetChangesThePeriodAndDiscardsAnUnreceivedTick() throws InterruptedException {
    Ticker ticker = clock.newTicker(PERIOD);
    clock.advance(Duration.ofSeconds(15)); // the tick of start+10s waits
    ticker.reset(Duration.ofSeconds(3)); // next ticks at start+18s, 21s, ...
    assertNothingReceivable(ticker.c());
    clock.advance(Duration.ofSeconds(2)); // start+17s: the old phase would not tick, nor the new
    assertThat(poll(ticker.c())).isNull();
    clock.advance(Duration.ofSeconds(1));
    assertThat(poll(ticker.c())).isEqualTo(START.plusSeconds(18));
    clock.advance(Duration.ofSeconds(3));
    assertThat(poll(ticker.c())).isEqualTo(START.plusSeconds(21));
    ticker.stop();
  }

  @Test
  void resetRestartsAStoppedTicker() {
    Ticker ticker = clock.newTicker(PERIOD);
    ticker.stop();
    clock.advance(PERIOD.multipliedBy(3));
    assertThat(poll(ticker.c())).isNull();
    ticker.reset(PERIOD);
    clock.advance(PERIOD);
    assertThat(poll(ticker.c())).isEqualTo(tickAt(4));
    ticker.stop();
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, -10_000})
  void nonPositivePeriodIsRejected(long millis) {
    Duration d = Duration.ofMillis(millis);
    assertThatThrownBy(() -> clock.newTicker(d))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("non-positive interval for NewTicker: " + d + " (newTicker)");
    Ticker ticker = clock.newTicker(PERIOD);
    assertThatThrownBy(() -> ticker.reset(d))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("non-positive interval for Ticker.Reset: " + d + " (reset)");
    clock.advance(PERIOD);
    assertThat(poll(ticker.c())).as("a rejected reset changes nothing").isEqualTo(tickAt(1));
    ticker.stop();
  }

  @Test
  void tickDeliversEveryPeriod() {
    ReceiveChannel<Instant> c = clock.tick(PERIOD);
    clock.advance(PERIOD);
    assertThat(poll(c)).isEqualTo(tickAt(1));
    clock.advance(PERIOD);
    assertThat(poll(c)).isEqualTo(tickAt(2));
    assertThat(poll(c)).isNull();
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1})
  void tickOfANonPositivePeriodIsNeverReady(long millis) throws InterruptedException {
    ReceiveChannel<Instant> c = clock.tick(Duration.ofMillis(millis));
    assertThat(c).isNotNull();
    assertThat(c.tryReceive()).isNull();
    clock.advance(Duration.ofDays(1));
    assertThat(c.tryReceive()).isNull();
    assertThat(c.receive(Duration.ofMillis(20))).isNull();
    String won =
        Select.<String>expression().onReceive(c, t -> "tick").otherwise(() -> "default").run();
    assertThat(won).isEqualTo("default");
  }

  @Test
  void toStringNamesTheTicker() {
    assertThat(clock.newTicker(PERIOD).toString()).startsWith("Ticker[");
  }
}
