package dev.runnel.breaker;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.breaker.CircuitBreaker.State;
import dev.runnel.breaker.CircuitBreaker.StateChange;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.context.ContextCanceledException;
import dev.runnel.time.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The breaker's state machine on a manual clock: every transition and the rules that drive it. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CircuitBreakerTest {

  static final Context CTX = Context.background();

  final ManualClock clock = new ManualClock();
  final AtomicInteger runs = new AtomicInteger();

  CircuitBreakerBuilder builder() {
    return CircuitBreaker.builder().name("test").clock(clock);
  }

  /** A call that succeeds, taking {@code d} on the manual clock. */
  void succeed(CircuitBreaker b, Duration d) throws Exception {
    b.call(
        CTX,
        c -> {
          runs.incrementAndGet();
          clock.advance(d);
          return "ok";
        });
  }

  void succeed(CircuitBreaker b) throws Exception {
    succeed(b, Duration.ZERO);
  }

  void fail(CircuitBreaker b) {
    assertThatThrownBy(
            () ->
                b.call(
                    CTX,
                    c -> {
                      runs.incrementAndGet();
                      throw new IOException("down");
                    }))
        .isInstanceOf(IOException.class);
  }

  /** A closed breaker with a count window of 10, 5 minimum calls, 50%, 10 s open, 3 probes. */
  CircuitBreaker standard() {
    return builder()
        .countWindow(10)
        .minimumCalls(5)
        .failureRateThreshold(50)
        .waitInOpen(ofSeconds(10))
        .probes(3)
        .build();
  }

  CircuitBreaker opened(CircuitBreaker b) {
    for (int i = 0; i < 5; i++) {
      fail(b);
    }
    assertThat(b.state()).isEqualTo(State.OPEN);
    return b;
  }

  @Test
  void ratesCountOnlyOnceTheWindowHoldsMinimumCalls() throws Exception {
    CircuitBreaker b = standard();
    for (int i = 0; i < 4; i++) {
      fail(b);
    }
    assertThat(b.state()).isEqualTo(State.CLOSED);
    assertThat(b.metrics().failureRate()).isEqualTo(-1);
    assertThat(b.metrics().bufferedCalls()).isEqualTo(4);
    fail(b);
    assertThat(b.state()).isEqualTo(State.OPEN);
  }

  @Test
  void opensWhenTheFailureRateReachesTheThreshold() throws Exception {
    CircuitBreaker b = standard();
    succeed(b);
    succeed(b);
    succeed(b);
    fail(b);
    fail(b);
    assertThat(b.state()).as("2 of 5 = 40%").isEqualTo(State.CLOSED);
    assertThat(b.metrics().failureRate()).isEqualTo(40);
    fail(b);
    assertThat(b.state()).as("3 of 6 = 50%").isEqualTo(State.OPEN);
  }

  @Test
  void theCountWindowForgetsTheOldestOutcome() throws Exception {
    CircuitBreaker b = builder().countWindow(4).minimumCalls(4).failureRateThreshold(75).build();
    fail(b);
    fail(b);
    succeed(b);
    succeed(b);
    assertThat(b.metrics().failedCalls()).isEqualTo(2);
    succeed(b); // the first failure leaves
    assertThat(b.metrics().failedCalls()).isEqualTo(1);
    assertThat(b.metrics().bufferedCalls()).isEqualTo(4);
    fail(b); // the second failure leaves, this one enters
    fail(b);
    assertThat(b.state()).as("2 of 4").isEqualTo(State.CLOSED);
    fail(b);
    assertThat(b.state()).as("3 of 4").isEqualTo(State.OPEN);
  }

  @Test
  void aWindowFullOfSuccessesStillCountsTheNextFailure() throws Exception {
    CircuitBreaker b = builder().countWindow(3).minimumCalls(3).failureRateThreshold(60).build();
    for (int i = 0; i < 10; i++) {
      succeed(b); // from the fourth on, the window is full of successes and does not change
    }
    assertThat(b.metrics().bufferedCalls()).isEqualTo(3);
    fail(b);
    assertThat(b.metrics().failedCalls()).isEqualTo(1);
    succeed(b);
    succeed(b);
    succeed(b);
    assertThat(b.metrics().failedCalls()).as("the failure has left").isZero();
    fail(b);
    fail(b);
    assertThat(b.state()).as("2 of 3").isEqualTo(State.OPEN);
  }

  @Test
  void openRefusesWithoutRunningAndSaysHowLongItWillWait() {
    CircuitBreaker b = opened(standard());
    int before = runs.get();
    clock.advance(ofSeconds(4));
    assertThatThrownBy(() -> succeed(b))
        .isInstanceOfSatisfying(
            CircuitOpenException.class,
            e -> {
              assertThat(e.retryAfter()).isEqualTo(ofSeconds(6));
              assertThat(e.state()).isEqualTo(State.OPEN);
            });
    assertThat(runs.get()).isEqualTo(before);
    assertThat(b.tryAcquirePermission()).isEqualTo(CircuitBreaker.NOT_PERMITTED);
    assertThat(b.metrics().notPermittedCalls()).isEqualTo(2);
    clock.advance(ofSeconds(6).minusNanos(1));
    assertThat(b.state()).isEqualTo(State.OPEN);
    clock.advance(Duration.ofNanos(1));
    assertThat(b.state()).isEqualTo(State.HALF_OPEN);
  }

  @Test
  void halfOpenPermitsExactlyTheProbesAndClosesWhenTheyAreHealthy() throws Exception {
    CircuitBreaker b = opened(standard());
    clock.advance(ofSeconds(10));
    long p1 = b.tryAcquirePermission();
    long p2 = b.tryAcquirePermission();
    long p3 = b.tryAcquirePermission();
    assertThat(p1).isNotNegative().isEqualTo(p2).isEqualTo(p3);
    assertThat(b.tryAcquirePermission()).as("a fourth probe").isEqualTo(CircuitBreaker.NOT_PERMITTED);
    assertThatThrownBy(b::acquirePermission)
        .isInstanceOfSatisfying(
            CircuitOpenException.class, e -> assertThat(e.retryAfter()).isZero());
    b.onSuccess(p1, ofMillis(1));
    b.onError(p2, ofMillis(1), new IOException());
    assertThat(b.state()).as("2 of 3 probes done").isEqualTo(State.HALF_OPEN);
    assertThat(b.metrics().bufferedCalls()).isEqualTo(2);
    assertThat(b.tryAcquirePermission()).as("completed probes free no slot").isNegative();
    b.onSuccess(p3, ofMillis(1));
    assertThat(b.state()).as("1 of 3 failed: 33% < 50%").isEqualTo(State.CLOSED);
    assertThat(b.metrics().bufferedCalls()).as("a fresh window").isZero();
  }

  @Test
  void halfOpenReopensWhenTheProbesFailAtTheThreshold() throws Exception {
    CircuitBreaker b = builder().countWindow(4).minimumCalls(2).probes(2).waitInOpen(ofSeconds(1)).build();
    fail(b);
    fail(b);
    clock.advance(ofSeconds(1));
    succeed(b);
    assertThat(b.state()).isEqualTo(State.HALF_OPEN);
    fail(b);
    assertThat(b.state()).as("1 of 2 = 50%, not below").isEqualTo(State.OPEN);
  }

  @Test
  void anIgnoredProbeGivesItsSlotBack() {
    CircuitBreaker b =
        builder().countWindow(2).minimumCalls(1).probes(1).waitInOpen(ofSeconds(1))
            .ignoreOn(e -> e instanceof IllegalStateException).build();
    fail(b);
    clock.advance(ofSeconds(1));
    long probe = b.tryAcquirePermission();
    assertThat(b.tryAcquirePermission()).isNegative();
    b.onError(probe, ofMillis(1), new IllegalStateException());
    assertThat(b.state()).isEqualTo(State.HALF_OPEN);
    long again = b.tryAcquirePermission();
    assertThat(again).isEqualTo(probe);
    b.releasePermission(again);
    assertThat(b.tryAcquirePermission()).isEqualTo(probe);
  }

  @Test
  void lateResultsFromAnEarlierEpochAreDropped() throws Exception {
    CircuitBreaker b = standard();
    long closedPermit = b.tryAcquirePermission();
    opened(b);
    clock.advance(ofSeconds(10));
    long probe = b.tryAcquirePermission();
    assertThat(probe).isNotEqualTo(closedPermit);
    b.onError(closedPermit, ofMillis(1), new IOException("late"));
    b.onSuccess(closedPermit, ofMillis(1));
    assertThat(b.metrics().bufferedCalls()).as("no probe counted").isZero();
    assertThat(b.metrics().lateResults()).isEqualTo(2);
    b.onSuccess(probe, ofMillis(1));
    long probe2 = b.tryAcquirePermission();
    long probe3 = b.tryAcquirePermission();
    b.onSuccess(probe2, ofMillis(1));
    b.onSuccess(probe3, ofMillis(1));
    assertThat(b.state()).isEqualTo(State.CLOSED);
    b.onError(probe, ofMillis(1), new IOException("a probe reporting twice, after the close"));
    assertThat(b.metrics().bufferedCalls()).isZero();
    assertThat(b.metrics().lateResults()).isEqualTo(3);
  }

  @Test
  void slowCallsOpenTheBreakerAtTheSlowRate() throws Exception {
    CircuitBreaker b =
        builder().countWindow(10).minimumCalls(4).slowCalls(ofSeconds(1), 50).build();
    succeed(b, ofSeconds(1)); // exactly the threshold: not slow
    succeed(b, ofSeconds(2));
    succeed(b, Duration.ZERO);
    assertThat(b.metrics().slowCalls()).isEqualTo(1);
    succeed(b, ofSeconds(2));
    assertThat(b.metrics().slowCallRate()).isEqualTo(50);
    assertThat(b.state()).isEqualTo(State.OPEN);
  }

  @Test
  void slowProbesReopen() {
    CircuitBreaker b =
        builder().countWindow(2).minimumCalls(1).probes(2).slowCalls(ofSeconds(1), 50)
            .waitInOpen(ofSeconds(1)).build();
    fail(b);
    clock.advance(ofSeconds(1));
    long p = b.tryAcquirePermission();
    b.onSuccess(p, ofSeconds(2));
    b.onSuccess(b.tryAcquirePermission(), ofMillis(1));
    assertThat(b.state()).isEqualTo(State.OPEN);
  }

  @Test
  void theTimeWindowForgetsExpiredBuckets() throws Exception {
    CircuitBreaker b =
        builder().timeWindow(ofSeconds(10), 10).minimumCalls(3).failureRateThreshold(60).build();
    fail(b); // bucket [0 s, 1 s)
    clock.advance(ofSeconds(5));
    fail(b); // bucket [5 s, 6 s)
    assertThat(b.metrics().bufferedCalls()).isEqualTo(2);
    clock.advance(ofSeconds(5)); // now 10 s: the first bucket has left
    assertThat(b.metrics().bufferedCalls()).isEqualTo(1);
    succeed(b);
    succeed(b);
    assertThat(b.state()).as("1 of 3 failed").isEqualTo(State.CLOSED);
    clock.advance(ofSeconds(6)); // now 16 s: the failure at 5 s has left
    assertThat(b.metrics().bufferedCalls()).isEqualTo(2);
    fail(b);
    fail(b);
    assertThat(b.metrics().failureRate()).isEqualTo(50);
    assertThat(b.state()).isEqualTo(State.CLOSED);
    fail(b);
    assertThat(b.state()).as("3 of 5 = 60%").isEqualTo(State.OPEN);
    clock.advance(ofSeconds(100));
    assertThat(b.metrics().bufferedCalls()).as("a gap longer than the window").isZero();
  }

  @Test
  void theOpenWaitGrowsWithEachReopeningAndResetsOnClose() throws Exception {
    CircuitBreaker b =
        builder().countWindow(1).minimumCalls(1).probes(1).waitInOpen(ofSeconds(1), 2, ofSeconds(5))
            .build();
    fail(b);
    assertThat(retryAfter(b)).isEqualTo(ofSeconds(1));
    for (Duration expected : new Duration[] {ofSeconds(2), ofSeconds(4), ofSeconds(5), ofSeconds(5)}) {
      clock.advance(retryAfter(b));
      fail(b); // the probe
      assertThat(retryAfter(b)).isEqualTo(expected);
    }
    clock.advance(ofSeconds(5));
    succeed(b);
    assertThat(b.state()).isEqualTo(State.CLOSED);
    fail(b);
    assertThat(retryAfter(b)).isEqualTo(ofSeconds(1));
  }

  static String str(String s) {
    return s;
  }

  static Duration retryAfter(CircuitBreaker b) {
    try {
      b.acquirePermission();
    } catch (CircuitOpenException e) {
      return e.retryAfter();
    }
    throw new AssertionError("permitted");
  }

  @Test
  void aHalfOpenPeriodWhoseProbesNeverReportReopensAfterItsLimit() {
    CircuitBreaker b =
        builder().countWindow(1).minimumCalls(1).probes(1).waitInOpen(ofSeconds(1))
            .maxWaitInHalfOpen(ofSeconds(30)).build();
    fail(b);
    clock.advance(ofSeconds(1));
    long lost = b.tryAcquirePermission(); // never reported
    assertThat(lost).isNotNegative();
    clock.advance(ofSeconds(29));
    assertThat(b.tryAcquirePermission()).isNegative();
    assertThat(b.state()).isEqualTo(State.HALF_OPEN);
    clock.advance(ofSeconds(1));
    assertThat(b.tryAcquirePermission()).isNegative();
    assertThat(b.state()).isEqualTo(State.OPEN);
  }

  @Test
  void forcedOpenDisabledAndMetricsOnlyHoldUntilReset() throws Exception {
    CircuitBreaker b = standard();
    b.forceOpen();
    clock.advance(ofSeconds(1_000));
    assertThatThrownBy(() -> succeed(b))
        .isInstanceOfSatisfying(
            CircuitOpenException.class, e -> assertThat(e.state()).isEqualTo(State.FORCED_OPEN));
    b.disable();
    for (int i = 0; i < 20; i++) {
      fail(b);
    }
    assertThat(b.state()).isEqualTo(State.DISABLED);
    assertThat(b.metrics().bufferedCalls()).isZero();
    b.metricsOnly();
    for (int i = 0; i < 20; i++) {
      fail(b);
    }
    assertThat(b.state()).isEqualTo(State.METRICS_ONLY);
    assertThat(b.metrics().failureRate()).isEqualTo(100);
    b.reset();
    assertThat(b.state()).isEqualTo(State.CLOSED);
    assertThat(b.metrics().bufferedCalls()).isZero();
    succeed(b);
  }

  @Test
  void listenersSeeEveryTransitionInOrderAndTheirExceptionsAreReportedNotThrown() throws Exception {
    java.util.List<StateChange> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.List<Throwable> panics = new java.util.concurrent.CopyOnWriteArrayList<>();
    dev.runnel.Go.setPanicHandler((t, e) -> panics.add(e));
    try {
      CircuitBreaker b =
          builder().countWindow(1).minimumCalls(1).probes(1).waitInOpen(ofSeconds(1))
              .onStateChange(
                  c -> {
                    throw new IllegalStateException("listener bug");
                  })
              .onStateChange(seen::add)
              .build();
      fail(b);
      clock.advance(ofSeconds(1));
      succeed(b);
      b.forceOpen();
      b.reset();
      assertThat(seen)
          .containsExactly(
              new StateChange(State.CLOSED, State.OPEN, 1),
              new StateChange(State.OPEN, State.HALF_OPEN, 2),
              new StateChange(State.HALF_OPEN, State.CLOSED, 3),
              new StateChange(State.CLOSED, State.FORCED_OPEN, 4),
              new StateChange(State.FORCED_OPEN, State.CLOSED, 5));
      assertThat(panics).hasSize(5).allMatch(e -> e.getMessage().equals("listener bug"));
    } finally {
      dev.runnel.Go.setPanicHandler(null);
    }
  }

  @Test
  void predicatesDecideWhatIsAFailureASuccessOrNothing() throws Exception {
    CircuitBreaker b =
        builder().countWindow(10).minimumCalls(1)
            .ignoreOn(e -> e instanceof IllegalStateException)
            .failOn(e -> e instanceof IOException)
            .build();
    assertThatThrownBy(() -> b.call(CTX, c -> { throw new IllegalStateException(); }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(b.metrics().bufferedCalls()).as("ignored").isZero();
    assertThatThrownBy(() -> b.call(CTX, c -> { throw new IllegalArgumentException(); }))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(b.metrics().bufferedCalls()).isEqualTo(1);
    assertThat(b.metrics().failedCalls()).as("not a failure: a success").isZero();
    fail(b);
    assertThat(b.state()).as("1 of 2 = 50%").isEqualTo(State.OPEN);
  }

  @Test
  void theCallersOwnEndingIsNotRecorded() {
    CircuitBreaker b = builder().countWindow(10).minimumCalls(1).build();
    CancelContext ctx = Context.withCancel(CTX);
    ctx.cancel();
    assertThatThrownBy(() -> b.call(ctx, c -> { throw c.err(); }))
        .isInstanceOf(ContextCanceledException.class);
    assertThatThrownBy(() -> b.call(CTX, c -> { throw new InterruptedException(); }))
        .isInstanceOf(InterruptedException.class);
    assertThat(b.metrics().bufferedCalls()).isZero();
    assertThatThrownBy(() -> b.call(CTX, c -> { throw new ContextCanceledException(); }))
        .as("a cancellation while the caller lives is the dependency's failure")
        .isInstanceOf(ContextCanceledException.class);
    assertThat(b.state()).isEqualTo(State.OPEN);
  }

  @Test
  void theFallbackAnswersRefusalsAndFailuresButNotIgnoredExceptions() throws Exception {
    CircuitBreaker b =
        builder().countWindow(10).minimumCalls(3).ignoreOn(e -> e instanceof IllegalStateException)
            .build();
    assertThat(str(b.call(CTX, c -> "live", e -> "cached"))).isEqualTo("live");
    assertThat(str(b.call(CTX, c -> { throw new IOException(); }, e -> "after " + e.getClass().getSimpleName())))
        .isEqualTo("after IOException");
    assertThatThrownBy(() -> b.call(CTX, c -> { throw new IllegalStateException(); }, e -> "no"))
        .isInstanceOf(IllegalStateException.class);
    fail(b);
    assertThat(b.state()).isEqualTo(State.OPEN);
    assertThat(str(b.call(CTX, c -> "not run", e -> e instanceof CircuitOpenException ? "degraded" : "?")))
        .isEqualTo("degraded");
  }

  @Test
  void fallbackCallRecoversAChainButNotTheCallersEnding() throws Exception {
    CircuitBreaker b = opened(standard());
    assertThat(str(Fallback.call(CTX, b, c -> "live", e -> "degraded"))).isEqualTo("degraded");
    CancelContext ctx = Context.withCancel(CTX);
    ctx.cancel();
    assertThatThrownBy(
            () -> Fallback.call(ctx, dev.runnel.resilience.Policy.none(), c -> { throw c.err(); }, e -> "no"))
        .isInstanceOf(ContextCanceledException.class);
  }

  @Test
  void composesWithARetryThatDoesNotSpinOnRefusals() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    dev.runnel.resilience.Policy retry = StubRetry.attempts(5, attempts);
    CircuitBreaker b = builder().countWindow(3).minimumCalls(3).build();
    dev.runnel.resilience.Policy retryOutside = dev.runnel.resilience.Policy.chain(retry, b);
    assertThatThrownBy(() -> retryOutside.call(CTX, c -> { runs.incrementAndGet(); throw new IOException(); }))
        .as("the fourth attempt is refused, and the retry stops there")
        .isInstanceOf(CircuitOpenException.class);
    assertThat(runs.get()).isEqualTo(3);
    assertThat(attempts.get()).isEqualTo(4);

    CircuitBreaker outer = builder().countWindow(3).minimumCalls(3).build();
    dev.runnel.resilience.Policy breakerOutside = dev.runnel.resilience.Policy.chain(outer, StubRetry.attempts(5, new AtomicInteger()));
    AtomicInteger tries = new AtomicInteger();
    assertThat(str(breakerOutside.call(CTX, c -> {
      if (tries.incrementAndGet() < 3) {
        throw new IOException("transient");
      }
      return "ok";
    }))).isEqualTo("ok");
    assertThat(outer.metrics().bufferedCalls()).as("one outcome per retried call").isEqualTo(1);
    assertThat(outer.metrics().failedCalls()).isZero();
  }

  @Test
  void badConfigurationIsRefusedWithAMessage() {
    assertThatThrownBy(() -> CircuitBreaker.builder().countWindow(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count window");
    assertThatThrownBy(() -> CircuitBreaker.builder().failureRateThreshold(0))
        .hasMessageContaining("failure rate threshold");
    assertThatThrownBy(() -> CircuitBreaker.builder().failureRateThreshold(101))
        .hasMessageContaining("(0, 100]");
    assertThatThrownBy(() -> CircuitBreaker.builder().waitInOpen(ofSeconds(2), 2, ofSeconds(1)))
        .hasMessageContaining("below the initial");
    assertThatThrownBy(() -> CircuitBreaker.builder().timeWindow(Duration.ofNanos(15), 10))
        .hasMessageContaining("multiple of 10");
    assertThatThrownBy(() -> CircuitBreaker.builder().countWindow(5).minimumCalls(6).build())
        .hasMessageContaining("exceed the window");
    assertThat(CircuitBreaker.builder().countWindow(5).build().metrics().bufferedCalls()).isZero();
    assertThatThrownBy(() -> CircuitBreaker.builder().clock(null)).isInstanceOf(NullPointerException.class);
    CircuitBreaker b = standard();
    assertThatThrownBy(() -> b.onSuccess(CircuitBreaker.NOT_PERMITTED, ofMillis(1)))
        .hasMessageContaining("permit is negative");
  }
}
