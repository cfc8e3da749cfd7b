package dev.runnel.time;

import static dev.runnel.testkit.Threads.awaitParked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.context.ContextCanceledException;
import dev.runnel.context.DeadlineExceededException;
import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code sleep} and {@code sleep(ctx, d)} on a {@link ManualClock} and on the real clock. */
@Timeout(20)
class SleepTest {

  private static final Duration HOUR = Duration.ofHours(1);

  private final ManualClock clock = new ManualClock();

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  /**
   * Sleeps on the clock and returns the CancellationException it ends with (a Task's failure()
   * cannot carry one: its future would count as cancelled), or fails if it returns normally.
   */
  private CancellationException cancellationOf(Context ctx, Duration d)
      throws InterruptedException {
    try {
      clock.sleep(ctx, d);
    } catch (CancellationException e) {
      return e;
    }
    throw new AssertionError("the sleep returned normally");
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void sleepReturnsOnlyOnceTheClockHasAdvancedFarEnough(Runner runner) throws Exception {
    Task<Void> sleeper = runner.run(() -> clock.sleep(HOUR));
    Waiter w = awaitParked(sleeper.thread());
    assertThat(w.reason()).isEqualTo(WaitReason.SLEEP);
    clock.awaitPendingTimers(1);
    clock.advance(HOUR.minusNanos(1));
    awaitParked(sleeper.thread());
    assertThat(sleeper.isDone()).isFalse();
    clock.advance(Duration.ofNanos(1));
    sleeper.join();
    assertThat(clock.pendingTimers()).isZero();
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, -3_600_000})
  void zeroOrNegativeSleepReturnsAtOnce(long millis) throws InterruptedException {
    clock.sleep(Duration.ofMillis(millis)); // would hang (until @Timeout) if it waited for advance
    clock.sleep(Context.background(), Duration.ofMillis(millis));
    assertThat(clock.pendingTimers()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptEndsTheSleepAndRemovesItsTimer(Runner runner) throws Exception {
    Task<Void> sleeper = runner.run(() -> clock.sleep(HOUR));
    awaitParked(sleeper.thread(), WaitReason.SLEEP);
    clock.awaitPendingTimers(1);
    sleeper.thread().interrupt();
    assertThat(sleeper.failure()).isInstanceOf(InterruptedException.class);
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void interruptedBeforeSleepThrowsAtOnce() {
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> clock.sleep(HOUR)).isInstanceOf(InterruptedException.class);
    assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is consumed").isFalse();
    assertThat(clock.pendingTimers()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelEndsASleepWithTheContextsErrAndRemovesItsTimer(Runner runner) throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    Task<CancellationException> sleeper = runner.call(() -> cancellationOf(ctx, HOUR));
    awaitParked(sleeper.thread(), WaitReason.SLEEP);
    clock.awaitPendingTimers(1);
    ctx.cancel();
    assertThat(sleeper.join()).isInstanceOf(ContextCanceledException.class).isSameAs(ctx.err());
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void doneContextThrowsAtOnceEvenForAZeroSleep() {
    CancelContext ctx = Context.withCancel(Context.background());
    ctx.cancel();
    assertThatThrownBy(() -> clock.sleep(ctx, HOUR)).isSameAs(ctx.err());
    assertThatThrownBy(() -> clock.sleep(ctx, Duration.ZERO)).isSameAs(ctx.err());
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void contextDeadlineOnTheSameManualClockEndsTheSleep() throws Exception {
    CancelContext ctx =
        Context.withTimeout(Context.withClock(Context.background(), clock), Duration.ofMinutes(1));
    Task<CancellationException> sleeper = Runner.VIRTUAL.call(() -> cancellationOf(ctx, HOUR));
    awaitParked(sleeper.thread(), WaitReason.SLEEP);
    clock.awaitPendingTimers(2); // the context's deadline and the sleep
    clock.advance(Duration.ofMinutes(1));
    assertThat(sleeper.join()).isInstanceOf(DeadlineExceededException.class).isSameAs(ctx.err());
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void sleepThatEndsFirstLeavesTheContextAlone() throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    Task<Void> sleeper = Runner.VIRTUAL.run(() -> clock.sleep(ctx, Duration.ofSeconds(5)));
    awaitParked(sleeper.thread(), WaitReason.SLEEP);
    clock.awaitPendingTimers(1);
    clock.advance(Duration.ofSeconds(5));
    sleeper.join();
    assertThat(ctx.err()).isNull();
    ctx.cancel();
  }

  @Test
  void manySleepersWakeInDeadlineOrderAsTheClockPasses() throws Exception {
    Task<Void> a = Runner.VIRTUAL.run(() -> clock.sleep(Duration.ofSeconds(3)));
    Task<Void> b = Runner.VIRTUAL.run(() -> clock.sleep(Duration.ofSeconds(1)));
    Task<Void> c = Runner.VIRTUAL.run(() -> clock.sleep(Duration.ofSeconds(2)));
    clock.awaitPendingTimers(3);
    clock.advance(Duration.ofSeconds(1));
    b.join();
    assertThat(clock.pendingTimers()).isEqualTo(2);
    assertThat(a.isDone() || c.isDone()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    c.join();
    assertThat(a.isDone()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    a.join();
  }

  // ---------------------------------------------------------------- real clock

  @Test
  void realSleepLastsAtLeastItsDuration() throws InterruptedException {
    Duration d = Duration.ofMillis(30);
    long t0 = System.nanoTime();
    Time.sleep(d);
    assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(d.toNanos());
  }

  @Test
  void realSleepEndsAtTheContextsDeadline() {
    CancelContext ctx = Context.withTimeout(Context.background(), Duration.ofMillis(30));
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> Time.sleep(ctx, Duration.ofHours(1)))
        .isInstanceOf(CancellationException.class)
        .isSameAs(ctx.err());
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
  }
}
