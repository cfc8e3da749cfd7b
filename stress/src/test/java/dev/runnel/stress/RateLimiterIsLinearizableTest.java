package dev.runnel.stress;

import dev.runnel.rate.RateLimiter;
import dev.runnel.rate.Reservation;
import java.time.Duration;
import java.time.Instant;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * {@link RateLimiter}'s {@code allowN}, {@code reserveN} and {@code tokensAt} at fixed times are
 * linearizable: every concurrent history equals a sequential run of the same limiter in some order
 * consistent with real time. The sequential specification is the limiter itself used by one
 * thread, whose arithmetic the unit tests check against Go's; this test checks that the lock makes
 * each operation one atomic step of that arithmetic.
 *
 * <p>Times are a few fixed instants 50 ms apart (the limiter refills 10 tokens per second, a token
 * per 100 ms, burst 2), so histories mix refills, empty buckets, waits and refusals; times may go
 * backwards between operations, which the limiter must treat as Go does (no refill).
 */
class RateLimiterIsLinearizableTest {

  private static final Instant T0 = Instant.parse("2000-01-01T00:00:00Z");

  @Param(name = "step", gen = IntGen.class, conf = "0:4")
  @Param(name = "n", gen = IntGen.class, conf = "1:3")
  public static class LimiterOps {
    final RateLimiter limiter = new RateLimiter(10, 2);

    private static Instant at(int step) {
      return T0.plus(Duration.ofMillis(50L * step));
    }

    @Operation
    public boolean allowN(@Param(name = "step") int step, @Param(name = "n") int n) {
      return limiter.allowN(at(step), n);
    }

    /** The delay in microseconds from the reservation's own time, or -1 if not OK. */
    @Operation
    public long reserveN(@Param(name = "step") int step, @Param(name = "n") int n) {
      Reservation r = limiter.reserveN(at(step), n);
      return r.ok() ? r.delayFrom(at(step)).toNanos() / 1_000 : -1;
    }

    /** Tokens in thousandths, so that floating-point noise cannot differ between histories. */
    @Operation
    public long tokensAt(@Param(name = "step") int step) {
      return Math.round(limiter.tokensAt(at(step)) * 1_000);
    }
  }

  @Test
  void modelChecking() {
    LincheckBudget.modelCheck(LimiterOps.class, LimiterOps.class);
  }

  @Test
  void stress() {
    LincheckBudget.stress(LimiterOps.class, LimiterOps.class);
  }
}
