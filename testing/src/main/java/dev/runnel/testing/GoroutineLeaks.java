package dev.runnel.testing;

import dev.runnel.debug.GoroutineDump;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Checks that code leaves no goroutine behind: note {@link #mark()} before it runs and call {@link
 * #verifyNone(long)} after; goroutines started after the mark that are still alive then are leaks.
 * Needs no test framework; JUnit 5 users can let {@link CheckGoroutineLeaks} do both calls.
 *
 * <p>A goroutine that has been told to stop may not have returned yet when the check runs (it is
 * still unwinding, or waiting for a core), so the check retries before it fails: it polls the
 * number of live goroutines started after the mark, sleeping 1 ms and doubling the sleep up to 100
 * ms, for at most {@link LeakOptions#retryBudget()} (2 s by default), and reads their stacks only
 * when it has to apply ignore rules or report. A test that leaks nothing pays one count.
 *
 * <p><b>What a check sees.</b> By default, goroutines: the virtual threads Runnel started ({@code
 * Go.go}, {@code WaitGroup.go}, {@code ErrGroup.go}, timer and context callbacks), read from
 * Runnel's registry with what each waits on. A thread started with {@code Thread.ofVirtual()} or
 * by a virtual-thread executor is not a goroutine and is not seen. The wide mode, {@link
 * LeakOptions#includeAllVirtualThreads()} with a {@link #markAll()} mark, sees those too, through
 * the JDK's thread dump (a few milliseconds per reading), by name and stack only. Platform threads
 * are never checked.
 *
 * <p>Only goroutines started after the mark are considered, so goroutines that a suite started
 * earlier and keeps (a server, a pool) are never reported. Goroutines started after the mark by
 * other code running at the same time are: tests that run concurrently (JUnit's parallel mode) see
 * each other's goroutines, so run leak-checked tests one at a time, or ignore the others'
 * goroutines by name or stack.
 *
 * <p>Memory consistency effects: a goroutine whose return happens-before {@code verifyNone} (it
 * closed a channel the test received from, called {@code wg.done()} before {@code wg.await()}
 * returned, ...) is gone from Runnel's registry and never reported.
 *
 * <p>Go: {@code goleak.VerifyNone(t)} with {@code goleak.IgnoreCurrent()}: goleak compares against
 * the goroutines alive at the start; here goroutine ids count up, so the mark is one number.
 *
 * {@snippet :
 * long mark = GoroutineLeaks.mark();
 * server.handle(request);
 * GoroutineLeaks.verifyNone(mark); // AssertionError: found 1 leaked goroutine: ...
 * }
 */
public final class GoroutineLeaks {

  /** The first sleep between polls; doubled after each poll, up to {@link #MAX_SLEEP_NANOS}. */
  private static final long FIRST_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /**
   * The longest sleep between polls: a goroutine that ends just after a poll delays a passing
   * check by at most this much.
   */
  private static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** A thread mark that no thread is created after: the check reads goroutines only. */
  private static final long NO_THREADS = Long.MAX_VALUE;

  private GoroutineLeaks() {}

  /**
   * The mark to pass to {@link #verifyNone(long)}: the id of the goroutine started last ({@link
   * GoroutineDump#lastGoroutineId()}).
   *
   * @return the mark
   */
  public static long mark() {
    return GoroutineDump.lastGoroutineId();
  }

  /**
   * A mark for a check that may cover every virtual thread ({@link
   * LeakOptions#includeAllVirtualThreads()}): the goroutine started last and the thread created
   * last.
   *
   * @param goroutineId a value of {@link #mark()}
   * @param threadId a value of {@link GoroutineDump#lastThreadId()}
   */
  public record Mark(long goroutineId, long threadId) {}

  /**
   * The mark to pass to {@link #verifyNone(Mark, LeakOptions)}: for goroutines and, in the wide
   * mode, every other virtual thread created after it.
   *
   * @return the mark
   */
  public static Mark markAll() {
    return new Mark(mark(), GoroutineDump.lastThreadId());
  }

  /**
   * Fails if a goroutine started after {@code mark} is still alive once the default retry budget
   * has passed.
   *
   * @param mark a value of {@link #mark()}
   * @throws AssertionError {@code found N leaked goroutine(s):}, a blank line, and the leaked
   *     goroutines in {@link GoroutineDump}'s text shape
   */
  public static void verifyNone(long mark) {
    verifyNone(mark, LeakOptions.defaults());
  }

  /**
   * Fails if a goroutine started after {@code mark} that {@code options} does not ignore is still
   * alive once the retry budget has passed. If the calling thread is interrupted while it waits, it
   * checks once more, fails or returns, and keeps the interrupt status set.
   *
   * @param mark a value of {@link #mark()}
   * @param options ignore rules and retry budget
   * @throws AssertionError {@code found N leaked goroutine(s):}, a blank line, and the leaked
   *     goroutines in {@link GoroutineDump}'s text shape
   * @throws NullPointerException if {@code options} is null
   */
  public static void verifyNone(long mark, LeakOptions options) {
    verifyNone(goroutinesOnly(mark, options), options);
  }

  /**
   * As {@link #verifyNone(long, LeakOptions)}; in the wide mode ({@link
   * LeakOptions#includeAllVirtualThreads()}) also fails for a virtual thread that Runnel did not
   * start, created after {@code mark}, that is still alive.
   *
   * @param mark a value of {@link #markAll()}
   * @param options ignore rules, retry budget and mode
   * @throws AssertionError {@code found N leaked goroutine(s):}, a blank line, and the leaked
   *     goroutines and threads in {@link GoroutineDump}'s text shape
   * @throws NullPointerException if {@code mark} or {@code options} is null
   */
  public static void verifyNone(Mark mark, LeakOptions options) {
    GoroutineDump leaked = findLeaks(mark, options);
    if (!leaked.goroutines().isEmpty()) {
      throw new AssertionError(message(leaked));
    }
  }

  /**
   * The goroutines that {@link #verifyNone(long, LeakOptions)} would report, after the same
   * retries: for callers that report leaks their own way.
   *
   * @param mark a value of {@link #mark()}
   * @param options ignore rules and retry budget
   * @return the leaked goroutines; an empty dump if there are none
   * @throws NullPointerException if {@code options} is null
   */
  public static GoroutineDump findLeaks(long mark, LeakOptions options) {
    return findLeaks(goroutinesOnly(mark, options), options);
  }

  /**
   * The goroutines, and in the wide mode the other virtual threads, that {@link
   * #verifyNone(Mark, LeakOptions)} would report, after the same retries.
   *
   * @param mark a value of {@link #markAll()}
   * @param options ignore rules, retry budget and mode
   * @return the leaked goroutines and threads; an empty dump if there are none
   * @throws NullPointerException if {@code mark} or {@code options} is null
   */
  public static GoroutineDump findLeaks(Mark mark, LeakOptions options) {
    Objects.requireNonNull(options, "options");
    long goroutines = mark.goroutineId();
    long threads = options.includesAllVirtualThreads() ? mark.threadId() : NO_THREADS;
    long deadline = System.nanoTime() + saturatedNanos(options);
    long sleep = FIRST_SLEEP_NANOS;
    boolean interrupted = false;
    try {
      while (true) {
        if (threads == NO_THREADS && GoroutineDump.countStartedAfter(goroutines) == 0) {
          return GoroutineDump.takeStartedAfter(goroutines); // reads no stack: nothing is left
        }
        GoroutineDump leaked = null;
        if (options.hasIgnoreRules() || threads != NO_THREADS) {
          leaked = take(goroutines, threads, options);
          if (leaked.goroutines().isEmpty()) {
            return leaked;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || interrupted) {
          return leaked != null ? leaked : take(goroutines, threads, options);
        }
        try {
          TimeUnit.NANOSECONDS.sleep(Math.min(sleep, left));
        } catch (InterruptedException e) {
          interrupted = true; // check once more, then report
        }
        sleep = Math.min(sleep * 2, MAX_SLEEP_NANOS);
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** What is alive after the marks and not ignored; no virtual thread for {@link #NO_THREADS}. */
  private static GoroutineDump take(long goroutines, long threads, LeakOptions options) {
    GoroutineDump alive =
        threads == NO_THREADS
            ? GoroutineDump.takeStartedAfter(goroutines)
            : GoroutineDump.takeStartedAfter(goroutines, threads);
    return alive.filter(g -> !options.ignores(g));
  }

  /** A goroutine mark as a {@link Mark}; the wide mode cannot use one. */
  private static Mark goroutinesOnly(long mark, LeakOptions options) {
    if (Objects.requireNonNull(options, "options").includesAllVirtualThreads()) {
      throw new IllegalArgumentException(
          "a check of all virtual threads needs a mark from GoroutineLeaks.markAll()");
    }
    return new Mark(mark, NO_THREADS);
  }

  /** The failure message for a non-empty dump of leaked goroutines. */
  static String message(GoroutineDump leaked) {
    int n = leaked.goroutines().size();
    return "found " + n + " leaked goroutine" + (n == 1 ? "" : "s") + ":\n\n" + leaked;
  }

  private static long saturatedNanos(LeakOptions options) {
    try {
      return options.retryBudget().toNanos();
    } catch (ArithmeticException overflow) {
      return Long.MAX_VALUE / 2;
    }
  }
}
