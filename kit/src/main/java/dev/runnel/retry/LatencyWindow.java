package dev.runnel.retry;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The last {@code size} latencies of successful attempts, and a percentile of them, recomputed
 * only after new samples arrive.
 */
final class LatencyWindow {

  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock.
  private final long[] samples;
  private int count;
  private int next;
  private boolean dirty;
  private long cached;

  LatencyWindow(int size) {
    this.samples = new long[size];
  }

  void record(long nanos) {
    lock.lock();
    try {
      samples[next] = nanos;
      next = (next + 1) % samples.length;
      count = Math.min(count + 1, samples.length);
      dirty = true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The nearest-rank {@code percentile} of the samples, or -1 if there are fewer than {@code
   * minSamples}.
   */
  long percentile(double percentile, int minSamples) {
    lock.lock();
    try {
      if (count < minSamples || count == 0) {
        return -1;
      }
      if (dirty) {
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100 * count);
        cached = sorted[Math.max(0, Math.min(count, rank) - 1)];
        dirty = false;
      }
      return cached;
    } finally {
      lock.unlock();
    }
  }
}
