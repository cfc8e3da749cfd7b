package dev.runnel.bench;

import dev.runnel.breaker.CircuitBreaker;
import dev.runnel.breaker.CircuitOpenException;
import dev.runnel.context.Context;
import dev.runnel.structured.Task;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.helidon.faulttolerance.CircuitBreakerOpenException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The breaker's hot path, a permission check plus a recorded success, in ns per call: Runnel's
 * {@link CircuitBreaker} against Resilience4j's {@code CircuitBreaker} (2.4.0) and Helidon's
 * {@code io.helidon.faulttolerance.CircuitBreaker} (4.5.0), each closed, with a count window of
 * {@value #WINDOW} calls and a 50% failure threshold, guarding a call that returns a constant.
 *
 * <p>Four shapes: the lambda form ({@code *Call}: Runnel's {@code call(ctx, task)}, Resilience4j's
 * {@code executeSupplier}, Helidon's {@code invoke}); the low-level form ({@code *Permit}: {@code
 * tryAcquirePermission} then {@code onSuccess}, which Helidon does not offer); and the refusal of a
 * forced-open breaker ({@code *Refused}: each throws its exception with its library's defaults;
 * Runnel's has no stack trace); and the lambda form with one call in {@value #FAIL_EVERY} failing
 * ({@code *Mixed}), which keeps every window changing (a window full of successes is Runnel's
 * lock-free case). Each runs
 * on one thread and on {@value #THREADS} platform threads sharing one breaker
 * ({@code *Contended}); the machine's core count bounds what the contended runs can show.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CircuitBreakerBenchmark {

  static final int WINDOW = 100;
  static final int THREADS = 8;

  static final Task<Integer> TASK = ctx -> 42;
  static final Supplier<Integer> SUPPLIER = () -> 42;

  /** The failure of the mixed runs, made once and without a stack trace, as a fast fault is. */
  static final RuntimeException FAULT = new RuntimeException("down", null, false, false) {};

  /** Each thread's call count, so every {@value #FAIL_EVERY}th call of a mixed run fails. */
  @State(Scope.Thread)
  public static class Calls {
    int n;

    boolean nextFails() {
      return ++n % FAIL_EVERY == 0;
    }
  }

  static final int FAIL_EVERY = 100;

  /** One closed and one forced-open breaker of each library, shared by the benchmark's threads. */
  @State(Scope.Benchmark)
  public static class Breakers {
    final Context ctx = Context.background();
    CircuitBreaker runnel;
    CircuitBreaker runnelOpen;
    io.github.resilience4j.circuitbreaker.CircuitBreaker r4j;
    io.github.resilience4j.circuitbreaker.CircuitBreaker r4jOpen;
    io.helidon.faulttolerance.CircuitBreaker helidon;
    io.helidon.faulttolerance.CircuitBreaker helidonOpen;

    @Setup
    public void setUp() {
      runnel = CircuitBreaker.builder().countWindow(WINDOW).failureRateThreshold(50).build();
      runnelOpen = CircuitBreaker.builder().countWindow(WINDOW).build();
      runnelOpen.forceOpen();
      CircuitBreakerConfig config =
          CircuitBreakerConfig.custom()
              .slidingWindow(WINDOW, 20, SlidingWindowType.COUNT_BASED)
              .failureRateThreshold(50)
              .build();
      r4j = io.github.resilience4j.circuitbreaker.CircuitBreaker.of("bench", config);
      r4jOpen = io.github.resilience4j.circuitbreaker.CircuitBreaker.of("open", config);
      r4jOpen.transitionToForcedOpenState();
      helidon =
          io.helidon.faulttolerance.CircuitBreaker.builder()
              .volume(WINDOW)
              .errorRatio(50)
              .delay(Duration.ofHours(1))
              .build();
      helidonOpen =
          io.helidon.faulttolerance.CircuitBreaker.builder()
              .volume(WINDOW)
              .errorRatio(50)
              .delay(Duration.ofHours(1))
              .build();
      helidonOpen.state(io.helidon.faulttolerance.CircuitBreaker.State.OPEN);
    }
  }

  // ---------------------------------------------------------------- lambda form, one thread

  @Benchmark
  public Integer runnelCall(Breakers b) throws Exception {
    return b.runnel.call(b.ctx, TASK);
  }

  @Benchmark
  public Integer resilience4jCall(Breakers b) {
    return b.r4j.executeSupplier(SUPPLIER);
  }

  @Benchmark
  public Integer helidonCall(Breakers b) {
    return b.helidon.invoke(SUPPLIER);
  }

  // ---------------------------------------------------------------- low-level form, one thread

  @Benchmark
  public long runnelPermit(Breakers b) {
    long start = System.nanoTime();
    long permit = b.runnel.tryAcquirePermission();
    if (permit >= 0) {
      b.runnel.onSuccess(permit, Duration.ofNanos(System.nanoTime() - start));
    }
    return permit;
  }

  @Benchmark
  public boolean resilience4jPermit(Breakers b) {
    long start = System.nanoTime();
    boolean permitted = b.r4j.tryAcquirePermission();
    if (permitted) {
      b.r4j.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
    return permitted;
  }

  // ---------------------------------------------------------------- refusals, one thread

  @Benchmark
  public Object runnelRefused(Breakers b) throws Exception {
    try {
      return b.runnelOpen.call(b.ctx, TASK);
    } catch (CircuitOpenException e) {
      return e;
    }
  }

  @Benchmark
  public Object resilience4jRefused(Breakers b) {
    try {
      return b.r4jOpen.executeSupplier(SUPPLIER);
    } catch (CallNotPermittedException e) {
      return e;
    }
  }

  @Benchmark
  public Object helidonRefused(Breakers b) {
    try {
      return b.helidonOpen.invoke(SUPPLIER);
    } catch (CircuitBreakerOpenException e) {
      return e;
    }
  }

  // ---------------------------------------------------------------- mixed: 1 call in 100 fails

  @Benchmark
  public Object runnelMixed(Breakers b, Calls c) throws Exception {
    boolean fails = c.nextFails();
    try {
      return b.runnel.call(b.ctx, ctx -> {
        if (fails) {
          throw FAULT;
        }
        return 42;
      });
    } catch (RuntimeException e) {
      return e;
    }
  }

  @Benchmark
  public Object resilience4jMixed(Breakers b, Calls c) {
    boolean fails = c.nextFails();
    try {
      return b.r4j.executeSupplier(() -> {
        if (fails) {
          throw FAULT;
        }
        return 42;
      });
    } catch (RuntimeException e) {
      return e;
    }
  }

  @Benchmark
  public Object helidonMixed(Breakers b, Calls c) {
    boolean fails = c.nextFails();
    try {
      return b.helidon.invoke(() -> {
        if (fails) {
          throw FAULT;
        }
        return 42;
      });
    } catch (RuntimeException e) {
      return e;
    }
  }

  // ---------------------------------------------------------------- contended, 8 threads

  @Benchmark
  @Threads(THREADS)
  public Object runnelMixedContended(Breakers b, Calls c) throws Exception {
    return runnelMixed(b, c);
  }

  @Benchmark
  @Threads(THREADS)
  public Object resilience4jMixedContended(Breakers b, Calls c) {
    return resilience4jMixed(b, c);
  }

  @Benchmark
  @Threads(THREADS)
  public Object helidonMixedContended(Breakers b, Calls c) {
    return helidonMixed(b, c);
  }

  @Benchmark
  @Threads(THREADS)
  public Integer runnelCallContended(Breakers b) throws Exception {
    return runnelCall(b);
  }

  @Benchmark
  @Threads(THREADS)
  public Integer resilience4jCallContended(Breakers b) {
    return resilience4jCall(b);
  }

  @Benchmark
  @Threads(THREADS)
  public Integer helidonCallContended(Breakers b) {
    return helidonCall(b);
  }

  @Benchmark
  @Threads(THREADS)
  public long runnelPermitContended(Breakers b) {
    return runnelPermit(b);
  }

  @Benchmark
  @Threads(THREADS)
  public boolean resilience4jPermitContended(Breakers b) {
    return resilience4jPermit(b);
  }
}
