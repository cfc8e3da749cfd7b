package dev.runnel.bench;

import dev.runnel.sync.Locker;
import dev.runnel.sync.Mutex;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Does a lock starve a goroutine that asks for it now and then? Two virtual threads share one
 * lock for a fixed time per variant: the <em>hog</em> holds it for about {@code hold} µs of busy
 * work, unlocks and immediately locks again; the <em>napper</em> sleeps about {@code nap} µs, then
 * locks and unlocks, timing each {@code lock()}. Printed per variant: the napper's worst and 99th
 * percentile wait, its number of acquisitions, and the hog's.
 *
 * <p>A barging lock (the nonfair {@link ReentrantLock}) lets the hog take the lock back before the
 * woken napper runs, so the napper can wait for the whole run. Go's {@code sync.Mutex} switches to
 * hand-off once a waiter has waited more than 1 ms, which bounds the wait to about 1 ms plus a hold;
 * Runnel's {@link Mutex} should show the same. The fair {@link ReentrantLock} bounds it by one
 * hold, at the price of a hand-off on every contended unlock. {@code bench/go -workload starvation}
 * runs the same two goroutines over Go's {@code sync.Mutex}.
 *
 * <p>Not a JMH benchmark: the metric is a worst case, not a mean. A run always ends: both threads
 * stop at the deadline, and the hog's last unlock lets a napper still waiting through. Run it with
 * {@code java -cp bench/target/benchmarks.jar dev.runnel.bench.MutexStarvation [millis] [hold µs]
 * [nap µs]} (defaults 2000, 100, 100); a warm-up run of a tenth of the time precedes each variant.
 */
public final class MutexStarvation {

  private MutexStarvation() {}

  private record Variant(String name, Supplier<Locker> lock) {}

  private static final List<Variant> VARIANTS =
      List.of(
          new Variant("Runnel Mutex", Mutex::new),
          new Variant("ReentrantLock (nonfair)", () -> locker(new ReentrantLock())),
          new Variant("ReentrantLock (fair)", () -> locker(new ReentrantLock(true))));

  private static Locker locker(Lock lock) {
    return new Locker() {
      public void lock() {
        lock.lock();
      }

      public void unlock() {
        lock.unlock();
      }
    };
  }

  /** What one run saw: the napper's waits in ns, sorted, and the hog's acquisitions. */
  private record Result(long[] waits, long hogAcquisitions) {
    double percentileMillis(double p) {
      if (waits.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.ceil(p / 100 * waits.length) - 1;
      return waits[Math.clamp(i, 0, waits.length - 1)] / 1e6;
    }
  }

  public static void main(String[] args) {
    long millis = args.length > 0 ? Long.parseLong(args[0]) : 2000;
    long holdNanos = (args.length > 1 ? Long.parseLong(args[1]) : 100) * 1000;
    long napNanos = (args.length > 2 ? Long.parseLong(args[2]) : 100) * 1000;
    var runtime = ManagementFactory.getRuntimeMXBean();
    System.out.printf(
        "MutexStarvation: %d ms per variant, hold %d µs, nap %d µs%nJVM: %s %s, %d CPUs%n%n",
        millis,
        holdNanos / 1000,
        napNanos / 1000,
        runtime.getVmName(),
        Runtime.version(),
        Runtime.getRuntime().availableProcessors());
    System.out.printf(
        "%-26s %14s %14s %14s %14s%n",
        "lock", "worst wait ms", "p99 wait ms", "napper locks", "hog locks");
    for (Variant v : VARIANTS) {
      run(v.lock.get(), Math.max(1, millis / 10), holdNanos, napNanos); // warm-up
      Result r = run(v.lock.get(), millis, holdNanos, napNanos);
      System.out.printf(
          "%-26s %14.3f %14.3f %,14d %,14d%n",
          v.name,
          r.percentileMillis(100),
          r.percentileMillis(99),
          r.waits.length,
          r.hogAcquisitions);
    }
  }

  private static Result run(Locker lock, long millis, long holdNanos, long napNanos) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    Duration nap = Duration.ofNanos(napNanos);
    long[] hog = new long[1];
    long[][] waits = {new long[1024]};
    int[] n = new int[1];
    Workers.runAll(
        () -> { // the hog
          long acquisitions = 0;
          lock.lock();
          while (true) {
            acquisitions++;
            long start = System.nanoTime();
            while (System.nanoTime() - start < holdNanos) {
              Thread.onSpinWait(); // busy under the lock
            }
            if (start - deadline >= 0) {
              break;
            }
            lock.unlock();
            lock.lock();
          }
          lock.unlock();
          hog[0] = acquisitions;
        },
        () -> { // the napper
          while (System.nanoTime() - deadline < 0) {
            Thread.sleep(nap);
            long t0 = System.nanoTime();
            lock.lock();
            long wait = System.nanoTime() - t0;
            lock.unlock();
            if (n[0] == waits[0].length) {
              waits[0] = Arrays.copyOf(waits[0], 2 * n[0]);
            }
            waits[0][n[0]++] = wait;
          }
        });
    long[] sorted = Arrays.copyOf(waits[0], n[0]);
    Arrays.sort(sorted);
    return new Result(sorted, hog[0]);
  }
}
