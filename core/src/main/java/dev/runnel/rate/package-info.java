/**
 * Go's {@code golang.org/x/time/rate}: {@link dev.runnel.rate.RateLimiter} (a token bucket),
 * {@link dev.runnel.rate.Reservation} and {@link dev.runnel.rate.Sometimes}, on an injectable
 * {@link dev.runnel.time.Clock}.
 *
 * <h2>Happens-before</h2>
 *
 * <ul>
 *   <li>A limiter's operations are serialized by one lock: each happens-before the next one that
 *       observes its effect on the bucket.
 *   <li>A run of a {@code Sometimes} action happens-before the next {@code run} returns.
 * </ul>
 */
package dev.runnel.rate;
