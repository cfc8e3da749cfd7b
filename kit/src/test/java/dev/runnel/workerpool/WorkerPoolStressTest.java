package dev.runnel.workerpool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.Go;
import dev.runnel.context.Context;
import dev.runnel.sync.WaitGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/**
 * 100,000 jobs from concurrent submitters, with a shutdown at a random point: every job is
 * accounted for exactly once, as run, returned unstarted or rejected, and none runs twice.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WorkerPoolStressTest {

  private static final int JOBS = 100_000;
  private static final int SUBMITTERS = 8;

  @RepeatedTest(3)
  void everyJobIsRunReturnedOrRejectedExactlyOnce() throws Exception {
    WorkerPool pool = WorkerPool.create(8, 64);
    AtomicIntegerArray runs = new AtomicIntegerArray(JOBS);
    AtomicLong rejected = new AtomicLong();
    AtomicLong accepted = new AtomicLong();
    WaitGroup submitters = new WaitGroup();
    int stopAfter = ThreadLocalRandom.current().nextInt(JOBS / 10, JOBS);
    for (int s = 0; s < SUBMITTERS; s++) {
      int first = s;
      submitters.go(
          () -> {
            for (int i = first; i < JOBS; i += SUBMITTERS) {
              int id = i;
              try {
                if ((i & 1) == 0) {
                  pool.submit(() -> runs.incrementAndGet(id));
                } else if (pool.trySubmit(() -> runs.incrementAndGet(id)) == null) {
                  rejected.incrementAndGet(); // full: refused, not queued
                  continue;
                }
                accepted.incrementAndGet();
              } catch (RejectedExecutionException shutDown) {
                rejected.incrementAndGet();
              }
              if (id == stopAfter) {
                Go.go(() -> shutDownSoon(pool));
              }
            }
          });
    }
    submitters.await();
    pool.close();

    long ran = 0;
    for (int i = 0; i < JOBS; i++) {
      assertThat(runs.get(i)).as("job %d runs", i).isLessThanOrEqualTo(1);
      ran += runs.get(i);
    }
    WorkerPool.Stats stats = pool.stats();
    assertThat(accepted.get() + rejected.get()).isEqualTo(JOBS);
    assertThat(stats.completed()).isEqualTo(ran);
    assertThat(stats.completed() + stats.cancelled() + stats.failed()).isEqualTo(accepted.get());
    assertThat(stats.rejected()).isEqualTo(rejected.get());
    assertThat(stats.failed()).isZero();
  }

  @RepeatedTest(3)
  void aJobSubmittedAsTheLastWorkerLeavesStillRuns() throws Exception {
    // Each submit races the only worker's exit: with a keep-alive of a nanosecond it finds the
    // queue empty and leaves just as the next job arrives. A stranded job would never complete.
    try (WorkerPool pool =
        WorkerPool.builder().maxWorkers(1).queueCapacity(1).keepAlive(Duration.ofNanos(1)).build()) {
      for (int i = 0; i < 20_000; i++) {
        int n = i;
        assertThat(pool.submit(() -> n).get(10, java.util.concurrent.TimeUnit.SECONDS))
            .isEqualTo(n);
      }
    }
  }

  /** A shutdown with a short deadline: whatever has not started by then is returned. */
  private static void shutDownSoon(WorkerPool pool) throws InterruptedException {
    List<WorkerPool.Job<?>> unstarted =
        pool.shutdown(Context.withTimeout(Context.background(), Duration.ofMillis(1)));
    for (WorkerPool.Job<?> job : unstarted) {
      assertThat(job.isCancelled()).isTrue();
    }
  }
}
