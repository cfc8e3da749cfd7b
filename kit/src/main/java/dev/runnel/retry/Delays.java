package dev.runnel.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** Saturating nanosecond arithmetic and argument checks for backoffs and limits. */
final class Delays {

  /** The largest delay in nanoseconds, about 292 years; every computation stops here. */
  static final long MAX = Long.MAX_VALUE;

  private Delays() {}

  /** {@code d} in nanoseconds (saturated), refusing null and negative durations. */
  static long nonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " is negative: " + d);
    }
    return nanos(d);
  }

  /** {@code d} in nanoseconds, saturated at {@link #MAX}. */
  static long nanos(Duration d) {
    return d.compareTo(Duration.ofNanos(MAX)) >= 0 ? MAX : d.toNanos();
  }

  static void fraction(double f, String name) {
    if (!(f >= 0 && f <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1]: " + f);
    }
  }

  static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? MAX : r;
  }

  static long saturatedMultiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    return (hi == 0 && lo >= 0) ? lo : MAX;
  }

  static long linear(long base, long step, int retry) {
    return saturatedAdd(base, saturatedMultiply(step, Math.max(0, retry - 1)));
  }

  /** min(cap, base·m^(retry-1)), without overflow. */
  static long exponential(long base, double m, int retry, long cap) {
    double d = base * Math.pow(m, Math.max(0, retry - 1));
    return d >= cap ? cap : (long) d;
  }

  /** {@code d·factor}, saturated, never negative. */
  static long scale(long d, double factor) {
    double r = d * factor;
    return r >= MAX ? MAX : Math.max(0, (long) r);
  }

  /** A uniform random value in [low, high]. */
  static long uniform(RandomGenerator random, long low, long high) {
    if (high <= low) {
      return low;
    }
    return high == MAX ? random.nextLong(low, MAX) : random.nextLong(low, high + 1);
  }
}
