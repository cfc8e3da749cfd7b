package dev.runnel.rate;

import java.time.Duration;
import java.time.Instant;

/**
 * Tokens a {@link RateLimiter} has set aside for an event in the future: Go's {@code
 * rate.Reservation}. Check {@link #ok()}, wait {@link #delay()}, then act; or {@link #cancel()} to
 * give back what later reservations did not depend on.
 *
 * <p>Memory consistency effects: as for the limiter; a reservation is used by one goroutine.
 *
 * <p>Go: {@code OK}, {@code Delay}, {@code DelayFrom}, {@code Cancel}, {@code CancelAt}; a
 * reservation that is not OK has delay {@link RateLimiter#INF_DURATION}.
 */
public final class Reservation {

  private final RateLimiter limiter;
  private final boolean ok;
  private final int tokens;
  /** When the event may happen, in the limiter's epoch nanoseconds. */
  private final long timeToAct;
  /** The limit when the reservation was made: cancellation restores at that rate. */
  private final double limit;

  Reservation(RateLimiter limiter, boolean ok, int tokens, long timeToAct, double limit) {
    this.limiter = limiter;
    this.ok = ok;
    this.tokens = tokens;
    this.timeToAct = timeToAct;
    this.limit = limit;
  }

  /**
   * Whether the limiter can provide the tokens within the maximum wait: Go's {@code r.OK()}.
   *
   * @return false if the request exceeds the burst or the wait allowed
   */
  public boolean ok() {
    return ok;
  }

  /**
   * How long to wait from now before acting: Go's {@code r.Delay()}.
   *
   * @return zero if the event may happen now; {@link RateLimiter#INF_DURATION} if not {@link
   *     #ok()}
   */
  public Duration delay() {
    return delayNanos(limiter.now());
  }

  /**
   * How long to wait from {@code t} before acting: Go's {@code r.DelayFrom(t)}.
   *
   * @param t the time to measure from
   * @return as for {@link #delay()}
   */
  public Duration delayFrom(Instant t) {
    return delayNanos(RateLimiter.epochNanos(t));
  }

  Duration delayNanos(long t) {
    if (!ok || timeToAct == Long.MAX_VALUE) { // never, or beyond what a long can count
      return RateLimiter.INF_DURATION;
    }
    long d = timeToAct - t;
    return d <= 0 ? Duration.ZERO : Duration.ofNanos(d);
  }

  /**
   * Gives back the tokens as far as later reservations did not depend on them: Go's {@code
   * r.Cancel()}. Does nothing once the time to act has passed.
   */
  public void cancel() {
    limiter.cancel(this, limiter.now());
  }

  /**
   * As {@link #cancel()}, at time {@code t}: Go's {@code r.CancelAt(t)}.
   *
   * @param t the time of the cancellation
   */
  public void cancelAt(Instant t) {
    limiter.cancel(this, RateLimiter.epochNanos(t));
  }

  boolean isOk() {
    return ok;
  }

  int tokens() {
    return tokens;
  }

  long timeToAct() {
    return timeToAct;
  }

  double limit() {
    return limit;
  }

  @Override
  public String toString() {
    return ok ? "Reservation[" + tokens + " tokens, delay " + delay() + "]" : "Reservation[not ok]";
  }
}
