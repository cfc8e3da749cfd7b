package dev.runnel.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.Go;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * The wide mode of the leak check: virtual threads that Runnel did not start, which the default
 * mode does not see.
 */
@Timeout(60)
class AllVirtualThreadsLeakTest {

  private static final LeakOptions QUICK =
      LeakOptions.defaults().withRetryBudget(Duration.ofMillis(50));

  @Test
  void aPlainVirtualThreadPassesTheDefaultCheckAndFailsTheWideOne() throws Exception {
    GoroutineLeaks.Mark mark = GoroutineLeaks.markAll();
    CountDownLatch gate = new CountDownLatch(1);
    Thread leaked = Thread.ofVirtual().name("plain-leak").start(() -> awaitQuietly(gate));
    try {
      awaitWaiting(leaked);
      GoroutineLeaks.verifyNone(mark, QUICK); // goroutines only: not seen

      assertThatThrownBy(() -> GoroutineLeaks.verifyNone(mark, QUICK.includeAllVirtualThreads()))
          .isInstanceOf(AssertionError.class)
          .hasMessageStartingWith("found 1 leaked goroutine:\n\nthread \"plain-leak\" [waiting]:")
          .hasMessageContaining("AllVirtualThreadsLeakTest.awaitQuietly");
    } finally {
      gate.countDown();
    }
    leaked.join();
    GoroutineLeaks.verifyNone(mark, QUICK.includeAllVirtualThreads());
  }

  @Test
  void theWideModeReportsGoroutinesOnceAndThreadsCreatedBeforeTheMarkNever() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    Thread before = Thread.ofVirtual().name("before-mark").start(() -> awaitQuietly(gate));
    Channel<Void> release = Channel.make();
    try {
      awaitWaiting(before);
      GoroutineLeaks.Mark mark = GoroutineLeaks.markAll();
      Go.go(() -> release.receive());
      Thread unnamed = Thread.ofVirtual().start(() -> awaitQuietly(gate));
      awaitWaiting(unnamed);
      Samples.awaitState(mark.goroutineId(), "chan receive");

      var leaks = GoroutineLeaks.findLeaks(mark, QUICK.includeAllVirtualThreads()).goroutines();
      assertThat(leaks).extracting(g -> g.name())
          .containsExactlyInAnyOrder(
              "goroutine-" + (mark.goroutineId() + 1), "virtual thread #" + unnamed.threadId());
      // ignore rules apply to the other threads too
      assertThat(
              GoroutineLeaks.findLeaks(
                      mark, QUICK.includeAllVirtualThreads().ignoreNames("virtual thread #.*"))
                  .goroutines())
          .hasSize(1);
    } finally {
      gate.countDown();
      release.close();
    }
  }

  @Test
  void theWideModeNeedsAMarkOfBothKinds() {
    assertThatThrownBy(
            () ->
                GoroutineLeaks.verifyNone(
                    GoroutineLeaks.mark(), LeakOptions.defaults().includeAllVirtualThreads()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("markAll()");
  }

  /** Released by the outer test: the sample's leaked plain virtual thread waits on it. */
  static CountDownLatch sampleGate;

  @Sample
  @CheckGoroutineLeaks(retryMillis = 100, allVirtualThreads = true)
  static class LeaksAPlainVirtualThread {
    @Test
    void startsAThreadThatOutlivesTheTest() throws InterruptedException {
      CountDownLatch gate = sampleGate;
      awaitWaiting(Thread.ofVirtual().name("sample-leak").start(() -> awaitQuietly(gate)));
    }
  }

  @Test
  void theAnnotationsWideModeFailsATestThatLeaksAPlainVirtualThread() {
    sampleGate = new CountDownLatch(1);
    try {
      EngineExecutionResults results = Samples.run(LeaksAPlainVirtualThread.class);

      results.testEvents().assertStatistics(s -> s.started(1).failed(1));
      assertThat(Samples.onlyFailure(results.testEvents()).getMessage())
          .startsWith("found 1 leaked goroutine:\n\nthread \"sample-leak\" [waiting]:");
    } finally {
      sampleGate.countDown();
    }
  }

  private static void awaitQuietly(CountDownLatch gate) {
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitWaiting(Thread t) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (t.getState() != Thread.State.WAITING) {
      assertThat(System.nanoTime() - deadline).as("%s did not block", t).isNegative();
      Thread.sleep(1); // another thread's state: there is no event to wait for
    }
  }
}
