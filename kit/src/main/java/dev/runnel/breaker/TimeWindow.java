package dev.runnel.breaker;

/**
 * The outcomes of the last {@code buckets} ticks of {@code bucketNanos} each, the current
 * (partial) tick included: a ring of per-tick counters, each slot holding tick {@code t} at index
 * {@code t % buckets}.
 *
 * <p>Invariant: the totals are the sums of the slots of ticks {@code lastTick - buckets + 1 ..
 * lastTick}; every other slot is zero.
 */
final class TimeWindow extends OutcomeWindow {

  private final long bucketNanos;
  private final int[] bucketCalls;
  private final int[] bucketFailures;
  private final int[] bucketSlow;

  /** The newest tick the window has seen. */
  private long lastTick;

  TimeWindow(long bucketNanos, int buckets, long now) {
    this.bucketNanos = bucketNanos;
    bucketCalls = new int[buckets];
    bucketFailures = new int[buckets];
    bucketSlow = new int[buckets];
    lastTick = now / bucketNanos;
  }

  @Override
  void record(long now, int outcome) {
    expire(now);
    int i = (int) (lastTick % bucketCalls.length);
    bucketCalls[i]++;
    bucketFailures[i] += outcome & FAILED;
    bucketSlow[i] += (outcome & SLOW) >>> 1;
    add(outcome, 1);
  }

  @Override
  void expire(long now) {
    long tick = now / bucketNanos;
    if (tick <= lastTick) {
      return; // the same tick, or a clock read that lost a race with a newer one
    }
    long steps = Math.min(tick - lastTick, bucketCalls.length);
    for (long k = 1; k <= steps; k++) {
      int i = (int) ((lastTick + k) % bucketCalls.length);
      calls -= bucketCalls[i];
      failures -= bucketFailures[i];
      slow -= bucketSlow[i];
      bucketCalls[i] = bucketFailures[i] = bucketSlow[i] = 0;
    }
    lastTick = tick;
  }

  @Override
  void clear() {
    calls = failures = slow = 0;
    java.util.Arrays.fill(bucketCalls, 0);
    java.util.Arrays.fill(bucketFailures, 0);
    java.util.Arrays.fill(bucketSlow, 0);
  }
}
