package dev.runnel.rate;

import static dev.runnel.testkit.Threads.awaitParked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.context.ContextCanceledException;
import dev.runnel.context.DeadlineExceededException;
import dev.runnel.internal.WaitReason;
import dev.runnel.testkit.TestContexts;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import dev.runnel.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code await} and {@code awaitN} on a {@link ManualClock}: the limiter and the contexts read
 * the same manual time, so every wait ends exactly when the test advances the clock.
 */
@Timeout(20)
class RateLimiterAwaitTest {

  private static final Duration D = Duration.ofMillis(100);

  private final ManualClock clock = new ManualClock();
  private final Context background = Context.withClock(Context.background(), clock);

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  private double tokensNow(RateLimiter lim) {
    return lim.tokensAt(clock.now());
  }

  /** Runs awaitN and returns the CancellationException it ends with; fails if it returns. */
  private static CancellationException cancellationOf(RateLimiter lim, Context ctx, int n)
      throws InterruptedException {
    try {
      lim.awaitN(ctx, n);
    } catch (CancellationException e) {
      return e;
    }
    throw new AssertionError("awaitN returned normally");
  }

  @Test
  void returnsAtOnceWhenTheTokensAreFree() throws InterruptedException {
    RateLimiter lim = new RateLimiter(10, 3, clock);
    lim.awaitN(background, 2); // would hang (until @Timeout) if it waited for an advance
    assertThat(tokensNow(lim)).isEqualTo(1.0);
    lim.await(background);
    assertThat(tokensNow(lim)).isEqualTo(0.0);
    assertThat(clock.pendingTimers()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blocksUntilTheClockSuppliesTheTokens(Runner runner) throws Exception {
    RateLimiter lim = new RateLimiter(10, 3, clock);
    lim.awaitN(background, 2); // one token left
    Task<Void> waiter = runner.run(() -> lim.awaitN(background, 3)); // needs 200 ms
    awaitParked(waiter.thread(), WaitReason.SLEEP);
    clock.awaitPendingTimers(1);
    clock.advance(Duration.ofMillis(199));
    awaitParked(waiter.thread(), WaitReason.SLEEP);
    assertThat(waiter.isDone()).isFalse();
    clock.advance(Duration.ofMillis(1));
    waiter.join();
    assertThat(tokensNow(lim)).isEqualTo(0.0);
  }

  @Test
  void aWaiterQueuesBehindAnEarlierOne() throws Exception {
    RateLimiter lim = new RateLimiter(10, 1, clock);
    lim.await(background);
    Task<Void> first = Runner.VIRTUAL.run(() -> lim.await(background)); // acts at +100ms
    awaitParked(first.thread(), WaitReason.SLEEP);
    Task<Void> second = Runner.VIRTUAL.run(() -> lim.await(background)); // acts at +200ms
    awaitParked(second.thread(), WaitReason.SLEEP);
    clock.awaitPendingTimers(2);
    clock.advance(D);
    first.join();
    awaitParked(second.thread(), WaitReason.SLEEP);
    assertThat(second.isDone()).isFalse();
    clock.advance(D);
    second.join();
  }

  @Test
  void nAboveTheBurstThrowsGoText() {
    RateLimiter lim = new RateLimiter(10, 3, clock);
    assertThatThrownBy(() -> lim.awaitN(background, 4))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("rate: Wait(n=4) exceeds limiter's burst 3 (awaitN)");
    assertThat(tokensNow(lim)).isEqualTo(3.0);
  }

  @Test
  void theMessageNamesTheJavaMethodCalled() {
    RateLimiter lim = new RateLimiter(10, 0, clock);
    assertThatThrownBy(() -> lim.await(background))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("rate: Wait(n=1) exceeds limiter's burst 0 (await)");
  }

  @Test
  void theBurstCheckComesBeforeTheContextCheck() {
    RateLimiter lim = new RateLimiter(10, 1, clock);
    assertThatThrownBy(() -> lim.awaitN(TestContexts.cancelled(), 2))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("rate: Wait(n=2) exceeds limiter's burst 1 (awaitN)");
  }

  @Test
  void infiniteLimitIgnoresTheBurst() throws InterruptedException {
    // Go's TestWaitInf.
    RateLimiter lim = new RateLimiter(RateLimiter.INF, 0, clock);
    lim.awaitN(background, 3);
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void aDeadlineBeforeTheNeededWaitThrowsAtOnceAndTakesNothing() throws InterruptedException {
    // Go's TestWaitTimeout.
    RateLimiter lim = new RateLimiter(10, 3, clock);
    try (CancelContext ctx = Context.withTimeout(background, D)) {
      lim.awaitN(ctx, 2); // one token left
      assertThatThrownBy(() -> lim.awaitN(ctx, 3)) // needs 200 ms, the deadline is in 100 ms
          .isInstanceOf(DeadlineExceededException.class)
          .hasMessage("rate: Wait(n=3) would exceed context deadline (awaitN)");
      assertThat(tokensNow(lim)).isEqualTo(1.0);
      assertThat(ctx.err()).isNull(); // the context itself has not expired
      lim.awaitN(ctx, 1); // the token is still there
    }
  }

  @Test
  void aWaitThatFitsBeforeTheDeadlineIsAccepted() throws Exception {
    RateLimiter lim = new RateLimiter(10, 1, clock);
    lim.await(background);
    try (CancelContext ctx = Context.withTimeout(background, Duration.ofMillis(150))) {
      Task<Void> waiter = Runner.VIRTUAL.run(() -> lim.await(ctx)); // needs 100 ms
      awaitParked(waiter.thread(), WaitReason.SLEEP);
      clock.awaitPendingTimers(2); // the context's deadline and the wait
      clock.advance(D);
      waiter.join();
      assertThat(ctx.err()).isNull();
    }
  }

  @Test
  void aWaitOfExactlyTheTimeLeftIsAccepted() throws Exception {
    // Go's TestReserveMax, through the context: a wait equal to the time left is allowed.
    RateLimiter lim = new RateLimiter(10, 2, clock);
    CancelContext ctx = Context.withTimeout(background, D);
    lim.awaitN(ctx, 2);
    CancelContext cancelMe = Context.withCancel(ctx);
    Task<CancellationException> waiter =
        Runner.VIRTUAL.call(() -> cancellationOf(lim, cancelMe, 1)); // needs exactly 100 ms
    awaitParked(waiter.thread(), WaitReason.SLEEP); // accepted: it sleeps instead of throwing
    cancelMe.cancel();
    assertThat(waiter.join()).isInstanceOf(ContextCanceledException.class);
    ctx.cancel();
  }

  @Test
  void aContextDoneOnEntryThrowsItsErrorAndTakesNothing() {
    RateLimiter lim = new RateLimiter(10, 1, clock);
    CancelContext ctx = TestContexts.cancelled();
    assertThatThrownBy(() -> lim.await(ctx)).isSameAs(ctx.err());
    assertThat(tokensNow(lim)).isEqualTo(1.0);
  }

  @Test
  void anExpiredDeadlineOnEntryThrowsTheContextError() throws InterruptedException {
    RateLimiter lim = new RateLimiter(10, 1, clock);
    CancelContext ctx = Context.withTimeout(background, D);
    clock.advance(D);
    assertThat(ctx.err()).isInstanceOf(DeadlineExceededException.class);
    assertThatThrownBy(() -> lim.await(ctx)).isSameAs(ctx.err());
    assertThat(tokensNow(lim)).isEqualTo(1.0);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancellingTheContextEndsTheWaitAndGivesTheTokensBack(Runner runner) throws Exception {
    // Go's TestWaitCancel.
    RateLimiter lim = new RateLimiter(10, 3, clock);
    lim.awaitN(background, 2); // one token left
    CancelContext ctx = Context.withCancel(background);
    Task<CancellationException> waiter = runner.call(() -> cancellationOf(lim, ctx, 3));
    awaitParked(waiter.thread(), WaitReason.SLEEP);
    clock.awaitPendingTimers(1);
    clock.advance(D); // halfway
    ctx.cancel();
    assertThat(waiter.join()).isSameAs(ctx.err());
    // -2 after the reservation, +1 in 100 ms, +3 given back.
    assertThat(tokensNow(lim)).isCloseTo(2.0, within(1e-9));
    lim.awaitN(background, 2); // at once
    assertThat(clock.pendingTimers()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancellingTheParentEndsTheWait(Runner runner)
      throws Exception {
    RateLimiter lim = new RateLimiter(10, 1, clock);
    lim.await(background);
    CancelContext parent = Context.withCancel(background);
    CancelContext ctx = Context.withTimeout(parent, Duration.ofSeconds(1));
    Task<CancellationException> waiter = runner.call(() -> cancellationOf(lim, ctx, 1));
    awaitParked(waiter.thread(), WaitReason.SLEEP);
    parent.cancel();
    assertThat(waiter.join()).isSameAs(ctx.err()).isInstanceOf(ContextCanceledException.class);
    assertThat(tokensNow(lim)).isEqualTo(0.0); // the reserved token is given back
    assertThat(lim.reserveN(clock.now(), 1).delayFrom(clock.now())).isEqualTo(D);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptEndsTheWaitAndGivesTheTokensBack(Runner runner) throws Exception {
    RateLimiter lim = new RateLimiter(10, 3, clock);
    lim.awaitN(background, 2); // one token left
    Task<Void> waiter = runner.run(() -> lim.awaitN(background, 3));
    awaitParked(waiter.thread(), WaitReason.SLEEP);
    assertThat(tokensNow(lim)).isEqualTo(-2.0);
    waiter.thread().interrupt();
    assertThat(waiter.failure()).isInstanceOf(InterruptedException.class);
    assertThat(tokensNow(lim)).isEqualTo(1.0);
    assertThat(lim.reserveN(clock.now(), 1).delayFrom(clock.now())).isZero();
  }

  @Test
  void anInterruptOnEntryThrowsWithoutTakingTokensWhenAWaitIsNeeded() {
    RateLimiter lim = new RateLimiter(10, 1, clock);
    lim.allowN(clock.now(), 1);
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> lim.await(background)).isInstanceOf(InterruptedException.class);
    assertThat(tokensNow(lim)).isEqualTo(0.0);
  }

  @Test
  void theLimiterReadsItsOwnClock() {
    RateLimiter lim = new RateLimiter(10, 1, clock);
    assertThat(lim.allow()).isTrue();
    assertThat(lim.allow()).isFalse();
    assertThat(lim.reserve().delay()).isEqualTo(D);
    clock.advance(D);
    assertThat(lim.tokens()).isCloseTo(0.0, within(1e-9));
    clock.advance(D);
    assertThat(lim.allow()).isTrue();
  }

  @Test
  void setLimitAndSetBurstUseTheClock() {
    RateLimiter lim = new RateLimiter(10, 1, clock);
    assertThat(lim.allow()).isTrue();
    clock.advance(Duration.ofMillis(50));
    lim.setLimit(20); // half a token so far
    lim.setBurst(2);
    clock.advance(Duration.ofMillis(25)); // half a token more at 20/s
    assertThat(lim.tokens()).isCloseTo(1.0, within(1e-9));
    assertThat(lim.burst()).isEqualTo(2);
  }

  @Test
  void reservationCancelUsesTheClock() {
    RateLimiter lim = new RateLimiter(10, 1, clock);
    lim.allow();
    Reservation r = lim.reserve();
    assertThat(r.delay()).isEqualTo(D);
    r.cancel();
    assertThat(lim.tokens()).isEqualTo(0.0);
    assertThat(lim.reserve().delay()).isEqualTo(D);
  }

  @Test
  void aFarDeadlineIsNoLimit() throws InterruptedException {
    RateLimiter lim = new RateLimiter(10, 1, clock);
    try (CancelContext ctx =
        Context.withDeadline(background, Instant.parse("3000-01-01T00:00:00Z"))) {
      lim.await(ctx);
    }
    assertThat(tokensNow(lim)).isEqualTo(0.0);
  }

  @Test
  void awaitAfterRaisingAZeroLimitWaitsForTheNewRate() throws Exception {
    RateLimiter lim = new RateLimiter(0, 1, clock);
    assertThat(lim.allow()).isTrue();
    assertThat(lim.allow()).isFalse();
    lim.setLimit(10);
    Task<Void> waiter = Runner.VIRTUAL.run(() -> lim.await(background));
    awaitParked(waiter.thread(), WaitReason.SLEEP);
    clock.awaitPendingTimers(1);
    clock.advance(D);
    waiter.join();
  }
}
