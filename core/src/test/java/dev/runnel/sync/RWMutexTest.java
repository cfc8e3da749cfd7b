package dev.runnel.sync;

import static dev.runnel.testkit.Threads.awaitParked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Go's documented {@code sync.RWMutex} behaviour: shared readers, exclusive, preferred writers. */
@Timeout(10)
class RWMutexTest {

  private static final String RUNLOCK_UNLOCKED = "sync: RUnlock of unlocked RWMutex (readUnlock)";
  private static final String UNLOCK_UNLOCKED = "sync: Unlock of unlocked RWMutex";

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void readersHoldTheLockTogether(Runner runner) throws Exception {
    RWMutex rw = new RWMutex();
    int n = 4;
    CountDownLatch allIn = new CountDownLatch(n);
    CountDownLatch leave = new CountDownLatch(1);
    List<Task<Void>> readers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      readers.add(
          runner.run(
              () -> {
                rw.readLock();
                try {
                  allIn.countDown();
                  assertThat(leave.await(5, TimeUnit.SECONDS)).isTrue();
                } finally {
                  rw.readUnlock();
                }
              }));
    }
    assertThat(allIn.await(5, TimeUnit.SECONDS)).as("all readers inside at once").isTrue();
    assertThat(rw.readers()).isEqualTo(n);
    assertThat(rw.tryLock()).isFalse();
    assertThat(rw.tryReadLock()).isTrue();
    rw.readUnlock();
    leave.countDown();
    for (Task<Void> r : readers) {
      r.join();
    }
    assertThat(rw.readers()).isZero();
    assertThat(rw.tryLock()).isTrue();
    rw.unlock();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void writerExcludesReadersAndWriters(Runner runner) throws Exception {
    RWMutex rw = new RWMutex();
    rw.lock();
    assertThat(rw.isWriteLocked()).isTrue();
    assertThat(rw.tryReadLock()).isFalse();
    assertThat(rw.tryLock()).isFalse();
    Task<Void> reader = runner.run(rw::readLock);
    Waiter rWait = awaitParked(reader.thread());
    assertThat(rWait.reason()).isEqualTo(WaitReason.RW_MUTEX_READ_LOCK);
    assertThat(rWait.waitingOn()).isSameAs(rw);
    Task<Void> writer = runner.run(rw::lock);
    Waiter wWait = awaitParked(writer.thread());
    assertThat(wWait.reason()).isEqualTo(WaitReason.RW_MUTEX_LOCK);
    assertThat(wWait.waitingOn()).isSameAs(rw);

    rw.unlock(); // readers waiting for this writer go first; the next writer waits for them
    reader.join();
    assertThat(rw.readers()).isEqualTo(1);
    awaitParked(writer.thread());
    assertThat(writer.isDone()).isFalse();
    rw.readUnlock(); // on the reader's behalf: any goroutine may
    writer.join();
    assertThat(rw.isWriteLocked()).isTrue();
    assertThat(rw.tryReadLock()).isFalse();
    rw.unlock();
    assertThat(rw.isWriteLocked()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedWriterStopsNewReaders(Runner runner) throws Exception {
    RWMutex rw = new RWMutex();
    rw.readLock();
    rw.readLock(); // two read holds
    Task<Void> writer = runner.run(rw::lock);
    awaitParked(writer.thread());
    assertThat(rw.tryReadLock()).as("a waiting writer stops new readers").isFalse();

    Task<Void> lateReader = runner.run(rw::readLock);
    Waiter w = awaitParked(lateReader.thread());
    assertThat(w.reason()).isEqualTo(WaitReason.RW_MUTEX_READ_LOCK);
    assertThat(w.waitingOn()).isSameAs(rw);

    rw.readUnlock();
    awaitParked(writer.thread());
    assertThat(writer.isDone()).as("one read hold remains").isFalse();
    rw.readUnlock();
    writer.join();
    assertThat(rw.isWriteLocked()).isTrue();
    awaitParked(lateReader.thread());
    assertThat(lateReader.isDone()).as("still waiting while the writer holds").isFalse();

    rw.unlock();
    lateReader.join();
    assertThat(rw.readers()).isEqualTo(1);
    assertThat(rw.isWriteLocked()).isFalse();
    rw.readUnlock();
    assertThat(rw.tryLock()).isTrue();
    rw.unlock();
  }

  @Test
  void readUnlockOfUnlockedThrowsAndLeavesItUsable() {
    RWMutex rw = new RWMutex();
    assertThatThrownBy(rw::readUnlock)
        .isExactlyInstanceOf(IllegalMonitorStateException.class)
        .hasMessage(RUNLOCK_UNLOCKED);
    assertThat(rw.readers()).isZero();
    rw.readLock();
    rw.readUnlock();
    assertThatThrownBy(rw::readUnlock).hasMessage(RUNLOCK_UNLOCKED);
    // while write-locked there is no read hold to release either
    rw.lock();
    assertThatThrownBy(rw::readUnlock).hasMessage(RUNLOCK_UNLOCKED);
    assertThat(rw.isWriteLocked()).isTrue();
    assertThat(rw.tryReadLock()).isFalse();
    rw.unlock();
    assertThat(rw.tryReadLock()).isTrue();
    rw.readUnlock();
    assertThat(rw.tryLock()).isTrue();
    rw.unlock();
  }

  @Test
  void unlockOfUnlockedThrowsAndLeavesItUsable() {
    RWMutex rw = new RWMutex();
    assertThatThrownBy(rw::unlock)
        .isExactlyInstanceOf(IllegalMonitorStateException.class)
        .hasMessage(UNLOCK_UNLOCKED);
    assertThat(rw.isWriteLocked()).isFalse();
    rw.lock();
    rw.unlock();
    assertThatThrownBy(rw::unlock).hasMessage(UNLOCK_UNLOCKED);
    // a read hold is not a write hold
    rw.readLock();
    assertThatThrownBy(rw::unlock).hasMessage(UNLOCK_UNLOCKED);
    assertThat(rw.readers()).isEqualTo(1);
    assertThat(rw.isWriteLocked()).isFalse();
    rw.readUnlock();
    assertThat(rw.tryLock()).isTrue();
    rw.unlock();
    assertThat(rw.tryReadLock()).isTrue();
    rw.readUnlock();
  }

  @Test
  void tryLockAndTryReadLock() {
    RWMutex rw = new RWMutex();
    assertThat(rw.tryLock()).isTrue();
    assertThat(rw.tryLock()).isFalse();
    assertThat(rw.tryReadLock()).isFalse();
    rw.unlock();
    assertThat(rw.tryReadLock()).isTrue();
    assertThat(rw.tryReadLock()).isTrue();
    assertThat(rw.readers()).isEqualTo(2);
    assertThat(rw.tryLock()).isFalse();
    assertThat(rw.readers()).as("a failed tryLock leaves the readers as they were").isEqualTo(2);
    rw.readUnlock();
    rw.readUnlock();
    assertThat(rw.tryLock()).isTrue();
    rw.unlock();
  }

  @Test
  void readLockerIsOneObjectThatLocksForReading() {
    RWMutex rw = new RWMutex();
    Locker r = rw.readLocker();
    assertThat(rw.readLocker()).isSameAs(r);
    r.lock();
    r.lock();
    assertThat(rw.readers()).isEqualTo(2);
    assertThat(rw.isWriteLocked()).isFalse();
    assertThat(rw.tryReadLock()).isTrue();
    assertThat(rw.tryLock()).isFalse();
    rw.readUnlock();
    r.unlock();
    r.unlock();
    assertThat(rw.readers()).isZero();
    assertThatThrownBy(r::unlock).hasMessage(RUNLOCK_UNLOCKED);
    try (Locker.Held held = r.hold()) {
      assertThat(rw.readers()).isEqualTo(1);
    }
    assertThat(rw.readers()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void hammerNeverLetsAWriterShare(Runner runner) throws Exception {
    // Go's HammerRWMutex: readers add 1 to an activity count, writers 10000; a writer must see
    // exactly its own 10000, a reader less than 10000.
    RWMutex rw = new RWMutex();
    AtomicInteger activity = new AtomicInteger();
    AtomicReference<String> violation = new AtomicReference<>();
    List<Task<Void>> tasks = new ArrayList<>();
    for (int g = 0; g < 10; g++) {
      boolean writer = g % 4 == 0; // 3 writers, 7 readers
      tasks.add(
          runner.run(
              () -> {
                for (int i = 0; i < 1000; i++) {
                  if (writer) {
                    rw.lock();
                    int n = activity.addAndGet(10_000);
                    if (n != 10_000) {
                      violation.compareAndSet(null, "writer saw " + n);
                    }
                    for (int spin = 0; spin < 20; spin++) {
                      Thread.onSpinWait();
                    }
                    activity.addAndGet(-10_000);
                    rw.unlock();
                  } else {
                    rw.readLock();
                    int n = activity.incrementAndGet();
                    if (n < 1 || n >= 10_000) {
                      violation.compareAndSet(null, "reader saw " + n);
                    }
                    for (int spin = 0; spin < 20; spin++) {
                      Thread.onSpinWait();
                    }
                    activity.decrementAndGet();
                    rw.readUnlock();
                  }
                }
              }));
    }
    for (Task<Void> t : tasks) {
      t.join(Duration.ofSeconds(8));
    }
    assertThat(violation.get()).isNull();
    assertThat(activity.get()).isZero();
    assertThat(rw.readers()).isZero();
    assertThat(rw.isWriteLocked()).isFalse();
    assertThat(rw.tryLock()).isTrue();
    rw.unlock();
  }
}
