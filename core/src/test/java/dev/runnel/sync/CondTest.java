package dev.runnel.sync;

import static dev.runnel.testkit.Threads.awaitParked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Go's documented {@code sync.Cond} behaviour, plus interrupts and the timed await. */
@Timeout(10)
class CondTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  /** Starts a goroutine that locks, awaits once, and returns its id; waits until it is queued. */
  private static Task<Integer> awaiter(Runner runner, Mutex mu, Cond cond, int id) {
    Task<Integer> t =
        runner.call(
            () -> {
              mu.lock();
              try {
                cond.await();
                return id;
              } finally {
                mu.unlock();
              }
            });
    Waiter w = awaitParked(t.thread());
    assertThat(w.reason()).isEqualTo(WaitReason.COND_WAIT);
    assertThat(w.waitingOn()).isSameAs(cond);
    return t;
  }

  private static void assertStillWaiting(Task<?> t) {
    assertThat(awaitParked(t.thread()).reason()).isEqualTo(WaitReason.COND_WAIT);
    assertThat(t.isDone()).isFalse();
  }

  @Test
  void constructorRejectsNullAndLockerReturnsTheLocker() {
    assertThatThrownBy(() -> new Cond(null)).isInstanceOf(NullPointerException.class);
    Mutex mu = new Mutex();
    assertThat(new Cond(mu).locker()).isSameAs(mu);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void signalWakesExactlyOneInQueueOrder(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    Cond cond = new Cond(mu);
    List<Task<Integer>> waiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiters.add(awaiter(runner, mu, cond, i)); // each queued before the next starts
    }
    for (int i = 0; i < 3; i++) {
      cond.signal();
      assertThat(waiters.get(i).join()).isEqualTo(i);
      for (int j = i + 1; j < 3; j++) {
        assertStillWaiting(waiters.get(j));
      }
    }
    assertThat(mu.isLocked()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void broadcastWakesEveryWaiter(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    Cond cond = new Cond(mu);
    List<Task<Integer>> waiters = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      waiters.add(awaiter(runner, mu, cond, i));
    }
    cond.broadcast();
    for (int i = 0; i < 5; i++) {
      assertThat(waiters.get(i).join()).isEqualTo(i);
    }
    // and a broadcast wakes only those queued at that moment
    Task<Integer> late = awaiter(runner, mu, cond, 9);
    assertStillWaiting(late);
    cond.signal();
    assertThat(late.join()).isEqualTo(9);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void signalWithNoWaitersIsNotRemembered(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    Cond cond = new Cond(mu);
    cond.signal();
    cond.broadcast();
    mu.lock();
    assertThat(cond.await(Duration.ofMillis(20))).as("no stored signal").isFalse();
    mu.unlock();
    Task<Integer> waiter = awaiter(runner, mu, cond, 1);
    assertStillWaiting(waiter);
    cond.signal();
    assertThat(waiter.join()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void awaitRelocksBeforeReturning(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    Cond cond = new Cond(mu);
    Task<Boolean> waiter =
        runner.call(
            () -> {
              mu.lock();
              try {
                cond.await();
                return mu.isLocked();
              } finally {
                mu.unlock();
              }
            });
    awaitParked(waiter.thread());
    assertThat(mu.isLocked()).as("await released the lock").isFalse();
    mu.lock();
    cond.signal();
    awaitParked(waiter.thread(), WaitReason.MUTEX_LOCK); // woken, now waiting for our lock
    assertThat(waiter.isDone()).isFalse();
    mu.unlock();
    assertThat(waiter.join()).isTrue();
    assertThat(mu.isLocked()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptedAwaitThrowsWithTheLockHeld(Runner runner) throws Exception {
    ReentrantMutex mu = new ReentrantMutex(); // knows its owner: proves the waiter holds it
    Cond cond = new Cond(mu);
    Task<Boolean> waiter =
        runner.call(
            () -> {
              mu.lock();
              try {
                cond.await();
                return false;
              } catch (InterruptedException e) {
                return mu.isHeldByCurrentThread() && !Thread.currentThread().isInterrupted();
              } finally {
                mu.unlock();
              }
            });
    awaitParked(waiter.thread());
    waiter.thread().interrupt();
    assertThat(waiter.join()).isTrue();
    assertThat(mu.tryLock()).isTrue();
    mu.unlock();
    // interrupted on entry: throws at once, still holding the lock
    mu.lock();
    Thread.currentThread().interrupt();
    assertThatThrownBy(cond::await).isInstanceOf(InterruptedException.class);
    assertThat(mu.isHeldByCurrentThread()).isTrue();
    mu.unlock();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptedWaiterDoesNotConsumeASignal(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    Cond cond = new Cond(mu);
    Task<Integer> first = awaiter(runner, mu, cond, 1);
    Task<Integer> second = awaiter(runner, mu, cond, 2);
    mu.lock(); // the interrupted waiter leaves the queue, then waits for this lock
    first.thread().interrupt();
    awaitParked(first.thread(), WaitReason.MUTEX_LOCK);
    cond.signal(); // must go to the second, the only one still queued
    awaitParked(second.thread(), WaitReason.MUTEX_LOCK);
    mu.unlock();
    assertThat(first.failure()).isInstanceOf(InterruptedException.class);
    assertThat(second.join()).isEqualTo(2);
    assertThat(mu.isLocked()).isFalse();
  }

  @Test
  void timedAwaitTimesOutWithTheLockHeld() throws InterruptedException {
    Mutex mu = new Mutex();
    Cond cond = new Cond(mu);
    mu.lock();
    assertThat(cond.await(Duration.ofMillis(10))).isFalse();
    assertThat(mu.isLocked()).isTrue();
    assertThat(cond.await(Duration.ZERO)).isFalse();
    assertThat(cond.await(Duration.ofMillis(-1))).isFalse();
    assertThat(mu.isLocked()).isTrue();
    mu.unlock();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void timedAwaitReturnsTrueWhenSignalled(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    Cond cond = new Cond(mu);
    Task<Boolean> waiter =
        runner.call(
            () -> {
              mu.lock();
              try {
                return cond.await(Duration.ofSeconds(30)) && mu.isLocked();
              } finally {
                mu.unlock();
              }
            });
    awaitParked(waiter.thread());
    cond.signal();
    assertThat(waiter.join()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void worksWithAReadLocker(Runner runner) throws Exception {
    RWMutex rw = new RWMutex();
    Cond cond = new Cond(rw.readLocker());
    Task<Integer> waiter =
        runner.call(
            () -> {
              rw.readLock();
              try {
                cond.await();
                return rw.readers();
              } finally {
                rw.readUnlock();
              }
            });
    assertThat(awaitParked(waiter.thread()).reason()).isEqualTo(WaitReason.COND_WAIT);
    assertThat(rw.readers()).as("the read hold was released").isZero();
    assertThat(rw.tryLock()).isTrue();
    rw.unlock();
    cond.signal();
    assertThat(waiter.join()).isEqualTo(1);
    assertThat(rw.readers()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void boundedQueueDeliversEveryItemExactlyOnce(Runner runner) throws Exception {
    int producers = 4;
    int consumers = 4;
    int perProducer = 500;
    int capacity = 4;
    Mutex mu = new Mutex();
    Cond notEmpty = new Cond(mu);
    Cond notFull = new Cond(mu);
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    AtomicIntegerArray seen = new AtomicIntegerArray(producers * perProducer);
    List<Task<Void>> tasks = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int base = p * perProducer;
      tasks.add(
          runner.run(
              () -> {
                for (int i = 0; i < perProducer; i++) {
                  mu.lock();
                  try {
                    while (queue.size() == capacity) {
                      notFull.await();
                    }
                    queue.add(base + i);
                    notEmpty.signal();
                  } finally {
                    mu.unlock();
                  }
                }
              }));
    }
    for (int c = 0; c < consumers; c++) {
      tasks.add(
          runner.run(
              () -> {
                while (true) {
                  int item;
                  mu.lock();
                  try {
                    while (queue.isEmpty()) {
                      notEmpty.await();
                    }
                    item = queue.remove();
                    notFull.signal();
                  } finally {
                    mu.unlock();
                  }
                  if (item < 0) {
                    return; // poison pill
                  }
                  seen.incrementAndGet(item);
                }
              }));
    }
    for (int p = 0; p < producers; p++) {
      tasks.get(p).join();
    }
    for (int c = 0; c < consumers; c++) {
      mu.lock();
      try {
        while (queue.size() == capacity) {
          notFull.await();
        }
        queue.add(-1);
        notEmpty.signal();
      } finally {
        mu.unlock();
      }
    }
    for (Task<Void> t : tasks) {
      t.join();
    }
    for (int i = 0; i < seen.length(); i++) {
      assertThat(seen.get(i)).as("item %d", i).isEqualTo(1);
    }
    assertThat(queue).isEmpty();
  }
}
