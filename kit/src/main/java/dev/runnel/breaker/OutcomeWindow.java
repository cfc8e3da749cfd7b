package dev.runnel.breaker;

/**
 * The closed state's sliding window of outcomes, with running totals. Not thread-safe: every
 * method runs under the breaker's lock.
 *
 * <p>An outcome is a set of bits: {@link #FAILED}, {@link #SLOW}; zero is a fast success.
 */
abstract sealed class OutcomeWindow permits CountWindow, TimeWindow {

  static final int FAILED = 1;
  static final int SLOW = 2;

  /** Outcomes in the window; failed ones; slow ones (failed or not). */
  int calls;

  int failures;
  int slow;

  /** Adds an outcome recorded at {@code now} (breaker nanos), dropping what falls out. */
  abstract void record(long now, int outcome);

  /** Drops what has fallen out of the window by {@code now}; a count window drops nothing. */
  abstract void expire(long now);

  /** Empties the window. */
  abstract void clear();

  /** Whether the window is full of fast successes (a count window only; never a time window). */
  boolean saturatedClean() {
    return false;
  }

  final void add(int outcome, int sign) {
    calls += sign;
    failures += sign * (outcome & FAILED);
    slow += sign * ((outcome & SLOW) >>> 1);
  }
}
