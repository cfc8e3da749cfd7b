package dev.runnel.rate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import dev.runnel.time.ManualClock;

/**
 * The token bucket at explicit times: allowN, reserveN, cancelAt, setLimitAt, setBurstAt and
 * tokensAt, checked against the arithmetic of Go's golang.org/x/time/rate. Times are {@code T0}
 * plus multiples of {@link #D} (100 ms), so at 10 events/s one step is one token.
 */
class RateLimiterTest {

  private static final Duration D = Duration.ofMillis(100);
  private static final Instant T0 = Instant.parse("2000-01-01T00:00:00Z");

  /** {@code T0 + k * 100ms}. */
  private static Instant t(int k) {
    return T0.plus(D.multipliedBy(k));
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  // ---------------------------------------------------------------- allowN

  @Test
  void burstOneAtTenPerSecondAllowsOneEventPerHundredMillis() {
    RateLimiter lim = new RateLimiter(10, 1);
    assertThat(lim.tokensAt(T0)).isEqualTo(1.0); // a new bucket is full
    assertThat(lim.allowN(T0, 1)).isTrue();
    assertThat(lim.tokensAt(T0)).isEqualTo(0.0);
    assertThat(lim.allowN(T0, 1)).isFalse();
    assertThat(lim.allowN(T0, 1)).isFalse();
    assertThat(lim.allowN(t(1), 1)).isTrue(); // one token 100 ms later
    assertThat(lim.allowN(T0.plus(ms(150)), 1)).isFalse(); // half a token
    assertThat(lim.tokensAt(T0.plus(ms(150)))).isCloseTo(0.5, within(1e-9));
    assertThat(lim.allowN(t(2), 1)).isTrue();
    assertThat(lim.allowN(t(2), 1)).isFalse();
  }

  @Test
  void nAboveTheBurstIsNeverAllowedAndTakesNothing() {
    RateLimiter lim = new RateLimiter(10, 1);
    assertThat(lim.allowN(T0, 2)).isFalse();
    assertThat(lim.allowN(T0.plus(Duration.ofHours(1)), 2)).isFalse();
    assertThat(lim.tokensAt(T0.plus(Duration.ofHours(1)))).isEqualTo(1.0);
    assertThat(lim.allowN(T0.plus(Duration.ofHours(1)), 1)).isTrue();
  }

  @Test
  void burstThreeAllowsThreeAtOnceThenRefillsAtTheRate() {
    // Go's TestLimiterBurst3, with the tokens before each step.
    RateLimiter lim = new RateLimiter(10, 3);
    step(lim, T0, 3, 2, true);
    step(lim, T0, 1, 2, false);
    step(lim, T0, 1, 1, true);
    step(lim, T0, 0, 1, false);
    step(lim, t(1), 1, 4, false); // above the burst
    step(lim, t(2), 2, 1, true);
    step(lim, t(3), 2, 1, true);
    step(lim, t(4), 2, 1, true);
    step(lim, t(4), 1, 1, true);
    step(lim, t(4), 0, 1, false);
    step(lim, t(4), 0, 1, false);
    step(lim, t(9), 3, 3, true); // refilled up to the burst, not beyond
    step(lim, t(9), 0, 0, true); // n = 0 is always allowed
  }

  @Test
  void allowNOfZeroIsAllowedEvenWithAnEmptyBucket() {
    RateLimiter lim = new RateLimiter(10, 2);
    assertThat(lim.allowN(T0, 2)).isTrue();
    assertThat(lim.allowN(T0, 0)).isTrue();
    assertThat(lim.tokensAt(T0)).isEqualTo(0.0);
    assertThat(lim.allowN(T0, 1)).isFalse();
  }

  @Test
  void aTimeBeforeTheLastUpdateCountsAsNoTimePassing() {
    // Go's TestLimiterJumpBackwards.
    RateLimiter lim = new RateLimiter(10, 3);
    step(lim, t(1), 3, 1, true); // start at t1
    step(lim, T0, 2, 1, true); // back to t0: two tokens remain, none refilled
    step(lim, T0, 1, 1, true);
    step(lim, T0, 0, 1, false);
    step(lim, T0, 0, 1, false);
    step(lim, t(1), 1, 1, true); // one token from t0 to t1
    step(lim, t(1), 0, 1, false);
    step(lim, t(2), 1, 1, true);
    step(lim, t(2), 0, 1, false);
  }

  @Test
  void aNewLimiterIsFullEvenAtAnIrrationalRate() {
    // Go's TestLimiter_noTruncationErrors: refilling from the beginning of time fills the bucket.
    assertThat(new RateLimiter(0.7692307692307693, 1).allowN(T0, 1)).isTrue();
  }

  @Test
  void aTinyRateNeverRefillsInPractice() {
    // The wait for one token overflows a long; it must not wrap around to "now".
    RateLimiter lim = new RateLimiter(10, 1);
    assertThat(lim.allowN(T0, 1)).isTrue();
    lim.setLimitAt(T0, 1e-10);
    assertThat(lim.allowN(T0, 1)).isFalse();
    assertThat(lim.allowN(T0.plus(Duration.ofDays(365)), 1)).isFalse();
  }

  @Test
  void aNewLimiterIsFullWhateverTheRate() {
    RateLimiter tiny = new RateLimiter(1e-10, 1);
    assertThat(tiny.allowN(T0, 1)).isTrue();
    assertThat(tiny.allowN(T0, 1)).isFalse();
    RateLimiter yearly = new RateLimiter(RateLimiter.every(Duration.ofDays(365)), 1000);
    assertThat(yearly.tokensAt(T0)).isEqualTo(1000.0);
  }

  private static void step(RateLimiter lim, Instant at, double tokens, int n, boolean ok) {
    assertThat(lim.tokensAt(at)).as("tokens at %s", at).isEqualTo(tokens);
    assertThat(lim.allowN(at, n)).as("allowN(%s, %d)", at, n).isEqualTo(ok);
  }

  // ---------------------------------------------------------------- Inf and zero limits

  @ParameterizedTest
  @CsvSource({"0", "1", "5"})
  void infiniteLimitAllowsEverythingWhateverTheBurst(int burst) {
    RateLimiter lim = new RateLimiter(RateLimiter.INF, burst);
    for (int i = 0; i < 100; i++) {
      assertThat(lim.allowN(T0, 1)).isTrue();
    }
    assertThat(lim.allowN(T0, 1_000)).isTrue();
    Reservation r = lim.reserveN(T0, 1_000);
    assertThat(r.ok()).isTrue();
    assertThat(r.delayFrom(T0)).isZero();
  }

  @Test
  void positiveInfinityMeansInf() {
    RateLimiter lim = new RateLimiter(Double.POSITIVE_INFINITY, 0);
    assertThat(lim.limit()).isEqualTo(RateLimiter.INF);
    assertThat(lim.allowN(T0, 7)).isTrue();
  }

  @Test
  void zeroLimitAllowsOnlyTheBurstAndNeverRefills() {
    RateLimiter lim = new RateLimiter(0, 3);
    assertThat(lim.allowN(T0, 1)).isTrue();
    assertThat(lim.allowN(T0, 2)).isTrue();
    assertThat(lim.allowN(T0, 1)).isFalse();
    assertThat(lim.allowN(T0.plus(Duration.ofHours(1)), 1)).isFalse();
    assertThat(lim.allowN(T0.plus(Duration.ofDays(10_000)), 1)).isFalse();
  }

  @Test
  void zeroLimitRefusesMoreThanWhatIsLeftOfTheBurst() {
    RateLimiter lim = new RateLimiter(0, 2);
    assertThat(lim.allowN(T0, 3)).isFalse();
    assertThat(lim.allowN(T0, 1)).isTrue();
    assertThat(lim.allowN(T0, 2)).isFalse();
    assertThat(lim.allowN(T0, 1)).isTrue();
  }

  @Test
  void zeroLimitAndZeroBurstRejectsEverything() {
    RateLimiter lim = new RateLimiter(0, 0);
    assertThat(lim.allowN(T0, 1)).isFalse();
    assertThat(lim.reserveN(T0, 1).ok()).isFalse();
  }

  @Test
  void zeroLimitSpendsTokensNotTheBurst() {
    RateLimiter lim = new RateLimiter(0, 1);
    assertThat(lim.allowN(T0, 1)).isTrue();
    assertThat(lim.allowN(T0, 1)).isFalse();
    assertThat(lim.burst()).isEqualTo(1);
    assertThat(lim.tokensAt(T0)).isEqualTo(0.0);
    lim.setLimitAt(T0, 10);
    assertThat(lim.allowN(T0, 1)).isFalse();
    assertThat(lim.allowN(t(1), 1)).isTrue(); // refilled from the moment the limit was set
  }

  @Test
  void zeroLimitBucketStartsFull() {
    RateLimiter lim = new RateLimiter(0, 2);
    assertThat(lim.tokensAt(T0)).isEqualTo(2.0);
    lim.setLimitAt(T0, 10);
    assertThat(lim.allowN(T0, 2)).isTrue();
  }

  // ---------------------------------------------------------------- every

  @ParameterizedTest
  @CsvSource({
    "1, 1e9",
    "1000, 1e6",
    "1000000, 1e3",
    "10000000, 100",
    "100000000, 10",
    "1000000000, 1",
    "2000000000, 0.5",
    "2500000000, 0.4",
    "4000000000, 0.25",
    "10000000000, 0.1",
    "9223372036854775807, 1.0842021724855044e-10"
  })
  void everyIsOneEventPerInterval(long nanos, double perSecond) {
    assertThat(RateLimiter.every(Duration.ofNanos(nanos)))
        .isCloseTo(perSecond, within(perSecond * 1e-9));
  }

  @Test
  void everyOfAHundredMillisIsTenPerSecond() {
    assertThat(RateLimiter.every(ms(100))).isEqualTo(10.0);
  }

  @Test
  void everyOfZeroOrLessIsInf() {
    assertThat(RateLimiter.every(Duration.ZERO)).isEqualTo(RateLimiter.INF);
    assertThat(RateLimiter.every(Duration.ofNanos(-1))).isEqualTo(RateLimiter.INF);
  }

  // ---------------------------------------------------------------- reserveN

  @Test
  void reservationsQueueUpAtTheRate() {
    RateLimiter lim = new RateLimiter(10, 2);
    Reservation a = lim.reserveN(T0, 2);
    Reservation b = lim.reserveN(T0, 2);
    Reservation c = lim.reserveN(T0, 1);
    assertThat(a.ok()).isTrue();
    assertThat(a.delayFrom(T0)).isZero();
    assertThat(b.delayFrom(T0)).isEqualTo(ms(200));
    assertThat(c.delayFrom(T0)).isEqualTo(ms(300));
    assertThat(c.delayFrom(t(1))).isEqualTo(ms(200)); // measured from a later time
    assertThat(c.delayFrom(t(4))).isZero(); // never negative
    assertThat(lim.tokensAt(T0)).isEqualTo(-3.0); // debt while reservations wait
    assertThat(lim.tokensAt(t(3))).isCloseTo(0.0, within(1e-9));
  }

  @Test
  void reservationAfterIdleTimeStartsFromTheRefilledBucket() {
    // Go's TestSimpleReserve.
    RateLimiter lim = new RateLimiter(10, 2);
    assertThat(lim.reserveN(T0, 2).delayFrom(T0)).isZero();
    assertThat(lim.reserveN(T0, 2).delayFrom(T0)).isEqualTo(ms(200));
    assertThat(lim.reserveN(t(3), 2).delayFrom(t(3))).isEqualTo(ms(100)); // acts at t4
  }

  @Test
  void reservationAboveTheBurstIsNotOkAndTakesNothing() {
    RateLimiter lim = new RateLimiter(10, 2);
    Reservation r = lim.reserveN(T0, 3);
    assertThat(r.ok()).isFalse();
    assertThat(r.delayFrom(T0)).isEqualTo(RateLimiter.INF_DURATION);
    assertThat(RateLimiter.INF_DURATION).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
    assertThat(lim.tokensAt(T0)).isEqualTo(2.0);
    assertThat(lim.reserveN(T0, 2).delayFrom(T0)).isZero();
  }

  @Test
  void allowAndReserveMix() {
    // Go's TestMix.
    RateLimiter lim = new RateLimiter(10, 2);
    assertThat(lim.reserveN(T0, 3).ok()).isFalse();
    assertThat(lim.reserveN(T0, 2).delayFrom(T0)).isZero();
    step(lim, t(1), 1, 2, false); // not enough tokens
    assertThat(lim.reserveN(t(1), 2).delayFrom(t(1))).isEqualTo(ms(100)); // acts at t2
    step(lim, t(1), -1, 1, false); // in debt
    step(lim, t(3), 1, 1, true);
  }

  @Test
  void reservationAtAnEarlierTimeActsAfterTheLaterOne() {
    // Go's TestReserveJumpBack: a reservation before the last update sees no refill.
    RateLimiter lim = new RateLimiter(10, 2);
    assertThat(lim.reserveN(t(1), 2).delayFrom(t(1))).isZero();
    assertThat(lim.reserveN(T0, 1).delayFrom(T0)).isEqualTo(ms(100)); // acts at t1
    assertThat(lim.reserveN(t(2), 2).delayFrom(t(2))).isEqualTo(ms(100)); // acts at t3
    assertThat(lim.reserveN(T0, 3).ok()).isFalse(); // above the burst: no state change
    assertThat(lim.reserveN(t(2), 1).delayFrom(t(2))).isEqualTo(ms(200)); // acts at t4
    assertThat(lim.reserveN(t(2), 1).delayFrom(t(2))).isEqualTo(ms(300)); // acts at t5
  }

  // ---------------------------------------------------------------- cancelAt

  @Test
  void cancellingTheLatestReservationGivesItsTokensBack() {
    // Go's TestCancelLast.
    RateLimiter lim = new RateLimiter(10, 2);
    lim.reserveN(T0, 2);
    Reservation r = lim.reserveN(T0, 2); // acts at t2
    r.cancelAt(t(1));
    assertThat(lim.tokensAt(t(1))).isEqualTo(1.0);
    assertThat(lim.reserveN(t(1), 2).delayFrom(t(1))).isEqualTo(ms(100)); // acts at t2 again
  }

  @Test
  void cancellingTheLatestReservationMovesTheLastEventBack() {
    RateLimiter lim = new RateLimiter(10, 2);
    lim.reserveN(T0, 2);
    Reservation a = lim.reserveN(T0, 1); // acts at t1
    Reservation b = lim.reserveN(T0, 1); // acts at t2
    b.cancelAt(T0); // last event back to t1
    assertThat(lim.tokensAt(T0)).isEqualTo(-1.0);
    // a is the latest again: cancelling it gives back its whole token (had the last event stayed
    // at t2, the token a later reservation "used" between t1 and t2 would be kept).
    a.cancelAt(T0);
    assertThat(lim.tokensAt(T0)).isEqualTo(0.0);
    assertThat(lim.reserveN(T0, 2).delayFrom(T0)).isEqualTo(ms(200));
  }

  @Test
  void cancellingAfterTheTimeToActDoesNothing() {
    // Go's TestCancelTooLate.
    RateLimiter lim = new RateLimiter(10, 2);
    lim.reserveN(T0, 2);
    Reservation r = lim.reserveN(T0, 2); // acts at t2
    r.cancelAt(t(3));
    assertThat(lim.reserveN(t(3), 2).delayFrom(t(3))).isEqualTo(ms(100)); // acts at t4
  }

  @Test
  void cancellingAtTheTimeToActStillGivesTheTokensBack() {
    RateLimiter lim = new RateLimiter(10, 2);
    lim.reserveN(T0, 2);
    Reservation r = lim.reserveN(T0, 2); // acts at t2
    r.cancelAt(t(2)); // not yet past
    assertThat(lim.tokensAt(t(2))).isEqualTo(2.0);
  }

  @Test
  void cancellingAReservationLaterOnesDependOnGivesNothingBack() {
    // Go's TestCancel0Tokens.
    RateLimiter lim = new RateLimiter(10, 2);
    lim.reserveN(T0, 2);
    Reservation r = lim.reserveN(T0, 1); // acts at t1
    lim.reserveN(T0, 1); // acts at t2, using the token produced between t1 and t2
    r.cancelAt(T0);
    assertThat(lim.reserveN(T0, 1).delayFrom(T0)).isEqualTo(ms(300)); // acts at t3
  }

  @Test
  void cancellingGivesBackOnlyWhatLaterReservationsDidNotUse() {
    // Go's TestCancel1Token.
    RateLimiter lim = new RateLimiter(10, 2);
    lim.reserveN(T0, 2);
    Reservation r = lim.reserveN(T0, 2); // acts at t2
    lim.reserveN(T0, 1); // acts at t3
    r.cancelAt(t(2)); // one token back
    assertThat(lim.tokensAt(t(2))).isCloseTo(0.0, within(1e-9));
    assertThat(lim.reserveN(t(2), 2).delayFrom(t(2))).isEqualTo(ms(200)); // acts at t4
  }

  @Test
  void cancellingSeveralReservations() {
    // Go's TestCancelMulti.
    RateLimiter lim = new RateLimiter(10, 4);
    lim.reserveN(T0, 4);
    Reservation a = lim.reserveN(T0, 3); // acts at t3
    lim.reserveN(T0, 1); // acts at t4
    Reservation c = lim.reserveN(T0, 1); // acts at t5
    c.cancelAt(t(1)); // one token back
    a.cancelAt(t(1)); // two tokens back, as if c had never been reserved
    assertThat(lim.reserveN(t(1), 3).delayFrom(t(1))).isEqualTo(ms(400)); // acts at t5
  }

  @Test
  void cancellingANotOkReservationDoesNothing() {
    // Go's TestCancelInvalid.
    RateLimiter lim = new RateLimiter(10, 2);
    lim.reserveN(T0, 2);
    Reservation r = lim.reserveN(T0, 3);
    assertThat(r.ok()).isFalse();
    r.cancelAt(T0);
    assertThat(lim.tokensAt(T0)).isEqualTo(0.0);
    assertThat(lim.reserveN(T0, 2).delayFrom(T0)).isEqualTo(ms(200));
  }

  @Test
  void cancellingAtAnEarlierTimeThanTheLastUpdate() {
    // Go's TestReserveJumpBackCancel.
    RateLimiter lim = new RateLimiter(10, 2);
    lim.reserveN(t(1), 2); // acts at t1
    Reservation r = lim.reserveN(t(1), 2); // acts at t3
    lim.reserveN(t(1), 1); // acts at t4
    r.cancelAt(T0); // one token back
    assertThat(lim.reserveN(t(1), 2).delayFrom(t(1))).isEqualTo(ms(300)); // acts at t4
  }

  @Test
  void cancelledTokensNeverOverfillTheBucket() {
    RateLimiter lim = new RateLimiter(10, 2);
    Reservation r = lim.reserveN(T0, 2); // acts now
    r.cancelAt(T0);
    assertThat(lim.tokensAt(T0)).isEqualTo(2.0);
  }

  @Test
  void cancelUnderAnInfiniteLimitDoesNothing() {
    RateLimiter lim = new RateLimiter(10, 2);
    lim.reserveN(T0, 2);
    Reservation r = lim.reserveN(T0, 2); // acts at t2
    lim.setLimitAt(T0, RateLimiter.INF);
    r.cancelAt(T0);
    lim.setLimitAt(T0, 10);
    assertThat(lim.tokensAt(T0)).isEqualTo(-2.0);
    assertThat(lim.reserveN(T0, 2).delayFrom(T0)).isEqualTo(ms(400));
  }

  @Test
  void reservationWithAnUnboundedWaitCanBeCancelled() {
    RateLimiter lim = new RateLimiter(10, 1);
    assertThat(lim.allowN(T0, 1)).isTrue();
    lim.setLimitAt(T0, 1e-10);
    Reservation r = lim.reserveN(T0, 1);
    assertThat(r.ok()).isTrue();
    assertThat(r.delayFrom(T0)).isEqualTo(RateLimiter.INF_DURATION);
    assertThat(r.delayFrom(t(1))).isGreaterThan(Duration.ofDays(365 * 200));
    r.cancelAt(T0);
    assertThat(lim.tokensAt(T0)).isEqualTo(0.0);
  }

  // ---------------------------------------------------------------- setLimitAt, setBurstAt

  @Test
  void setLimitKeepsTheTokensAndAppliesTheNewRateFromThen() {
    RateLimiter lim = new RateLimiter(10, 10);
    assertThat(lim.allowN(T0, 10)).isTrue();
    assertThat(lim.tokensAt(t(3))).isCloseTo(3.0, within(1e-9));
    lim.setLimitAt(t(3), 20);
    assertThat(lim.limit()).isEqualTo(20.0);
    assertThat(lim.tokensAt(t(3))).isCloseTo(3.0, within(1e-9)); // kept
    assertThat(lim.tokensAt(t(4))).isCloseTo(5.0, within(1e-9)); // +2 per 100ms now
    lim.setLimitAt(t(4), 1);
    assertThat(lim.tokensAt(t(5))).isCloseTo(5.1, within(1e-9));
  }

  @Test
  void setLimitWhileReservationsWaitKeepsTheirDebt() {
    // Go's TestReserveSetLimit.
    RateLimiter lim = new RateLimiter(5, 2);
    lim.reserveN(T0, 2);
    assertThat(lim.reserveN(T0, 2).delayFrom(T0)).isEqualTo(ms(400)); // acts at t4
    lim.setLimitAt(t(2), 10);
    assertThat(lim.tokensAt(t(2))).isCloseTo(-1.0, within(1e-9));
    assertThat(lim.reserveN(t(2), 1).delayFrom(t(2))).isEqualTo(ms(200)); // acts at t4
  }

  @Test
  void cancelAfterSetLimitUsesTheRateTheReservationWasMadeAt() {
    // Go's TestReserveSetLimitCancel.
    RateLimiter lim = new RateLimiter(5, 2);
    lim.reserveN(T0, 2);
    Reservation r = lim.reserveN(T0, 2); // acts at t4
    lim.setLimitAt(t(2), 10);
    r.cancelAt(t(2)); // two tokens back
    assertThat(lim.tokensAt(t(2))).isCloseTo(1.0, within(1e-9));
    assertThat(lim.reserveN(t(2), 2).delayFrom(t(2))).isEqualTo(ms(100)); // acts at t3
  }

  @Test
  void setBurstKeepsTheTokensAndRaisesTheCap() {
    // Go's TestReserveSetBurst.
    RateLimiter lim = new RateLimiter(5, 2);
    lim.reserveN(T0, 2);
    lim.reserveN(T0, 2); // acts at t4
    lim.setBurstAt(t(3), 4);
    assertThat(lim.burst()).isEqualTo(4);
    assertThat(lim.tokensAt(t(3))).isCloseTo(-0.5, within(1e-9));
    // An earlier time sees no refill: -0.5 - 4 tokens at 5/s is 900 ms from t0.
    assertThat(lim.reserveN(T0, 4).delayFrom(T0)).isEqualTo(ms(900));
  }

  @Test
  void setBurstLowerCapsTheTokens() {
    RateLimiter lim = new RateLimiter(10, 5);
    assertThat(lim.tokensAt(T0)).isEqualTo(5.0);
    lim.setBurstAt(T0, 2);
    assertThat(lim.tokensAt(T0)).isEqualTo(2.0);
    assertThat(lim.allowN(T0, 3)).isFalse();
    assertThat(lim.allowN(T0, 2)).isTrue();
    lim.setBurstAt(T0, 5);
    assertThat(lim.tokensAt(T0)).isEqualTo(0.0); // raising the cap adds nothing
    assertThat(lim.tokensAt(t(5))).isCloseTo(5.0, within(1e-9));
  }

  @Test
  void setBurstBeforeAnyUseStartsFromTheOldFullBucket() {
    RateLimiter lim = new RateLimiter(10, 1);
    lim.setBurstAt(T0, 3);
    assertThat(lim.tokensAt(T0)).isEqualTo(1.0);
    assertThat(lim.tokensAt(t(2))).isCloseTo(3.0, within(1e-9));
  }

  @Test
  void setLimitToInfAndBack() {
    RateLimiter lim = new RateLimiter(10, 2);
    assertThat(lim.allowN(T0, 2)).isTrue();
    lim.setLimitAt(T0, RateLimiter.INF);
    assertThat(lim.allowN(T0, 100)).isTrue(); // takes nothing from the bucket
    lim.setLimitAt(T0, 10);
    assertThat(lim.tokensAt(T0)).isEqualTo(0.0);
    assertThat(lim.allowN(T0, 1)).isFalse();
  }

  @Test
  void tokensAtDoesNotChangeTheState() {
    RateLimiter lim = new RateLimiter(10, 2);
    lim.allowN(T0, 2);
    assertThat(lim.tokensAt(t(10))).isEqualTo(2.0);
    assertThat(lim.tokensAt(T0)).isEqualTo(0.0); // reading at t10 did not move the bucket
    assertThat(lim.allowN(T0, 1)).isFalse();
  }

  // ---------------------------------------------------------------- NaN limits

  /**
   * A NaN limit is refused wherever a limit enters; before, it turned the tokens to NaN, which
   * refused every event from then on, even after a valid setLimit.
   */
  @Test
  void aNaNLimitIsRefusedAndLeavesTheLimiterAsItWas() {
    assertThatThrownBy(() -> new RateLimiter(Double.NaN, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rate: limit is NaN");
    assertThatThrownBy(() -> new RateLimiter(Double.NaN, 1, new ManualClock()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rate: limit is NaN");

    RateLimiter lim = new RateLimiter(10, 2);
    assertThat(lim.allowN(T0, 1)).isTrue();
    assertThatThrownBy(() -> lim.setLimitAt(t(1), Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rate: limit is NaN");
    assertThatThrownBy(() -> lim.setLimit(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rate: limit is NaN");
    assertThat(lim.limit()).isEqualTo(10.0);
    assertThat(lim.tokensAt(T0)).isEqualTo(1.0);
    assertThat(lim.allowN(T0, 1)).isTrue();
    assertThat(lim.allowN(T0, 1)).isFalse();
    assertThat(lim.allowN(t(1), 1)).as("refills at 10/s as before").isTrue();
  }

  @Test
  void nullClockIsRefused() {
    assertThatThrownBy(() -> new RateLimiter(1, 1, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("clock");
  }
}
