package dev.runnel.debug;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.Go;
import dev.runnel.GoFunc;
import dev.runnel.UncheckedInterruptedException;
import dev.runnel.testkit.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real goroutines ({@code Go.go}, which the detectors count, unlike the testkit's daemon or plain
 * virtual threads) for the detector tests: each start returns the goroutine's thread and id, an
 * interrupt ends a body quietly, and {@link #joinAll} fails the test if one is left running or
 * threw anything else.
 */
final class TestGoroutines {

  /** A started goroutine. */
  record Started(Thread thread, long id) {}

  private final List<Started> started = new ArrayList<>();
  private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

  /**
   * The non-daemon platform threads other than the caller: the deadlock detector counts them, so
   * one that is not blocked in Runnel hides every deadlock. JUnit's {@code @Timeout} starts such a
   * thread ({@code junit-jupiter-timeout-watcher}, non-daemon, alive for the rest of the run), which
   * is why these test classes bound their waits without {@code @Timeout}.
   */
  static List<String> otherCountedPlatformThreads() {
    Thread me = Thread.currentThread();
    return ThreadInspector.platformThreads().stream()
        .filter(t -> t != me && !t.isDaemon() && !t.getName().equals("DestroyJavaVM"))
        .filter(t -> !t.getName().equals(JUNIT_TIMEOUT_WATCHER))
        .filter(t -> t.getState() != Thread.State.WAITING && t.getState() != Thread.State.BLOCKED)
        .map(t -> t.getName() + " " + t.getState())
        .toList();
  }

  /** JUnit's {@code @Timeout} thread: non-daemon, in a timed wait while a cancelled timeout lingers. */
  static final String JUNIT_TIMEOUT_WATCHER = "junit-jupiter-timeout-watcher";

  /**
   * Skips a test that needs the detector to see a deadlock when such a thread exists. JUnit's
   * timeout watcher is ignored, as the testing module's deadlock extension does.
   */
  static void assumeDeadlocksCanBeSeen() {
    DeadlockDetector.ignoreThreads(t -> t.getName().equals(JUNIT_TIMEOUT_WATCHER));
    List<String> others = otherCountedPlatformThreads();
    Assumptions.assumeTrue(
        others.isEmpty(),
        () -> "non-daemon platform threads outside Runnel hide every deadlock: " + others);
  }

  /**
   * Interrupts the calling thread after {@code patience} unless closed first: the bound on a test
   * thread's wait with no deadline (a daemon thread, which the deadlock detector does not count).
   */
  static AutoCloseable interruptAfter(Duration patience) {
    Thread target = Thread.currentThread();
    Thread guard =
        Thread.ofPlatform()
            .daemon()
            .name("test-guard")
            .start(
                () -> {
                  try {
                    Thread.sleep(patience);
                    target.interrupt();
                  } catch (InterruptedException closed) {
                    // closed in time
                  }
                });
    return () -> {
      guard.interrupt();
      guard.join();
      Thread.interrupted(); // a late guard must not leave a flag behind
    };
  }

  /** Starts {@code body} in a goroutine and returns once it runs. */
  Started go(GoFunc body) {
    CompletableFuture<Started> self = new CompletableFuture<>();
    Go.go(
        () -> {
          self.complete(new Started(Thread.currentThread(), Go.goroutineId()));
          try {
            body.run();
          } catch (InterruptedException | UncheckedInterruptedException e) {
            // the test's way to end a goroutine it left blocked
          } catch (Throwable t) {
            failures.add(t);
          }
        });
    try {
      Started s = self.get(Threads.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      started.add(s);
      return s;
    } catch (Exception e) {
      throw new AssertionError("goroutine did not start", e);
    }
  }

  /** Starts {@code body} in a goroutine and waits until it is parked in a Runnel wait. */
  Started goBlocked(GoFunc body) {
    Started s = go(body);
    Threads.awaitParked(s.thread());
    return s;
  }

  /** Interrupts every goroutine started that is still alive. */
  void interruptAll() {
    for (Started s : started) {
      s.thread().interrupt();
    }
  }

  /** Waits (bounded) until every goroutine started has ended, and checks none failed. */
  void joinAll() throws InterruptedException {
    long deadline = System.nanoTime() + Threads.PATIENCE.toNanos();
    for (Started s : started) {
      long left = Math.max(1, deadline - System.nanoTime());
      s.thread().join(Duration.ofNanos(left));
      assertThat(s.thread().isAlive()).as("goroutine %d still alive: %s", s.id(), s.thread()).isFalse();
    }
    started.clear();
    assertThat(failures).as("goroutines that threw").isEmpty();
  }
}
