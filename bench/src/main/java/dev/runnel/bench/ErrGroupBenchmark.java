package dev.runnel.bench;

import dev.runnel.errgroup.ErrGroup;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bounded fan-out: a coordinator runs {@value #TASKS} tiny tasks (each increments one {@link
 * LongAdder}), at most {@value #LIMIT} at a time, each on a goroutine of its own, and waits for
 * all of them. Reported in ns per task, start and join included.
 *
 * <p>The coordinator is a virtual thread in every variant (as in {@link WaitGroupBenchmark}).
 * Runnel's {@link ErrGroup} with {@code setLimit(}{@value #LIMIT}{@code )} (Go's {@code errgroup}
 * with {@code SetLimit}): {@code go(task)} per task, which waits for a free slot, then {@code
 * await()}. The JDK baseline: {@link Executors#newVirtualThreadPerTaskExecutor()} with a {@link
 * Semaphore} of {@value #LIMIT} permits, acquired by the coordinator before each {@code execute}
 * and released by the task, and {@code close()} to wait for all. The {@code ...NoLimit} variants
 * (an {@code ErrGroup} without limit, the executor without semaphore) are there for information:
 * what the limit costs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ErrGroupBenchmark {

  static final int TASKS = 100_000;
  static final int LIMIT = 8;

  @Benchmark
  @OperationsPerInvocation(TASKS)
  public void errGroup() {
    Workers.runAll(
        () -> {
          LongAdder counter = new LongAdder();
          ErrGroup g = new ErrGroup();
          g.setLimit(LIMIT);
          for (int i = 0; i < TASKS; i++) {
            g.go(counter::increment);
          }
          g.await();
          check(counter);
        });
  }

  @Benchmark
  @OperationsPerInvocation(TASKS)
  public void executorSemaphore() {
    Workers.runAll(
        () -> {
          LongAdder counter = new LongAdder();
          Semaphore sem = new Semaphore(LIMIT);
          try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < TASKS; i++) {
              sem.acquire();
              executor.execute(
                  () -> {
                    try {
                      counter.increment();
                    } finally {
                      sem.release();
                    }
                  });
            }
          } // close() waits for every task
          check(counter);
        });
  }

  @Benchmark
  @OperationsPerInvocation(TASKS)
  public void errGroupNoLimit() {
    Workers.runAll(
        () -> {
          LongAdder counter = new LongAdder();
          ErrGroup g = new ErrGroup();
          for (int i = 0; i < TASKS; i++) {
            g.go(counter::increment);
          }
          g.await();
          check(counter);
        });
  }

  @Benchmark
  @OperationsPerInvocation(TASKS)
  public void executorNoLimit() {
    Workers.runAll(
        () -> {
          LongAdder counter = new LongAdder();
          try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < TASKS; i++) {
              executor.execute(counter::increment);
            }
          }
          check(counter);
        });
  }

  private static void check(LongAdder counter) {
    if (counter.sum() != TASKS) {
      throw new AssertionError("counted " + counter.sum() + ", expected " + TASKS);
    }
  }
}
