package dev.runnel.breaker;

import dev.runnel.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Configures a {@link CircuitBreaker}; from {@link CircuitBreaker#builder()}. Not thread-safe; a
 * builder may build several breakers, each with its own state.
 *
 * <p>Bad values are refused at once with {@link IllegalArgumentException} or {@link
 * NullPointerException} saying what was refused; combinations ({@code minimumCalls} above a count
 * window's size) are refused by {@link #build()}.
 */
public final class CircuitBreakerBuilder {

  String name = "breaker";
  Clock clock = Clock.system();
  int countWindow = 100;
  long bucketNanos;
  int buckets;
  int minimumCalls = 20;
  boolean minimumCallsSet;
  double failureThreshold = 50;
  double slowThreshold = 100;
  long slowNanos = Long.MAX_VALUE;
  int probes = 10;
  long maxWaitInHalfOpenNanos;
  long openWaitNanos = Duration.ofSeconds(60).toNanos();
  double openWaitMultiplier = 1;
  long maxOpenWaitNanos = openWaitNanos;
  Predicate<? super Throwable> ignoreOn = e -> false;
  Predicate<? super Throwable> failOn = e -> true;
  final List<Consumer<? super CircuitBreaker.StateChange>> listeners =
      new ArrayList<>();

  CircuitBreakerBuilder() {}

  /**
   * The name shown in refusals and {@code toString}.
   *
   * @param name the name
   * @return this builder
   */
  public CircuitBreakerBuilder name(String name) {
    this.name = Objects.requireNonNull(name, "name");
    return this;
  }

  /**
   * The clock that times calls, windows and waits; a {@code ManualClock} in tests.
   *
   * @param clock the clock
   * @return this builder
   */
  public CircuitBreakerBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * A window of the last {@code size} recorded calls.
   *
   * @param size how many outcomes the window holds
   * @return this builder
   */
  public CircuitBreakerBuilder countWindow(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("breaker: count window size must be positive: " + size);
    }
    countWindow = size;
    return this;
  }

  /**
   * A window of the calls recorded in the last {@code length} on the breaker's clock, kept in
   * {@code buckets} buckets of {@code length / buckets} each: an outcome leaves the window between
   * {@code length - length/buckets} and {@code length} after it was recorded.
   *
   * @param length the period the window covers
   * @param buckets how finely it is divided; {@code length} must be a multiple of it in nanoseconds
   * @return this builder
   */
  public CircuitBreakerBuilder timeWindow(Duration length, int buckets) {
    Objects.requireNonNull(length, "length");
    if (buckets < 1 || buckets > 10_000) {
      throw new IllegalArgumentException("breaker: buckets must be in [1, 10000]: " + buckets);
    }
    long nanos = length.toNanos();
    if (nanos <= 0 || nanos % buckets != 0) {
      throw new IllegalArgumentException(
          "breaker: time window must be positive and a multiple of " + buckets + " ns: " + length);
    }
    countWindow = 0;
    this.buckets = buckets;
    bucketNanos = nanos / buckets;
    return this;
  }

  /**
   * As {@link #timeWindow(Duration, int)} with one bucket per tenth of the window.
   *
   * @param length the period the window covers, a multiple of 10 ns
   * @return this builder
   */
  public CircuitBreakerBuilder timeWindow(Duration length) {
    return timeWindow(length, 10);
  }

  /**
   * How many outcomes the window must hold before its rates can open the breaker.
   *
   * @param calls at least 1
   * @return this builder
   */
  public CircuitBreakerBuilder minimumCalls(int calls) {
    if (calls < 1) {
      throw new IllegalArgumentException("breaker: minimum calls must be positive: " + calls);
    }
    minimumCalls = calls;
    minimumCallsSet = true;
    return this;
  }

  /**
   * The failure rate, in percent, at or above which the breaker opens, and below which probes
   * close it.
   *
   * @param percent in (0, 100]
   * @return this builder
   */
  public CircuitBreakerBuilder failureRateThreshold(double percent) {
    failureThreshold = percent(percent, "failure rate threshold");
    return this;
  }

  /**
   * Counts calls that take longer than {@code threshold} as slow, and opens the breaker when the
   * slow rate reaches {@code percent} (probes close it only below it). Off by default.
   *
   * @param threshold a call strictly longer than this is slow
   * @param percent the slow-call rate threshold, in (0, 100]
   * @return this builder
   */
  public CircuitBreakerBuilder slowCalls(Duration threshold, double percent) {
    Objects.requireNonNull(threshold, "threshold");
    if (threshold.isNegative()) {
      throw new IllegalArgumentException("breaker: slow-call threshold is negative: " + threshold);
    }
    slowThreshold = percent(percent, "slow-call rate threshold");
    slowNanos = threshold.toNanos();
    return this;
  }

  /**
   * A fixed wait in the open state.
   *
   * @param wait positive
   * @return this builder
   */
  public CircuitBreakerBuilder waitInOpen(Duration wait) {
    return waitInOpen(wait, 1, wait);
  }

  /**
   * A growing wait in the open state: {@code initial} after closed, then multiplied by {@code
   * multiplier} at each re-opening from half-open, up to {@code max}; closing resets it.
   *
   * @param initial the first wait, positive
   * @param multiplier at least 1
   * @param max the cap, at least {@code initial}
   * @return this builder
   */
  public CircuitBreakerBuilder waitInOpen(Duration initial, double multiplier, Duration max) {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("breaker: open wait must be positive: " + initial);
    }
    if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("breaker: open wait multiplier must be >= 1: " + multiplier);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "breaker: maximum open wait " + max + " is below the initial " + initial);
    }
    openWaitNanos = initial.toNanos();
    openWaitMultiplier = multiplier;
    maxOpenWaitNanos = max.toNanos();
    return this;
  }

  /**
   * How many probe calls a half-open period permits, and how many decide it.
   *
   * @param probes at least 1
   * @return this builder
   */
  public CircuitBreakerBuilder probes(int probes) {
    if (probes < 1) {
      throw new IllegalArgumentException("breaker: probes must be positive: " + probes);
    }
    this.probes = probes;
    return this;
  }

  /**
   * How long a half-open period may wait for its probes to complete; after it, the next refused
   * call re-opens the breaker. Zero (the default) waits for ever.
   *
   * @param max not negative
   * @return this builder
   */
  public CircuitBreakerBuilder maxWaitInHalfOpen(Duration max) {
    Objects.requireNonNull(max, "max");
    if (max.isNegative()) {
      throw new IllegalArgumentException("breaker: half-open wait is negative: " + max);
    }
    maxWaitInHalfOpenNanos = max.toNanos();
    return this;
  }

  /**
   * Exceptions that are neither successes nor failures (checked first).
   *
   * @param ignored true for an ignored exception
   * @return this builder
   */
  public CircuitBreakerBuilder ignoreOn(Predicate<? super Throwable> ignored) {
    ignoreOn = Objects.requireNonNull(ignored, "ignored");
    return this;
  }

  /**
   * Exceptions that are failures; any other (not ignored) exception is a success. Every exception
   * by default.
   *
   * @param failure true for a failure
   * @return this builder
   */
  public CircuitBreakerBuilder failOn(Predicate<? super Throwable> failure) {
    failOn = Objects.requireNonNull(failure, "failure");
    return this;
  }

  /**
   * Adds a state-change listener (see {@link CircuitBreaker#onStateChange}).
   *
   * @param listener the listener
   * @return this builder
   */
  public CircuitBreakerBuilder onStateChange(
      Consumer<? super CircuitBreaker.StateChange> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * A new breaker, closed.
   *
   * @return the breaker
   * @throws IllegalArgumentException if {@code minimumCalls}, when set, exceeds a count window's
   *     size (when not set, it is 20 or the window's size if smaller)
   */
  public CircuitBreaker build() {
    if (!minimumCallsSet && countWindow > 0) {
      minimumCalls = Math.min(20, countWindow);
    }
    if (countWindow > 0 && minimumCalls > countWindow) {
      throw new IllegalArgumentException(
          "breaker: minimum calls " + minimumCalls + " exceed the window of " + countWindow);
    }
    return new CircuitBreaker(this);
  }

  private static double percent(double percent, String what) {
    if (!(percent > 0 && percent <= 100)) {
      throw new IllegalArgumentException("breaker: " + what + " must be in (0, 100]: " + percent);
    }
    return percent;
  }
}
