package dev.runnel.bench;

import dev.runnel.context.Context;
import dev.runnel.semaphore.WeightedSemaphore;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Acquire one unit, release it: Runnel's {@link WeightedSemaphore} ({@code acquire(ctx, 1)} with
 * {@link Context#background()}, {@code release(1)}; Go's {@code semaphore.Weighted}) against
 * {@link Semaphore}, fair (FIFO, the same order as the weighted semaphore's queue: the baseline)
 * and nonfair (barging, for information).
 *
 * <p>Uncontended ({@code uncontended*}, ns per acquire/release): one thread, the JMH thread, on a
 * semaphore of {@value #PERMITS} units no one else touches, one pair per benchmark call: the fast
 * path alone.
 *
 * <p>Contended ({@code contended*}, acquire/releases per second): each invocation starts {@code
 * goroutines} virtual threads on a new semaphore of {@value #PERMITS} units; together they do
 * {@value #ACQUIRES} acquire/release pairs, each its share, with nothing between the release and
 * the next acquire. Between the acquire and the release ({@code hold}):
 *
 * <ul>
 *   <li>{@code yield}: {@link Thread#yield()} (Go: {@code runtime.Gosched()}), so the holder lets
 *       the other goroutines run: 4 hold the units, up to 12 are queued, most acquires park and
 *       most releases hand a unit to a parked waiter. This is the contended case. Without a yield
 *       the units are never all taken when there are fewer carrier threads (cores) than units:
 *       virtual threads, like goroutines, are not preempted while they hold one.
 *   <li>{@code none}: nothing, for information: on 4 cores or fewer no acquire waits, and this
 *       measures the fast path with the semaphore's state shared between cores.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class WeightedSemaphoreBenchmark {

  static final int PERMITS = 4;
  static final int ACQUIRES = 100_000;

  /** The uncontended semaphores: one set per JMH thread, so never shared. */
  @State(Scope.Thread)
  public static class Uncontended {
    final Context ctx = Context.background();
    final WeightedSemaphore weighted = new WeightedSemaphore(PERMITS);
    final Semaphore fair = new Semaphore(PERMITS, true);
    final Semaphore nonfair = new Semaphore(PERMITS, false);
  }

  /** The contended runs' parameter; the semaphores are made new in every invocation. */
  @State(Scope.Benchmark)
  public static class Contended {
    /** Virtual threads sharing the {@value #PERMITS} units. */
    @Param({"16"})
    int goroutines;

    /** What a goroutine does while it holds its unit: {@code yield} or {@code none}. */
    @Param({"yield", "none"})
    String hold;
  }

  // ---------------------------------------------------------------- uncontended, ns per operation

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public void uncontendedWeighted(Uncontended s) throws InterruptedException {
    s.weighted.acquire(s.ctx, 1);
    s.weighted.release(1);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public void uncontendedFairSemaphore(Uncontended s) throws InterruptedException {
    s.fair.acquire();
    s.fair.release();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public void uncontendedNonfairSemaphore(Uncontended s) throws InterruptedException {
    s.nonfair.acquire();
    s.nonfair.release();
  }

  // ---------------------------------------------------------------- contended, operations per second

  @Benchmark
  @OperationsPerInvocation(ACQUIRES)
  public void contendedWeighted(Contended s) {
    WeightedSemaphore sem = new WeightedSemaphore(PERMITS);
    Context ctx = Context.background();
    contend(s, () -> sem.acquire(ctx, 1), () -> sem.release(1));
  }

  @Benchmark
  @OperationsPerInvocation(ACQUIRES)
  public void contendedFairSemaphore(Contended s) {
    Semaphore sem = new Semaphore(PERMITS, true);
    contend(s, sem::acquire, sem::release);
  }

  @Benchmark
  @OperationsPerInvocation(ACQUIRES)
  public void contendedNonfairSemaphore(Contended s) {
    Semaphore sem = new Semaphore(PERMITS, false);
    contend(s, sem::acquire, sem::release);
  }

  /** An acquire that may block. */
  @FunctionalInterface
  private interface Acquire {
    void run() throws InterruptedException;
  }

  /**
   * Runs one contended invocation. Shared by all variants; each benchmark runs in its own fork, so
   * the calls through {@code acquire} and {@code release} stay monomorphic there.
   */
  private static void contend(Contended s, Acquire acquire, Runnable release) {
    int goroutines = s.goroutines;
    boolean yield = switch (s.hold) {
      case "yield" -> true;
      case "none" -> false;
      default -> throw new IllegalArgumentException("hold: yield or none, not " + s.hold);
    };
    int perWorker = ACQUIRES / goroutines;
    Workers.Task[] workers = new Workers.Task[goroutines];
    // All start together: a worker that ran its share before the others started would measure
    // an uncontended semaphore.
    CountDownLatch started = new CountDownLatch(goroutines);
    for (int w = 0; w < goroutines; w++) {
      workers[w] =
          () -> {
            started.countDown();
            started.await();
            for (int i = 0; i < perWorker; i++) {
              acquire.run();
              if (yield) {
                Thread.yield();
              }
              release.run();
            }
          };
    }
    Workers.runAll(workers);
  }
}
