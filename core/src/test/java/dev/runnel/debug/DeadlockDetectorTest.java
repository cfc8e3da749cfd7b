package dev.runnel.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.Select;
import dev.runnel.debug.TestGoroutines.Started;
import dev.runnel.internal.SystemTime;
import dev.runnel.sync.Mutex;
import dev.runnel.sync.WaitGroup;
import dev.runnel.testkit.Threads;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Go's "all goroutines are asleep" for Runnel: true positives by {@link DeadlockDetector#check()}
 * (the calling test thread does not count), the report's text, and the background mode with the
 * test thread itself blocked. The false-positive cases are in {@link NoFalsePositivesTest}.
 *
 * <p>No {@code @Timeout}: JUnit's timeout watcher is a non-daemon platform thread that the
 * detector counts, which would hide every deadlock (see {@link
 * TestGoroutines#otherCountedPlatformThreads}); waits are bounded instead.
 */
class DeadlockDetectorTest {

  private final TestGoroutines goroutines = new TestGoroutines();

  @BeforeEach
  void quietClock() {
    TestGoroutines.assumeDeadlocksCanBeSeen();
    awaitNoPendingTimer();
  }

  @AfterEach
  void cleanUp() throws InterruptedException {
    DeadlockDetector.disable();
    goroutines.interruptAll();
    goroutines.joinAll();
    Thread.interrupted();
  }

  /**
   * A timer left by an earlier test (a Time.after that has not fired yet) rightly keeps the
   * detector quiet; wait until the system clock has none, so that a true positive can show.
   */
  static void awaitNoPendingTimer() {
    Threads.eventually(
        "the system clock has no pending timer", () -> !SystemTime.INSTANCE.queue().pending());
  }

  /** The report, checked once: fails if the detector finds nothing. */
  private static DeadlockReport deadlock() {
    Optional<DeadlockReport> report = DeadlockDetector.check();
    assertThat(report).as("a deadlock report; dump now:\n%s", GoroutineDump.take()).isPresent();
    return report.get();
  }

  private static GoroutineInfo entry(DeadlockReport report, Started g) {
    return report.dump().goroutines().stream()
        .filter(i -> i.id() == g.id())
        .findFirst()
        .orElseThrow(() -> new AssertionError("goroutine " + g.id() + " not in\n" + report));
  }

  // ------------------------------------------------------------------ environment

  @Test
  void surefireJvmHasNoOtherNonDaemonPlatformThreadThatWouldHideDeadlocks() {
    // only reached when assumeDeadlocksCanBeSeen passed: documents the precondition in the report
    assertThat(TestGoroutines.otherCountedPlatformThreads()).as("non-daemon platform threads besides the test thread").isEmpty();
  }

  // ------------------------------------------------------------------ true positives

  @Test
  void twoGoroutinesReceivingFromEachOthersChannelAreReported() throws Exception {
    Channel<Integer> a = Channel.make();
    Channel<Integer> b = Channel.make();
    Started first = goroutines.goBlocked(() -> b.send(a.receive()));
    Started second = goroutines.goBlocked(() -> a.send(b.receive()));

    DeadlockReport report = deadlock();

    assertThat(report.threads()).containsExactlyInAnyOrder(first.thread(), second.thread());
    assertThat(entry(report, first).state()).isEqualTo("chan receive");
    assertThat(entry(report, second).state()).isEqualTo("chan receive");
    assertThat(report.dump().goroutines()).hasSize(2);
  }

  @Test
  void reportTextIsGoFatalErrorThenBlankLineThenDumpNamingEachGoroutineAndReason()
      throws Exception {
    Channel<Integer> a = Channel.make();
    Channel<Integer> b = Channel.make();
    Started first = goroutines.goBlocked(() -> b.send(a.receive()));
    Started second = goroutines.goBlocked(() -> a.send(b.receive()));

    DeadlockReport report = deadlock();
    String text = report.toString();

    assertThat(text)
        .startsWith("fatal error: all goroutines are asleep - deadlock!\n\n")
        .isEqualTo(DeadlockReport.MESSAGE + "\n\n" + report.dump())
        .contains("goroutine " + first.id() + " [chan receive]:\n")
        .contains("goroutine " + second.id() + " [chan receive]:\n")
        .contains("DeadlockDetectorTest");
  }

  @Test
  void waitGroupWaitNobodyDecrementsIsReported() throws Exception {
    WaitGroup wg = new WaitGroup();
    wg.add(1);
    Started waiter = goroutines.goBlocked(wg::await);

    DeadlockReport report = deadlock();

    wg.done(); // releases the waiter, whatever the assertions say
    assertThat(entry(report, waiter).state()).isEqualTo("sync.WaitGroup.Wait");
    assertThat(report.toString()).contains("goroutine " + waiter.id() + " [sync.WaitGroup.Wait]:");
  }

  @Test
  void mutexRelockedByItsHolderIsReported() throws Exception {
    Mutex mu = new Mutex();
    CountDownLatch locked = new CountDownLatch(1);
    Started self =
        goroutines.go(
            () -> {
              mu.lock();
              locked.countDown();
              mu.lock(); // not reentrant: waits for itself
              mu.unlock();
            });
    try {
      assertThat(locked.await(5, TimeUnit.SECONDS)).isTrue();
      Threads.awaitParked(self.thread());

      DeadlockReport report = deadlock();

      assertThat(entry(report, self).state()).isEqualTo("sync.Mutex.Lock");
    } finally {
      mu.unlock(); // any goroutine may unlock: hands the lock to the second lock() call
    }
  }

  @Test
  void selectWithNoReadyCaseOnUnusedChannelsIsReported() throws Exception {
    Channel<Integer> a = Channel.make();
    Channel<String> b = Channel.make(1);
    Started selecting =
        goroutines.goBlocked(
            () -> Select.select().onReceive(a, v -> {}).onReceive(b, v -> {}).run());

    DeadlockReport report = deadlock();

    a.close(); // a closed channel's case is ready: the select returns
    assertThat(entry(report, selecting).state()).isEqualTo("select");
  }

  @Test
  void aSecondCheckOfTheSameDeadlockReportsItAgain() throws Exception {
    // check() is stateless: only the background mode reports a deadlock once
    Channel<Integer> never = Channel.make();
    goroutines.goBlocked(never::receive);
    assertThat(DeadlockDetector.check()).isPresent();
    assertThat(DeadlockDetector.check()).isPresent();
  }

  @Test
  void goroutineThatEndedIsNotInTheReport() throws Exception {
    Channel<Integer> never = Channel.make();
    Started blocked = goroutines.goBlocked(never::receive);
    Started quick = goroutines.go(() -> {});
    quick.thread().join(Threads.PATIENCE);

    DeadlockReport report = deadlock();

    assertThat(report.dump().goroutines()).extracting(GoroutineInfo::id).containsExactly(blocked.id());
  }

  // ------------------------------------------------------------------ background mode

  @Test
  void backgroundDetectorReportsWithTheTestThreadBlockedAndTheHandlerWakesIt()
      throws Exception {
    Thread me = Thread.currentThread();
    Channel<Integer> a = Channel.make();
    Channel<Integer> b = Channel.make();
    Started first = goroutines.goBlocked(() -> b.send(a.receive()));
    Started second = goroutines.goBlocked(() -> a.send(b.receive()));
    // The handler's only way to end the test thread's wait: hand it the report.
    Channel<DeadlockReport> reports = Channel.make(16);
    DeadlockDetector.enable(Duration.ofMillis(20), r -> reports.trySend(r));
    assertThat(DeadlockDetector.isEnabled()).isTrue();

    DeadlockReport report;
    try (AutoCloseable bound = TestGoroutines.interruptAfter(Duration.ofSeconds(10))) {
      report = reports.receive(); // no deadline: blocked for good until reported
    }

    assertThat(report.threads()).contains(first.thread(), second.thread());
    if (!me.isVirtual() && !me.isDaemon()) {
      // the test thread counts (non-daemon platform thread) and appears as a thread, not a goroutine
      assertThat(report.threads()).contains(me);
      assertThat(report.toString()).contains("thread \"" + me.getName() + "\" [chan receive]:");
    }
    assertThat(report.toString()).startsWith(DeadlockReport.MESSAGE + "\n\n");
  }

  @Test
  void backgroundDetectorReportsTheSameDeadlockOnce() throws Exception {
    Channel<Integer> a = Channel.make();
    Channel<Integer> b = Channel.make();
    goroutines.goBlocked(() -> b.send(a.receive()));
    goroutines.goBlocked(() -> a.send(b.receive()));
    LinkedBlockingQueue<DeadlockReport> seen = new LinkedBlockingQueue<>();
    Channel<Boolean> wake = Channel.make(1);
    CountDownLatch firstReport = new CountDownLatch(1);
    // A daemon thread (not counted) ends the test thread's wait some 15 intervals after the first
    // report, leaving the same set of waiters blocked that long.
    Thread.ofPlatform()
        .daemon()
        .name("wake-test-thread")
        .start(
            () -> {
              try {
                firstReport.await();
                LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
              } catch (InterruptedException e) {
                // fall through: wake anyway
              }
              wake.trySend(true);
            });
    DeadlockDetector.enable(
        Duration.ofMillis(20),
        r -> {
          seen.add(r);
          firstReport.countDown();
        });

    try (AutoCloseable bound = TestGoroutines.interruptAfter(Duration.ofSeconds(10))) {
      wake.receive();
    }
    DeadlockDetector.disable();

    assertThat(seen).as("reports of one deadlock").hasSize(1);
  }

  @Test
  void disabledDetectorDoesNotReport() throws Exception {
    Channel<Integer> never = Channel.make();
    goroutines.goBlocked(never::receive);
    LinkedBlockingQueue<DeadlockReport> seen = new LinkedBlockingQueue<>();
    DeadlockDetector.enable(Duration.ofMillis(20), seen::add);
    DeadlockDetector.disable();
    assertThat(DeadlockDetector.isEnabled()).isFalse();
    // the test thread runs here, so the detector would not report anyway: this checks that
    // disable() waits for a check under way and nothing is reported after it
    assertThat(seen.poll(100, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void enableRejectsNonPositiveIntervalAndNullHandler() {
    assertThatThrownBy(() -> DeadlockDetector.enable(Duration.ZERO, r -> {}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DeadlockDetector.enable(Duration.ofMillis(-1), r -> {}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DeadlockDetector.enable(Duration.ofMillis(10), null))
        .isInstanceOf(NullPointerException.class);
    assertThat(DeadlockDetector.isEnabled()).isFalse();
  }

  @Test
  void aPlatformThreadInATimedWaitPreventsAReportUntilIgnored() throws Exception {
    Channel<Integer> never = Channel.make();
    goroutines.goBlocked(never::receive);
    {
      CountDownLatch stop = new CountDownLatch(1);
      Thread ticking =
          Thread.ofPlatform()
              .name("ticking")
              .start(
                  () -> {
                    try {
                      while (!stop.await(10, TimeUnit.MILLISECONDS)) {
                        // a scheduler's thread: it wakes by itself and could feed a channel
                      }
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
      try {
        assertThat(DeadlockDetector.check()).as("a thread that wakes by itself").isEmpty();
        DeadlockDetector.ignoreThreads(
            t -> t == ticking || t.getName().equals(TestGoroutines.JUNIT_TIMEOUT_WATCHER));
        assertThat(DeadlockDetector.check()).as("the same thread, ignored").isPresent();
      } finally {
        stop.countDown();
        ticking.join();
        DeadlockDetector.ignoreThreads( // the suite's rule, as assumeDeadlocksCanBeSeen sets it
            t -> t.getName().equals(TestGoroutines.JUNIT_TIMEOUT_WATCHER));
        never.close();
      }
    }
  }

  @Test
  void aPlatformThreadWaitingOutsideRunnelPreventsAReportUntilIgnored() throws Exception {
    Channel<Integer> never = Channel.make();
    goroutines.goBlocked(never::receive);
    CountDownLatch stop = new CountDownLatch(1);
    Thread idle =
        Thread.ofPlatform()
            .name("idle-pool-thread")
            .start(
                () -> {
                  try {
                    stop.await(); // an idle pool thread: whoever submits work could feed a channel
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    try {
      Threads.eventually("idle parked", () -> idle.getState() == Thread.State.WAITING);
      assertThat(DeadlockDetector.check()).as("an idle platform thread could still act").isEmpty();
      DeadlockDetector.ignoreThreads(
          t -> t == idle || t.getName().equals(TestGoroutines.JUNIT_TIMEOUT_WATCHER));
      assertThat(DeadlockDetector.check()).as("the same thread, ignored").isPresent();
    } finally {
      DeadlockDetector.ignoreThreads(
          t -> t.getName().equals(TestGoroutines.JUNIT_TIMEOUT_WATCHER));
      stop.countDown();
      idle.join();
      never.close();
    }
  }

  @Test
  void aVirtualThreadRunnelDidNotStartPreventsAReportWhileItRuns() throws Exception {
    Channel<Integer> never = Channel.make();
    goroutines.goBlocked(never::receive);
    CountDownLatch stop = new CountDownLatch(1);
    // A plain virtual thread (an executor's, say), busy: it could send on `never` next.
    Thread busy =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (stop.getCount() > 0) {
                    Thread.onSpinWait();
                  }
                });
    try {
      assertThat(DeadlockDetector.check()).as("a plain virtual thread that runs").isEmpty();
    } finally {
      stop.countDown();
      busy.join();
    }
    // The same kind of thread parked in a Runnel wait is part of the deadlock, not a way out.
    Thread stuck =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    never.receive();
                  } catch (InterruptedException e) {
                    // released by the test
                  }
                });
    try {
      Threads.awaitParked(stuck);
      assertThat(DeadlockDetector.check()).as("a plain virtual thread parked in Runnel").isPresent();
    } finally {
      stuck.interrupt();
      stuck.join();
      never.close();
    }
  }
}
