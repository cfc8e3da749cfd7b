package dev.runnel.bench;

import dev.runnel.Channel;
import dev.runnel.errgroup.ErrGroup;
import dev.runnel.structured.Scope;
import dev.runnel.sync.WaitGroup;
import dev.runnel.workerpool.WorkerPool;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
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
 * Tiny jobs (each increments one {@link LongAdder}) through {@value #WORKERS} workers, {@value
 * #JOBS} per invocation, submitted by one virtual thread that then waits for all of them: ns per
 * job. Runnel's {@link WorkerPool} ({@code go}, no future; and {@code submit}, a future per job)
 * with a queue of {@value #QUEUE}; the JDK's {@link ThreadPoolExecutor} with {@value #WORKERS}
 * platform threads and an unbounded queue; a virtual-thread-per-task executor behind a {@link
 * Semaphore} of {@value #WORKERS}; and Go's usual form written with Runnel (a jobs channel,
 * {@value #WORKERS} goroutines, a {@link WaitGroup}), whose Go twin is in {@code bench/go}.
 *
 * <p>Also {@link Scope} forking {@value #FORKS} tiny tasks and joining, beside {@link ErrGroup}
 * doing the same (ns per task).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class WorkerPoolBenchmark {

  static final int JOBS = 100_000;
  static final int WORKERS = 8;
  static final int QUEUE = 1024;
  static final int FORKS = 10_000;

  @Benchmark
  @OperationsPerInvocation(JOBS)
  public void workerPoolGo() {
    Workers.runAll(
        () -> {
          LongAdder counter = new LongAdder();
          try (WorkerPool pool = WorkerPool.create(WORKERS, QUEUE)) {
            for (int i = 0; i < JOBS; i++) {
              pool.go(counter::increment);
            }
          }
          check(counter, JOBS);
        });
  }

  @Benchmark
  @OperationsPerInvocation(JOBS)
  public void workerPoolSubmit() {
    Workers.runAll(
        () -> {
          LongAdder counter = new LongAdder();
          try (WorkerPool pool = WorkerPool.create(WORKERS, QUEUE)) {
            for (int i = 0; i < JOBS; i++) {
              pool.submit(counter::increment);
            }
          }
          check(counter, JOBS);
        });
  }

  @Benchmark
  @OperationsPerInvocation(JOBS)
  public void threadPoolExecutor() {
    Workers.runAll(
        () -> {
          LongAdder counter = new LongAdder();
          try (ExecutorService pool =
              new ThreadPoolExecutor(
                  WORKERS, WORKERS, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>())) {
            for (int i = 0; i < JOBS; i++) {
              pool.execute(counter::increment);
            }
          }
          check(counter, JOBS);
        });
  }

  @Benchmark
  @OperationsPerInvocation(JOBS)
  public void virtualThreadsSemaphore() {
    Workers.runAll(
        () -> {
          LongAdder counter = new LongAdder();
          Semaphore sem = new Semaphore(WORKERS);
          try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < JOBS; i++) {
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
          }
          check(counter, JOBS);
        });
  }

  @Benchmark
  @OperationsPerInvocation(JOBS)
  public void goStyleChannelAndWaitGroup() {
    Workers.runAll(
        () -> {
          LongAdder counter = new LongAdder();
          Channel<Runnable> jobs = Channel.make(QUEUE);
          WaitGroup wg = new WaitGroup();
          for (int w = 0; w < WORKERS; w++) {
            wg.go(
                () -> {
                  for (Runnable job : jobs) {
                    job.run();
                  }
                });
          }
          for (int i = 0; i < JOBS; i++) {
            jobs.send(counter::increment);
          }
          jobs.close();
          wg.await();
          check(counter, JOBS);
        });
  }

  @Benchmark
  @OperationsPerInvocation(FORKS)
  public void scopeForkJoin() {
    Workers.runAll(
        () -> {
          LongAdder counter = new LongAdder();
          try (Scope scope = Scope.open()) {
            for (int i = 0; i < FORKS; i++) {
              scope.fork(
                  () -> {
                    counter.increment();
                    return null;
                  });
            }
            scope.join();
          }
          check(counter, FORKS);
        });
  }

  @Benchmark
  @OperationsPerInvocation(FORKS)
  public void errGroupForkJoin() {
    Workers.runAll(
        () -> {
          LongAdder counter = new LongAdder();
          ErrGroup g = new ErrGroup();
          for (int i = 0; i < FORKS; i++) {
            g.go(counter::increment);
          }
          g.await();
          check(counter, FORKS);
        });
  }

  private static void check(LongAdder counter, int expected) {
    if (counter.sum() != expected) {
      throw new AssertionError("ran " + counter.sum() + " of " + expected);
    }
  }
}
