package dev.runnel.bench;

import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A non-blocking rate check: Runnel's {@link dev.runnel.rate.RateLimiter#allow()} (Go's {@code
 * rate.Limiter.Allow}) against Guava's {@link com.google.common.util.concurrent.RateLimiter#tryAcquire()}
 * and Bucket4j's {@link Bucket#tryConsume(long) tryConsume(1)}.
 *
 * <p>Two settings ({@code perSecond}): {@code 1000000000} (10^9 events/s), far above what the
 * callers can ask for, so nearly every call is allowed and takes a token: the refill arithmetic
 * and the token update run on every call; and {@code 1000} (a realistic API quota), so after the
 * first burst nearly every call is refused: the cheap rejection path. Runnel's limiter and the
 * bucket have a burst of {@value #BURST}; Guava's {@code SmoothBursty} cannot be given one and
 * stores up to one second of permits. Bucket4j is built with nanosecond precision (its default
 * clock counts milliseconds, which at 10^9/s would refill in 1 ms steps and refuse most calls);
 * Runnel's and Guava's read {@code System.nanoTime()}. Runnel's limiter and Guava's take a lock
 * per call, Bucket4j's default bucket is lock-free (a CAS on its state).
 *
 * <p>Uncontended ({@code uncontended*}, ns per call): the JMH thread alone, one call per benchmark
 * call. Contended ({@code contended*}, calls per second): {@value #GOROUTINES} virtual threads
 * share one limiter and make {@value #CALLS} calls per invocation between them; the trial prints
 * the fraction of calls allowed.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RateLimiterBenchmark {

  static final int BURST = 100;
  static final int GOROUTINES = 8;
  static final int CALLS = 100_000;

  /** One limiter of each kind, shared by the contended workers. */
  @State(Scope.Benchmark)
  public static class Limiters {
    /** Events per second. */
    @Param({"1000000000", "1000"})
    long perSecond;

    dev.runnel.rate.RateLimiter runnel;
    com.google.common.util.concurrent.RateLimiter guava;
    Bucket bucket;
    final AtomicLong calls = new AtomicLong();
    final AtomicLong allowed = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() {
      runnel = new dev.runnel.rate.RateLimiter(perSecond, BURST);
      guava = com.google.common.util.concurrent.RateLimiter.create(perSecond);
      bucket =
          Bucket.builder()
              .addLimit(
                  limit -> limit.capacity(BURST).refillGreedy(perSecond, Duration.ofSeconds(1)))
              .withNanosecondPrecision()
              .build();
    }

    @TearDown(Level.Trial)
    public void report() {
      if (calls.get() > 0) {
        System.out.printf(
            "%nallowed: %.4f of %d contended calls%n", allowed.get() / (double) calls.get(), calls.get());
      }
    }
  }

  // ---------------------------------------------------------------- uncontended, ns per call

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public boolean uncontendedRunnel(Limiters s) {
    return s.runnel.allow();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public boolean uncontendedGuava(Limiters s) {
    return s.guava.tryAcquire();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public boolean uncontendedBucket4j(Limiters s) {
    return s.bucket.tryConsume(1);
  }

  // ---------------------------------------------------------------- contended, calls per second

  @Benchmark
  @OperationsPerInvocation(CALLS)
  public void contendedRunnel(Limiters s) {
    dev.runnel.rate.RateLimiter limiter = s.runnel;
    contend(s, limiter::allow);
  }

  @Benchmark
  @OperationsPerInvocation(CALLS)
  public void contendedGuava(Limiters s) {
    com.google.common.util.concurrent.RateLimiter limiter = s.guava;
    contend(s, limiter::tryAcquire);
  }

  @Benchmark
  @OperationsPerInvocation(CALLS)
  public void contendedBucket4j(Limiters s) {
    Bucket bucket = s.bucket;
    contend(s, () -> bucket.tryConsume(1));
  }

  /** Runs one contended invocation; each benchmark runs in its own fork (monomorphic call). */
  private static void contend(Limiters s, BooleanSupplier allow) {
    int perWorker = CALLS / GOROUTINES;
    Workers.Task[] workers = new Workers.Task[GOROUTINES];
    CountDownLatch started = new CountDownLatch(GOROUTINES);
    for (int w = 0; w < GOROUTINES; w++) {
      workers[w] =
          () -> {
            started.countDown();
            started.await();
            int allowed = 0;
            for (int i = 0; i < perWorker; i++) {
              if (allow.getAsBoolean()) {
                allowed++;
              }
            }
            s.allowed.addAndGet(allowed);
            s.calls.addAndGet(perWorker);
          };
    }
    Workers.runAll(workers);
  }
}
