package dev.runnel.debug;

import dev.runnel.internal.Goroutines;
import dev.runnel.internal.SystemTime;
import dev.runnel.internal.Waiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Go's global deadlock detection, opt-in: reports {@code fatal error: all goroutines are asleep -
 * deadlock!} with a dump when every goroutine the program depends on is blocked in Runnel and no
 * timer is pending that could wake any of them.
 *
 * <p><b>Which goroutines count.</b> Every live goroutine started by Runnel, and every live
 * non-daemon platform thread: the {@code main} thread, and threads such as a server's or a thread
 * pool's, which the JVM also waits for. A deadlock is reported when
 *
 * <ul>
 *   <li>every one of them is parked in a Runnel operation without a deadline ({@code receive},
 *       {@code send}, {@code select}, {@code lock}, {@code await}, {@code acquire}, ...): one
 *       doing anything else, including blocking I/O, a JDK lock, {@code Thread.sleep}, or an idle
 *       pool thread waiting for work, could still wake the others, so it prevents a report (as a
 *       goroutine in network I/O does in Go; {@link #ignoreThreads} stops counting threads you
 *       know will not);
 *   <li>and the system clock has no timer queued or firing (a {@code withTimeout} context, a
 *       ticker, a {@code sleep}, a {@code newTimer} being waited on).
 * </ul>
 *
 * A wait with a timeout never takes part in a report. Virtual threads that Runnel did not start
 * ({@code Thread.ofVirtual()}, a virtual-thread executor) are listed by no public API, so they are
 * checked once, when everything else looks deadlocked, through the JDK's thread dump ({@code
 * HotSpotDiagnosticMXBean.dumpThreads}, a few milliseconds): one that is not parked in a Runnel
 * wait without a timeout prevents the report. Daemon platform threads do not count: if such a
 * thread feeds Runnel objects (or wakes a counted thread), the detector can report a deadlock that
 * it would end, so do not enable the detector in such a program, or keep such threads non-daemon.
 * {@code ManualClock} timers do not count as pending: only a running thread can advance that
 * clock.
 *
 * <p><b>How.</b> A daemon thread checks at an interval: it reads every counted thread's park
 * blocker, and if all are blocked with no timer pending, reads them again after a short pause. A
 * blocked goroutine's waiter is a new object for every wait and never waits again once woken, so
 * if every goroutine is still parked on the same waiter, all of them were blocked together for the
 * whole pause and none was woken: the report is never a false positive under the rule above. A
 * deadlock is reported once; the detector reports again only after the set of blocked waiters has
 * changed. Nothing in Runnel's operations checks whether the detector is on: while off, it costs
 * nothing.
 *
 * <p>Go: the runtime checks whenever a goroutine blocks and exits the program with status 2. Here
 * the default handler prints the report to standard error and the program goes on (a deadlocked
 * program then hangs, as it would without the detector); {@link #enableExiting()} is Go's
 * behaviour: print, then halt with exit status 2. The system property {@code
 * dev.runnel.detectDeadlocks=true} enables the printing detector at the first goroutine start,
 * {@code dev.runnel.detectDeadlocks=exit} the exiting one.
 */
public final class DeadlockDetector {

  /** The default interval between checks. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);

  /** The exit status of a program halted by {@link #enableExiting()}: Go's for a fatal error. */
  public static final int EXIT_STATUS = 2;

  /** The pause between the two readings of one check. */
  private static final long SETTLE_NANOS = 20_000_000;

  private static final Switch SWITCH = new Switch();
  private static volatile Predicate<? super Thread> ignored = t -> false;
  /** The waiters of the last report: written by the watchdog, reset on stop. */
  private static volatile Set<Waiter> lastReported = Set.of();

  private DeadlockDetector() {}

  /** Enables detection at the {@link #DEFAULT_INTERVAL}, printing reports to standard error. */
  public static void enable() {
    enable(DEFAULT_INTERVAL, DeadlockDetector::print);
  }

  /**
   * Enables detection at the {@link #DEFAULT_INTERVAL} with Go's outcome: the first report is
   * printed to standard error, then the JVM halts with exit status {@value #EXIT_STATUS}. It
   * halts ({@link Runtime#halt}) rather than exits: shutdown hooks do not run, as Go runs no
   * deferred calls on a fatal error, and a hook that waited on a deadlocked goroutine would
   * otherwise hang the exit.
   */
  public static void enableExiting() {
    enable(
        DEFAULT_INTERVAL,
        report -> {
          print(report);
          Runtime.getRuntime().halt(EXIT_STATUS);
        });
  }

  private static void print(DeadlockReport report) {
    System.err.print(report);
    System.err.flush();
  }

  /**
   * Enables detection, replacing any earlier configuration.
   *
   * @param interval the time between checks
   * @param handler receives each report, on the detector's thread
   */
  public static void enable(Duration interval, Consumer<? super DeadlockReport> handler) {
    Objects.requireNonNull(handler, "handler");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("non-positive interval for DeadlockDetector: " + interval);
    }
    SWITCH.on(
        () -> {
          Watchdog watchdog =
              new Watchdog(
                  "runnel-deadlock-detector",
                  interval,
                  () -> {
                    Detection d = detect();
                    if (d != null) {
                      handleOnce(d, handler);
                    }
                  });
          return () -> {
            watchdog.stop();
            lastReported = Set.of();
          };
        });
  }

  /**
   * Stops counting the platform threads {@code threads} accepts: threads that will not wake a
   * goroutine, or that you want a deadlock reported before they do, such as a test framework's
   * timeout watcher (JUnit's {@code junit-jupiter-timeout-watcher} is a non-daemon thread that
   * waits with a timeout, so while it lives it would prevent every report). Replaces the earlier
   * predicate; applies to {@link #check()} too.
   *
   * @param threads the platform threads not to count
   */
  public static void ignoreThreads(Predicate<? super Thread> threads) {
    ignored = Objects.requireNonNull(threads, "threads");
  }

  /** Disables detection; a check under way finishes first. */
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

  /**
   * Checks once, now, by the rule of the class description, whether the detector is enabled or
   * not; takes a short pause between its two readings. The calling thread does not count: a test
   * can ask whether the goroutines it started have deadlocked.
   *
   * @return the report if everything is blocked for good
   */
  public static Optional<DeadlockReport> check() {
    Detection d = detect();
    return d == null ? Optional.empty() : Optional.of(d.report());
  }

  /** A deadlock found, and the waits it consists of (what makes two reports the same one). */
  private record Detection(DeadlockReport report, Set<Waiter> waiters) {}

  private static Detection detect() {
    Map<Thread, Waiter> first = blocked();
    if (first == null) {
      return null;
    }
    LockSupport.parkNanos(SETTLE_NANOS);
    Map<Thread, Waiter> second = blocked();
    if (second == null || !second.equals(first) || othersMayAct(second.keySet())) {
      return null;
    }
    List<GoroutineInfo> entries = ThreadInspector.inspect(second.keySet());
    // threads that are not goroutines (id -1, main) first, then goroutines in id order
    entries.sort(
        Comparator.comparingLong(GoroutineInfo::id).thenComparing(GoroutineInfo::name));
    Set<Waiter> waiters = Collections.newSetFromMap(new IdentityHashMap<>());
    waiters.addAll(second.values());
    return new Detection(
        new DeadlockReport(GoroutineDump.of(entries), new ArrayList<>(second.keySet())), waiters);
  }

  /**
   * Whether a virtual thread that Runnel did not start could still act (see the census). The
   * counted threads were just judged; a goroutine started since is unknown to the census, which
   * treats it as any other virtual thread that is not parked in Runnel.
   */
  private static boolean othersMayAct(Set<Thread> counted) {
    Set<Long> known = new HashSet<>();
    for (Thread t : counted) {
      known.add(t.threadId());
    }
    return VirtualThreadCensus.othersMayAct(known);
  }

  /**
   * Every counted thread with the waiter it is blocked in for good; null if any counted thread is
   * not, if a timer is pending, or if nothing is counted.
   */
  private static Map<Thread, Waiter> blocked() {
    if (SystemTime.INSTANCE.queue().pending()) {
      return null;
    }
    Map<Thread, Waiter> blocked = new IdentityHashMap<>();
    Thread me = Thread.currentThread();
    for (Goroutines.Goroutine g : Goroutines.all()) {
      Thread t = g.thread();
      if (t == me) {
        continue;
      }
      Waiter w = ThreadInspector.blockedForever(t);
      if (w == null) {
        if (t.isAlive()) {
          return null;
        }
        continue; // ended, leaving the registry
      }
      blocked.put(t, w);
    }
    for (Thread t : ThreadInspector.platformThreads()) {
      if (t == me || t.isDaemon() || t.getName().equals("DestroyJavaVM") || ignored.test(t)) {
        continue; // DestroyJavaVM waits for the other non-daemon threads once main has returned
      }
      Waiter w = ThreadInspector.blockedForever(t);
      if (w == null) {
        return null;
      }
      blocked.put(t, w);
    }
    if (blocked.isEmpty() || SystemTime.INSTANCE.queue().pending()) {
      return null;
    }
    return blocked;
  }

  /**
   * Reports {@code d} unless it is the deadlock reported last: the same waits, compared by
   * identity as the detection read them (not read again from the threads' blockers, which a
   * spurious wake-up of a platform thread clears for a moment).
   */
  private static void handleOnce(Detection d, Consumer<? super DeadlockReport> handler) {
    if (d.waiters().equals(lastReported)) {
      return;
    }
    lastReported = d.waiters();
    handler.accept(d.report());
  }
}
