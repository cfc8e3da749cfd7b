package dev.runnel.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long a {@link Retry} waits before each retry: a function of the retry's number, the
 * previous delay and a random source.
 *
 * <p>The factories build the forms named in the AWS Architecture Blog's "Exponential Backoff And
 * Jitter": with {@code base} b, cap c and retry n (1 before the second attempt):
 *
 * <table>
 *   <caption>Backoff forms</caption>
 *   <tr><th>factory</th><th>delay before retry n</th></tr>
 *   <tr><td>{@link #fixed}</td><td>d</td></tr>
 *   <tr><td>{@link #linear}</td><td>b + (n-1)·step</td></tr>
 *   <tr><td>{@link #linearJitter}</td><td>(b + (n-1)·step)·(1 ± jitter), uniform</td></tr>
 *   <tr><td>{@link #exponential}</td><td>min(c, b·m<sup>n-1</sup>)</td></tr>
 *   <tr><td>{@link #exponentialFullJitter}</td><td>uniform in [0, min(c,
 *       b·2<sup>n-1</sup>)]</td></tr>
 *   <tr><td>{@link #exponentialEqualJitter}</td><td>t/2 + uniform in [0, t/2], t = min(c,
 *       b·2<sup>n-1</sup>)</td></tr>
 *   <tr><td>{@link #decorrelatedJitter}</td><td>min(c, uniform in [b, 3·previous]), previous =
 *       b before the first retry</td></tr>
 * </table>
 *
 * <p>Arithmetic saturates: a delay never overflows, it stops at the cap (or at about 292 years).
 * Implementations must be stateless (the previous delay is passed in), so one backoff serves any
 * number of concurrent calls.
 *
 * <p>Go: {@code cenkalti/backoff}'s {@code ConstantBackOff} and {@code ExponentialBackOff} (whose
 * {@code RandomizationFactor} is {@link #linearJitter}'s fraction applied to an exponential), and
 * the jitter helpers of {@code avast/retry-go}; here the previous delay is an argument instead of
 * state in the backoff, so one value is shared safely.
 *
 * {@snippet :
 * Retry retry = Retry.builder()
 *     .backoff(Backoff.exponentialFullJitter(Duration.ofMillis(50), Duration.ofSeconds(5)))
 *     .build();
 * }
 */
@FunctionalInterface
public interface Backoff {

  /**
   * The delay before retry {@code retry}.
   *
   * @param retry the retry's number: 1 before the second attempt, 2 before the third
   * @param previous the delay before the previous retry; {@link Duration#ZERO} before the first
   * @param random the random source for jitter
   * @return the delay, zero or positive
   */
  Duration delay(int retry, Duration previous, RandomGenerator random);

  /**
   * The same delay before every retry.
   *
   * @param delay the delay
   * @return the backoff
   */
  static Backoff fixed(Duration delay) {
    long d = Delays.nonNegative(delay, "delay");
    return (retry, previous, random) -> Duration.ofNanos(d);
  }

  /**
   * A delay that grows by {@code step} each retry.
   *
   * @param initial the first delay
   * @param step what each retry adds
   * @return the backoff
   */
  static Backoff linear(Duration initial, Duration step) {
    long b = Delays.nonNegative(initial, "initial");
    long s = Delays.nonNegative(step, "step");
    return (retry, previous, random) -> Duration.ofNanos(Delays.linear(b, s, retry));
  }

  /**
   * A linear delay moved up or down by a uniform random fraction of itself, at most {@code
   * jitter}.
   *
   * @param initial the first delay before jitter
   * @param step what each retry adds before jitter
   * @param jitter the largest fraction, in [0, 1]
   * @return the backoff
   */
  static Backoff linearJitter(Duration initial, Duration step, double jitter) {
    long b = Delays.nonNegative(initial, "initial");
    long s = Delays.nonNegative(step, "step");
    Delays.fraction(jitter, "jitter");
    return (retry, previous, random) -> {
      long d = Delays.linear(b, s, retry);
      double factor = 1 + jitter * (2 * random.nextDouble() - 1);
      return Duration.ofNanos(Delays.scale(d, factor));
    };
  }

  /**
   * A delay multiplied by {@code multiplier} each retry, up to {@code cap}.
   *
   * @param base the first delay
   * @param multiplier the growth factor, at least 1
   * @param cap the largest delay
   * @return the backoff
   */
  static Backoff exponential(Duration base, double multiplier, Duration cap) {
    long b = Delays.nonNegative(base, "base");
    long c = Delays.nonNegative(cap, "cap");
    if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be finite and at least 1: " + multiplier);
    }
    return (retry, previous, random) ->
        Duration.ofNanos(Delays.exponential(b, multiplier, retry, c));
  }

  /**
   * "Full jitter": a uniform random delay between zero and the capped doubling delay.
   *
   * @param base the first delay's upper bound
   * @param cap the largest upper bound
   * @return the backoff
   */
  static Backoff exponentialFullJitter(Duration base, Duration cap) {
    long b = Delays.nonNegative(base, "base");
    long c = Delays.nonNegative(cap, "cap");
    return (retry, previous, random) ->
        Duration.ofNanos(Delays.uniform(random, 0, Delays.exponential(b, 2, retry, c)));
  }

  /**
   * "Equal jitter": half the capped doubling delay, plus a uniform random part of the other half.
   *
   * @param base the first delay before jitter
   * @param cap the largest delay before jitter
   * @return the backoff
   */
  static Backoff exponentialEqualJitter(Duration base, Duration cap) {
    long b = Delays.nonNegative(base, "base");
    long c = Delays.nonNegative(cap, "cap");
    return (retry, previous, random) -> {
      long t = Delays.exponential(b, 2, retry, c);
      long half = t / 2;
      return Duration.ofNanos(half + Delays.uniform(random, 0, t - half));
    };
  }

  /**
   * "Decorrelated jitter": a uniform random delay between {@code base} and three times the
   * previous delay, capped.
   *
   * @param base the smallest delay
   * @param cap the largest delay
   * @return the backoff
   */
  static Backoff decorrelatedJitter(Duration base, Duration cap) {
    long b = Delays.nonNegative(base, "base");
    long c = Delays.nonNegative(cap, "cap");
    if (c < b) {
      throw new IllegalArgumentException("cap " + cap + " is below base " + base);
    }
    return (retry, previous, random) -> {
      long prev = Math.max(b, Objects.requireNonNull(previous, "previous").toNanos());
      long high = Math.max(b, Delays.saturatedMultiply(prev, 3));
      return Duration.ofNanos(Math.min(c, Delays.uniform(random, b, high)));
    };
  }
}
