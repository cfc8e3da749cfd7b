package dev.runnel.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.debug.TestGoroutines.Started;
import dev.runnel.internal.LockTracker;
import dev.runnel.sync.Mutex;
import dev.runnel.sync.RWMutex;
import dev.runnel.testkit.Threads;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Waits for a Runnel lock longer than the threshold are reported once, with the holders and
 * their stacks. No {@code @Timeout} (see {@link DeadlockDetectorTest}): every wait is bounded.
 */
class LongWaitDetectorTest {

  private final TestGoroutines goroutines = new TestGoroutines();
  private final LinkedBlockingQueue<LongWait> reports = new LinkedBlockingQueue<>();

  @AfterEach
  void cleanUp() throws InterruptedException {
    LongWaitDetector.disable();
    goroutines.interruptAll();
    goroutines.joinAll();
  }

  /** Holds {@code mu} while blocked on a channel receive until {@code release} is closed. */
  static void holdWhileReceiving(Mutex mu, Channel<Boolean> release) throws InterruptedException {
    mu.lock();
    try {
      release.receive();
    } finally {
      mu.unlock();
    }
  }

  static void readWhileReceiving(RWMutex rw, Channel<Boolean> release)
      throws InterruptedException {
    rw.readLock();
    try {
      release.receive();
    } finally {
      rw.readUnlock();
    }
  }

