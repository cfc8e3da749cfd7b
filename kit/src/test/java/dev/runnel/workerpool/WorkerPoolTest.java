package dev.runnel.workerpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.context.ContextCanceledException;
import dev.runnel.debug.GoroutineDump;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The worker pool's contract: bounds, backpressure, failures, cancellation, shutdown. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WorkerPoolTest {

  private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(10);

  @AfterEach
  void restorePanics() {
    Go.setPanicHandler(null);
  }

  /** Waits, briefly polling, for a condition another goroutine brings about. */
  static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE_NANOS;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("timed out waiting until %s", what).isNegative();
      Thread.sleep(1); // another goroutine's progress: there is no event to wait for
    }
  }

  /**
   * Waits until {@code n} goroutines are parked inside this package's submit methods: blocked
   * waiting for room.
   */
  static void awaitBlockedSubmitters(int n) throws InterruptedException {
    eventually(
        n + " submitters blocked",
        () ->
            GoroutineDump.take().goroutines().stream()
                    .filter(g -> !g.state().equals("running"))
                    .filter(g -> g.stackContains("dev.runnel.workerpool.WorkerPool.submit")
                        || g.stackContains("dev.runnel.workerpool.BoundedGo.go"))
                    .count()
                == n);
  }

  /**
   * Opens a latch that jobs wait on when a test ends, also when an assertion failed, so that the
   * pool's close (which waits for every job) cannot hang the build. Declared after the pool in a
   * try-with-resources, it closes first.
   */
  record Releaser(CountDownLatch latch) implements AutoCloseable {
    @Override
    public void close() {
      latch.countDown();
    }
  }

  @Test
  void runsJobsAndReturnsTheirResults() throws Exception {
    WorkerPool pool = WorkerPool.create(4, 16);
    try (pool) {
      List<WorkerPool.Job<Integer>> jobs = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        int n = i;
        jobs.add(pool.submit(() -> n * n));
      }
      for (int i = 0; i < 100; i++) {
        assertThat(jobs.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i * i);
      }
    }
    // Counted once each worker is done with its job, which can be just after the future
    // completes; close has waited for that.
    assertThat(pool.stats().completed()).isEqualTo(100);
  }

  @Test
  void neverRunsMoreThanMaxWorkersAtOnce() throws Exception {
    AtomicInteger now = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    try (WorkerPool pool = WorkerPool.create(3, 100)) {
      for (int i = 0; i < 60; i++) {
        pool.submit(
            () -> {
              most.accumulateAndGet(now.incrementAndGet(), Math::max);
              Thread.sleep(1); // holds the worker so that others pile up
              now.decrementAndGet();
              return null;
            });
      }
    }
    assertThat(most.get()).isBetween(1, 3);
  }

  @Test
  void aFullPoolBlocksSubmitRefusesTrySubmitAndGivesUpOnAContext() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (WorkerPool pool = WorkerPool.create(1, 1); Releaser r = new Releaser(release)) {
      pool.submit(() -> release.await()); // running
      pool.submit(() -> "queued");
      eventually("one running, one queued", () -> pool.stats().running() == 1);

      assertThat(pool.trySubmit(() -> "refused")).isNull();
      CancelContext ctx = Context.withCancel(Context.background());
      CompletableFuture<Throwable> gaveUp = new CompletableFuture<>();
      Go.go(() -> {
        try {
          pool.submit(ctx, () -> "never");
        } catch (Throwable t) {
          gaveUp.complete(t);
        }
      });
      CompletableFuture<String> blocked = new CompletableFuture<>();
      Go.go(() -> blocked.complete(pool.submit(() -> "after room").get()));
      awaitBlockedSubmitters(2);
      assertThat(gaveUp).isNotDone();
      assertThat(blocked).isNotDone();
      ctx.cancel();
      assertThat(gaveUp.get(10, TimeUnit.SECONDS)).isInstanceOf(ContextCanceledException.class);
      release.countDown();
      assertThat(blocked.get(10, TimeUnit.SECONDS)).isEqualTo("after room");
      assertThat(pool.stats().rejected()).isEqualTo(2);
    }
  }

  @Test
  void aQueueOfZeroIsAHandOffToAFreeWorker() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (WorkerPool pool = WorkerPool.create(2, 0); Releaser r = new Releaser(release)) {
      pool.submit(() -> release.await());
      pool.submit(() -> release.await());
      assertThat(pool.trySubmit(() -> "no free worker")).isNull();
      release.countDown();
      assertThat(pool.submit(() -> "a worker was free").get(10, TimeUnit.SECONDS))
          .isEqualTo("a worker was free");
    }
  }

  @Test
  void aFailingJobFailsItsFutureAndTheWorkerGoesOn() throws Exception {
    try (WorkerPool pool = WorkerPool.create(1, 10)) {
      IOException boom = new IOException("boom");
      WorkerPool.Job<String> failing =
          pool.submit(
              () -> {
                throw boom;
              });
      WorkerPool.Job<String> next = pool.submit(() -> "still working");
      assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCause(boom);
      assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo("still working");
      assertThat(pool.stats().failed()).isEqualTo(1);
    }
  }

  @Test
  void aPanicInAFireAndForgetJobIsReportedAndTheWorkerGoesOn() throws Exception {
    CompletableFuture<Throwable> reported = new CompletableFuture<>();
    Go.setPanicHandler((t, e) -> reported.complete(e));
    IllegalStateException boom = new IllegalStateException("boom");
    try (WorkerPool pool = WorkerPool.create(1, 10)) {
      pool.go(
          () -> {
            throw boom;
          });
      assertThat(reported.get(10, TimeUnit.SECONDS)).isSameAs(boom);
      assertThat(pool.submit(() -> "next").get(10, TimeUnit.SECONDS)).isEqualTo("next");
      assertThat(pool.stats().failed()).isEqualTo(1);
    }
  }

  @Test
  void cancellingAQueuedJobMeansItNeverRunsAndARunningOneSeesItsContextEnd() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger queuedRan = new AtomicInteger();
    try (WorkerPool pool = WorkerPool.create(1, 10)) {
      WorkerPool.Job<String> running =
          pool.submit(
              ctx -> {
                started.countDown();
                Channel.make().receive(ctx); // until its context ends
                return "unreachable";
              });
      WorkerPool.Job<Integer> queued = pool.submit(queuedRan::incrementAndGet);
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(queued.cancel(true)).isTrue();
      assertThat(running.cancel(true)).isTrue();
      assertThatThrownBy(running::get).isInstanceOf(CancellationException.class);
      eventually("both counted", () -> pool.stats().cancelled() == 2);
    }
    assertThat(queuedRan.get()).isZero();
  }

  @Test
  void closeRunsEveryQueuedJobThenReturns() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    WorkerPool pool = WorkerPool.create(2, 1000);
    for (int i = 0; i < 500; i++) {
      pool.submit(
          () -> {
            Thread.sleep(0, 1000);
            return ran.incrementAndGet();
          });
    }
    pool.close();
    assertThat(ran.get()).isEqualTo(500);
    assertThat(pool.isTerminated()).isTrue();
    assertThatThrownBy(() -> pool.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> pool.trySubmit(() -> 1))
        .isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void shutdownWithADeadlineReturnsTheJobsThatNeverStarted() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    WorkerPool pool = WorkerPool.create(1, 10);
    WorkerPool.Job<String> running = pool.submit(() -> {
      release.await();
      return "finished";
    });
    List<WorkerPool.Job<Integer>> waiting = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      waiting.add(pool.submit(() -> n));
    }
    List<WorkerPool.Job<?>> unstarted =
        pool.shutdown(Context.withTimeout(Context.background(), Duration.ofMillis(50)));
    assertThat(unstarted).containsExactlyElementsOf(waiting);
    for (WorkerPool.Job<Integer> job : waiting) {
      assertThat(job.isCancelled()).isTrue();
    }
    assertThat(running).isNotDone(); // running jobs go on
    release.countDown();
    assertThat(running.get(10, TimeUnit.SECONDS)).isEqualTo("finished");
    pool.close();
    // the caller can keep the jobs: submit them again elsewhere
    try (WorkerPool other = WorkerPool.create(1, 10)) {
      assertThat(other.submit(unstarted.get(3).task()).get(10, TimeUnit.SECONDS)).isEqualTo(3);
    }
  }

  @Test
  void shutdownNowCancelsTheRunningJobsContexts() throws Exception {
    CountDownLatch started = new CountDownLatch(2);
    WorkerPool pool = WorkerPool.create(2, 10);
    List<WorkerPool.Job<String>> running = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      running.add(
          pool.submit(
              ctx -> {
                started.countDown();
                Channel.make().receive(ctx);
                return "unreachable";
              }));
    }
    WorkerPool.Job<String> waiting = pool.submit(() -> "never");
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(pool.shutdownNow()).containsExactly(waiting);
    pool.close();
    for (WorkerPool.Job<String> job : running) {
      assertThat(job.isCancelled()).isTrue();
    }
    assertThat(pool.stats().cancelled()).isEqualTo(3);
    assertThat(pool.stats().failed()).isZero();
  }

  @Test
  void aSubmitWaitingForRoomWhenShutdownBeginsIsRejected() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    WorkerPool pool = WorkerPool.create(1, 0);
    pool.submit(() -> release.await());
    CompletableFuture<Throwable> refused = new CompletableFuture<>();
    Go.go(() -> {
      try {
        pool.submit(() -> "never");
      } catch (Throwable t) {
        refused.complete(t);
      }
    });
    awaitBlockedSubmitters(1);
    Go.go(pool::close);
    assertThat(refused.get(10, TimeUnit.SECONDS)).isInstanceOf(RejectedExecutionException.class);
    release.countDown();
    eventually("terminated", pool::isTerminated);
  }

  @Test
  void anIdlePoolOfTenThousandWorkersHasNoGoroutine() throws Exception {
    int before = Go.numGoroutine();
    try (WorkerPool pool =
        WorkerPool.builder()
            .maxWorkers(10_000)
            .queueCapacity(10_000)
            .keepAlive(Duration.ofMillis(10))
            .build()) {
      for (int i = 0; i < 1000; i++) {
        pool.submit(() -> 1);
      }
      eventually("the workers returned", () -> pool.stats().workers() == 0);
      assertThat(Go.numGoroutine()).isLessThanOrEqualTo(before);
    }
  }

  @Test
  void resizingChangesHowManyRunAtOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger now = new AtomicInteger();
    try (WorkerPool pool = WorkerPool.create(1, 100); Releaser r = new Releaser(release)) {
      for (int i = 0; i < 6; i++) {
        pool.submit(
            () -> {
              now.incrementAndGet();
              release.await();
              return now.decrementAndGet();
            });
      }
      eventually("one runs", () -> now.get() == 1);
      pool.setMaxWorkers(4);
      eventually("four run", () -> now.get() == 4);
      assertThat(pool.stats().queued()).isEqualTo(2);
      pool.setMaxWorkers(2);
      assertThat(pool.maxWorkers()).isEqualTo(2);
      release.countDown();
    }
    assertThatThrownBy(() -> WorkerPool.create(1, 1).setMaxWorkers(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void statsCountEveryOutcomeAndTheQueueWait() throws Exception {
    WorkerPool pool = WorkerPool.create(1, 10);
    CountDownLatch gate = new CountDownLatch(1);
    pool.submit(
        () -> {
          gate.await();
          return 1;
        });
    pool.submit(() -> 2);
    long queuedBy = System.nanoTime(); // the second job waits from before this...
    pool.submit(
        () -> {
          throw new IOException("x");
        });
    Thread.sleep(20); // elapsed time is what is measured here, not a stand-in for an event
    long openedAt = System.nanoTime(); // ...until after this: the only worker is held until then
    gate.countDown();
    pool.close();
    WorkerPool.Stats s = pool.stats();
    assertThat(s.completed()).isEqualTo(2);
    assertThat(s.failed()).isEqualTo(1);
    assertThat(s.queued()).isZero();
    assertThat(s.running()).isZero();
    assertThat(s.maxQueueWait()).isGreaterThanOrEqualTo(Duration.ofNanos(openedAt - queuedBy));
  }

  @Test
  void badBoundsAreRefused() {
    assertThatThrownBy(() -> WorkerPool.create(0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxWorkers");
    assertThatThrownBy(() -> WorkerPool.create(1, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queueCapacity");
  }
}
