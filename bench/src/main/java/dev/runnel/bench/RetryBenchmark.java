package dev.runnel.bench;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import dev.runnel.context.Context;
import dev.runnel.retry.Backoff;
import dev.runnel.retry.Retry;
import dev.runnel.retry.RetryBudget;
import dev.runnel.structured.Task;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The overhead of a retry around a call that succeeds the first time (the common case, paid on
 * every call): ns per call. Runnel's {@link Retry} (plain, and with a shared {@link RetryBudget},
 * which records every first attempt), Resilience4j's {@code Retry.executeCallable} and Failsafe's
 * {@code RetryPolicy} through a {@code FailsafeExecutor}, each with 3 attempts and a 100 ms
 * backoff that never runs; beside the bare call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RetryBenchmark {

  private final Context ctx = Context.background();
  private final Retry runnel =
      Retry.builder().maxAttempts(3).backoff(Backoff.fixed(Duration.ofMillis(100))).build();
  private final Retry runnelBudget =
      Retry.builder()
          .maxAttempts(3)
          .backoff(Backoff.fixed(Duration.ofMillis(100)))
          .budget(new RetryBudget(0.2, 10, Duration.ofSeconds(10)))
          .build();
  private final io.github.resilience4j.retry.Retry resilience4j =
      io.github.resilience4j.retry.Retry.of(
          "bench",
          RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(100)).build());
  private final FailsafeExecutor<Object> failsafe =
      Failsafe.with(
          RetryPolicy.builder().withMaxAttempts(3).withDelay(Duration.ofMillis(100)).build());

  private long counter;
  private final Task<Long> task = c -> ++counter;
  private final Callable<Long> callable = () -> ++counter;

  @Benchmark
  public long bareCall() throws Exception {
    return task.run(ctx);
  }

  @Benchmark
  public long runnelRetry() throws Exception {
    return runnel.call(ctx, task);
  }

  @Benchmark
  public long runnelRetryWithBudget() throws Exception {
    return runnelBudget.call(ctx, task);
  }

  @Benchmark
  public long resilience4jRetry() throws Exception {
    return resilience4j.executeCallable(callable);
  }

  @Benchmark
  public long failsafeRetryPolicy() {
    return (Long) failsafe.get(callable::call);
  }
}