  private LongWait nextReport() throws InterruptedException {
    LongWait w = reports.poll(Threads.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(w).as("a long-wait report within %s", Threads.PATIENCE).isNotNull();
    return w;
  }

  @Test
  void mutexWaitLongerThanThresholdIsReportedOnceWithTheHolderAndItsStack() throws Exception {
    LongWaitDetector.enable(Duration.ofMillis(100), reports::add);
    assertThat(LongWaitDetector.isEnabled()).isTrue();
    Mutex mu = new Mutex();
    Channel<Boolean> release = Channel.make();
    Started holder = goroutines.goBlocked(() -> holdWhileReceiving(mu, release));
    Started waiter =
        goroutines.goBlocked(
            () -> {
              mu.lock();
              mu.unlock();
            });
    try {
      LongWait w = nextReport();

      assertThat(w.lock()).isEqualTo(ThreadInspector.name(mu));
      assertThat(w.waiter().id()).isEqualTo(waiter.id());
      assertThat(w.waiter().state()).isEqualTo("sync.Mutex.Lock");
      assertThat(w.waiter().waiting()).isGreaterThanOrEqualTo(Duration.ofMillis(100));
      assertThat(w.holders()).extracting(GoroutineInfo::id).containsExactly(holder.id());
      GoroutineInfo h = w.holders().get(0);
      assertThat(h.state()).isEqualTo("chan receive");
      assertThat(h.stackContains(LongWaitDetectorTest.class.getName() + ".holdWhileReceiving"))
          .as("holder stack %s", h.stack())
          .isTrue();
      assertThat(w.toString())
          .startsWith(
              "long wait: goroutine "
                  + waiter.thread().getName().substring("goroutine-".length())
                  + " has waited ")
          .contains(" ms for " + ThreadInspector.name(mu) + "\n\n")
          .contains("goroutine " + waiter.id() + " [sync.Mutex.Lock")
          .contains("held by:\ngoroutine " + holder.id() + " [chan receive");

      // several more scans (every threshold / 4) while the same wait goes on
      LongWait again = reports.poll(500, TimeUnit.MILLISECONDS);
      assertThat(again).as("the same wait reported again").isNull();
    } finally {
      release.close();
    }
    goroutines.joinAll();
    assertThat(reports).isEmpty();
  }

  @Test
  void rwMutexWriterWaitingForReadersListsTheReaders() throws Exception {
    LongWaitDetector.enable(Duration.ofMillis(100), reports::add);
    RWMutex rw = new RWMutex();
    Channel<Boolean> release = Channel.make();
    Started r1 = goroutines.goBlocked(() -> readWhileReceiving(rw, release));
    Started r2 = goroutines.goBlocked(() -> readWhileReceiving(rw, release));
    Started writer =
        goroutines.goBlocked(
            () -> {
              rw.lock();
              rw.unlock();
            });
    try {
      LongWait w = nextReport();

      assertThat(w.lock()).isEqualTo(ThreadInspector.name(rw));
      assertThat(w.waiter().id()).isEqualTo(writer.id());
      assertThat(w.waiter().state()).isEqualTo("sync.RWMutex.Lock");
      assertThat(w.holders()).extracting(GoroutineInfo::id).containsExactlyInAnyOrder(r1.id(), r2.id());
      assertThat(w.holders()).extracting(GoroutineInfo::state).containsOnly("chan receive");
    } finally {
      release.close();
    }
  }

  @Test
  void readerWaitingForAWriterIsReportedWithTheWriter() throws Exception {
    LongWaitDetector.enable(Duration.ofMillis(100), reports::add);
    RWMutex rw = new RWMutex();
    Channel<Boolean> release = Channel.make();
    Started writer =
        goroutines.goBlocked(
            () -> {
              rw.lock();
              try {
                release.receive();
              } finally {
                rw.unlock();
              }
            });
    Started reader =
        goroutines.goBlocked(
            () -> {
              rw.readLock();
              rw.readUnlock();
            });
    try {
      LongWait w = nextReport();
      assertThat(w.waiter().id()).isEqualTo(reader.id());
      assertThat(w.waiter().state()).isEqualTo("sync.RWMutex.RLock");
      assertThat(w.holders()).extracting(GoroutineInfo::id).containsExactly(writer.id());
    } finally {
      release.close();
    }
  }

  @Test
  void waitShorterThanTheThresholdIsNotReported() throws Exception {
    // threshold 2 s, scans every 500 ms; the wait lasts about 700 ms, so scans see it waiting
    LongWaitDetector.enable(Duration.ofSeconds(2), reports::add);
    Mutex mu = new Mutex();
    Channel<Boolean> release = Channel.make();
    goroutines.goBlocked(() -> holdWhileReceiving(mu, release));
    Started waiter =
        goroutines.goBlocked(
            () -> {
              mu.lock();
              mu.unlock();
            });
    LockSupport.parkNanos(Duration.ofMillis(700).toNanos()); // the wait's length, not a sync
    release.close();
    waiter.thread().join(Threads.PATIENCE);
    goroutines.joinAll();
    assertThat(reports).isEmpty();
  }

  @Test
  void lockTakenBeforeEnablingHasNoKnownHolder() throws Exception {
    Mutex mu = new Mutex();
    mu.lock(); // before detection: no holder recorded
    try {
      LongWaitDetector.enable(Duration.ofMillis(100), reports::add);
      Started waiter =
          goroutines.goBlocked(
              () -> {
                mu.lock();
                mu.unlock();
              });
      LongWait w = nextReport();
      assertThat(w.waiter().id()).isEqualTo(waiter.id());
      assertThat(w.holders()).isEmpty();
      assertThat(w.toString()).contains("held by: unknown (locked before detection was enabled)");
    } finally {
      mu.unlock();
    }
  }

  @Test
  void disableTurnsTrackingOffAndStopsReports() throws Exception {
    LongWaitDetector.enable(Duration.ofMillis(100), reports::add);
    assertThat(LockTracker.on).isTrue();
    LongWaitDetector.disable();
    assertThat(LongWaitDetector.isEnabled()).isFalse();
    assertThat(LockTracker.on).isFalse();

    Mutex mu = new Mutex();
    Channel<Boolean> release = Channel.make();
    goroutines.goBlocked(() -> holdWhileReceiving(mu, release));
    goroutines.goBlocked(
        () -> {
          mu.lock();
          mu.unlock();
        });
    try {
      assertThat(reports.poll(300, TimeUnit.MILLISECONDS)).isNull();
    } finally {
      release.close();
    }
  }

  @Test
  void bothDetectorsShareTrackingAndItStaysOnUntilBothAreOff() {
    LongWaitDetector.enable(Duration.ofSeconds(1), reports::add);
    LockOrderDetector.enable(v -> {});
    try {
      LongWaitDetector.disable();
      assertThat(LockTracker.on).as("the lock-order detector still needs it").isTrue();
    } finally {
      LockOrderDetector.disable();
    }
    assertThat(LockTracker.on).isFalse();
  }

  @Test
  void enableRejectsNonPositiveThresholdAndNullHandler() {
    assertThatThrownBy(() -> LongWaitDetector.enable(Duration.ZERO, reports::add))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LongWaitDetector.enable(Duration.ofSeconds(-1), reports::add))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LongWaitDetector.enable(Duration.ofSeconds(1), null))
        .isInstanceOf(NullPointerException.class);
    assertThat(LongWaitDetector.isEnabled()).isFalse();
    assertThat(LockTracker.on).isFalse();
  }
}
