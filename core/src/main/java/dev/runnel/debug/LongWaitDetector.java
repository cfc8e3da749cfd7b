package dev.runnel.debug;

import dev.runnel.internal.Goroutines;
import dev.runnel.internal.LockTracker;
import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Opt-in report of goroutines that wait for a Runnel lock ({@code Mutex}, {@code RWMutex} for
 * reading or writing) longer than a threshold, with the stack of the goroutine holding it: the
 * lock held across a slow call, found while the program runs.
 *
 * <p>While enabled, locks record their holders (as for the {@link LockOrderDetector}), and a
 * daemon thread looks at every goroutine and platform thread a few times per threshold. Each wait
 * is reported once, between one and about one and a quarter thresholds after it began. Cost:
 * while off, each lock operation reads one volatile boolean and branches; while on, see
 * BENCHMARKS.md. The system property {@code dev.runnel.longWait} (a duration such as {@code
 * PT5S}) enables it at startup, printing reports to standard error.
 */
public final class LongWaitDetector {

  private static final Switch SWITCH = new Switch();
  private static final Set<Waiter> REPORTED =
      Collections.newSetFromMap(Collections.synchronizedMap(new WeakHashMap<>()));

  private LongWaitDetector() {}

  /**
   * Enables detection, printing reports to standard error.
   *
   * @param threshold how long a wait may last before it is reported
   */
  public static void enable(Duration threshold) {
    enable(threshold, w -> System.err.print(w));
  }

  /**
   * Enables detection, replacing any earlier configuration. Locks already held when it is enabled
   * have no known holder.
   *
   * @param threshold how long a wait may last before it is reported; positive
   * @param handler receives each report, on the detector's thread
   */
  public static void enable(Duration threshold, Consumer<? super LongWait> handler) {
    Objects.requireNonNull(handler, "handler");
    if (threshold.isNegative() || threshold.isZero()) {
      throw new IllegalArgumentException(
          "non-positive threshold for LongWaitDetector: " + threshold);
    }
    long nanos = threshold.toNanos();
    SWITCH.on(
        () -> {
          LockTracker.start(null);
          Watchdog watchdog =
              new Watchdog(
                  "runnel-long-wait-detector", threshold.dividedBy(4), () -> scan(nanos, handler));
          return () -> {
            watchdog.stop();
            LockTracker.stop(null);
            REPORTED.clear();
          };
        });
  }

  /** Disables detection. */
  public static void disable() {
    SWITCH.off();
  }

  /**
   * Whether detection is enabled.
   *
   * @return true if enabled
   */
  public static boolean isEnabled() {
    return SWITCH.isOn();
  }

  private static void scan(long thresholdNanos, Consumer<? super LongWait> handler) {
    List<Thread> threads = new ArrayList<>(ThreadInspector.platformThreads());
    for (Goroutines.Goroutine g : Goroutines.all()) {
      threads.add(g.thread());
    }
    long now = System.nanoTime();
    for (Thread t : threads) {
      if (LockSupport.getBlocker(t) instanceof Waiter w
          && isLock(w.reason())
          && w.isWaiting()
          && w.parkedSince() != 0
          && now - w.parkedSince() > thresholdNanos
          && REPORTED.add(w)) {
        Object lock = w.waitingOn();
        List<Thread> involved = new ArrayList<>(List.of(t));
        involved.addAll(LockTracker.holders(lock));
        List<GoroutineInfo> infos = ThreadInspector.inspect(involved);
        handler.accept(
            new LongWait(ThreadInspector.name(lock), infos.get(0), infos.subList(1, infos.size())));
      }
    }
  }

  private static boolean isLock(WaitReason r) {
    return r == WaitReason.MUTEX_LOCK
        || r == WaitReason.RW_MUTEX_LOCK
        || r == WaitReason.RW_MUTEX_READ_LOCK;
  }
}
