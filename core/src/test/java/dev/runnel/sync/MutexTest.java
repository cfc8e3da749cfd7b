package dev.runnel.sync;

import static dev.runnel.testkit.Threads.awaitParked;
import static dev.runnel.testkit.Threads.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Go's documented {@code sync.Mutex} behaviour, plus the bounded {@code lock(Duration)}. */
@Timeout(10)
class MutexTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted(); // never leak a flag into the next test
  }

  // ------------------------------------------------------------------ basics

  @Test
  void lockThenUnlock() {
    Mutex mu = new Mutex();
    assertThat(mu.isLocked()).isFalse();
    mu.lock();
    assertThat(mu.isLocked()).isTrue();
    assertThat(mu.tryLock()).as("not reentrant").isFalse();
    mu.unlock();
    assertThat(mu.isLocked()).isFalse();
    assertThat(mu.waiters()).isZero();
  }

  @Test
  void unlockOfUnlockedMutexThrowsGoTextAndLeavesItUsable() {
    Mutex mu = new Mutex();
    assertThatThrownBy(mu::unlock)
        .isExactlyInstanceOf(IllegalMonitorStateException.class)
        .hasMessage("sync: unlock of unlocked mutex");
    mu.lock();
    mu.unlock();
    assertThatThrownBy(mu::unlock).hasMessage("sync: unlock of unlocked mutex");
    assertThat(mu.isLocked()).isFalse();
    assertThat(mu.tryLock()).isTrue();
    mu.unlock();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void anyGoroutineMayUnlock(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    mu.lock();
    runner.run(mu::unlock).join();
    assertThat(mu.isLocked()).isFalse();
    // and the other way round: a goroutine locks, the test thread unlocks, a waiter gets it
    runner.run(mu::lock).join();
    Task<Void> waiter = runner.runBlocked(mu::lock);
    mu.unlock();
    waiter.join();
    assertThat(mu.isLocked()).isTrue();
    mu.unlock();
  }

  @Test
  void tryLockSucceedsOnlyWhenUnlocked() {
    Mutex mu = new Mutex();
    assertThat(mu.tryLock()).isTrue();
    assertThat(mu.tryLock()).isFalse();
    mu.unlock();
    assertThat(mu.tryLock()).isTrue();
    mu.unlock();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedGoroutineParksOnAWaiterNamingTheMutex(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    mu.lock();
    Task<Void> task = runner.run(mu::lock);
    Waiter w = awaitParked(task.thread());
    assertThat(w.reason()).isEqualTo(WaitReason.MUTEX_LOCK);
    assertThat(w.waitingOn()).isSameAs(mu);
    assertThat(w.thread()).isSameAs(task.thread());
    assertThat(mu.waiters()).isEqualTo(1);
    mu.unlock();
    task.join();
    assertThat(mu.waiters()).isZero();
    mu.unlock();
  }

  @Test
  void holdUnlocksWhenTheBlockThrows() {
    Mutex mu = new Mutex();
    assertThatThrownBy(
            () -> {
              try (Locker.Held held = mu.hold()) {
                assertThat(mu.isLocked()).isTrue();
                throw new IllegalStateException("boom");
              }
            })
        .hasMessage("boom");
    assertThat(mu.isLocked()).isFalse();
    try (Locker.Held held = mu.hold()) {
      assertThat(mu.tryLock()).isFalse();
    }
    assertThat(mu.isLocked()).isFalse();
  }

  // ------------------------------------------------------------------ lock(Duration)

  @ParameterizedTest
  @EnumSource(Runner.class)
  void timedLockSucceedsAtOnceOrWhenUnlocked(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    assertThat(mu.lock(Duration.ofSeconds(1))).isTrue();
    Task<Boolean> task = runner.callBlocked(() -> mu.lock(Duration.ofSeconds(30)));
    mu.unlock();
    assertThat(task.join()).isTrue();
    assertThat(mu.isLocked()).isTrue();
    assertThat(mu.waiters()).isZero();
    mu.unlock();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void timedLockTimesOutAndLeavesNoTrace(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    mu.lock();
    Task<Boolean> task = runner.call(() -> mu.lock(Duration.ofMillis(20)));
    assertThat(task.join()).isFalse();
    assertThat(mu.waiters()).isZero();
    assertThat(mu.isLocked()).isTrue();
    // the mutex still works: a later waiter is woken by the next unlock
    Task<Void> waiter = runner.runBlocked(mu::lock);
    mu.unlock();
    waiter.join();
    mu.unlock();
    assertThat(mu.tryLock()).isTrue();
    mu.unlock();
    assertThat(mu.waiters()).isZero();
  }

  @Test
  void zeroOrNegativeTimeoutTriesOnce() throws InterruptedException {
    Mutex mu = new Mutex();
    assertThat(mu.lock(Duration.ZERO)).isTrue();
    assertThat(mu.lock(Duration.ZERO)).isFalse();
    assertThat(mu.lock(Duration.ofMillis(-5))).isFalse();
    assertThat(mu.lock(Duration.ofNanos(Long.MIN_VALUE))).isFalse();
    assertThat(mu.waiters()).isZero();
    mu.unlock();
    assertThat(mu.lock(Duration.ofMillis(-5))).isTrue();
    mu.unlock();
  }

  @Test
  void timedLockInterruptedOnEntryThrowsEvenWhenFree() {
    Mutex mu = new Mutex();
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> mu.lock(Duration.ofSeconds(1)))
        .isInstanceOf(InterruptedException.class);
    assertThat(Thread.currentThread().isInterrupted()).as("flag cleared").isFalse();
    assertThat(mu.isLocked()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void timedLockInterruptedWhileWaitingThrowsAndLeavesNoTrace(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    mu.lock();
    Task<Boolean> task =
        runner.callBlocked(
            () -> {
              try {
                return mu.lock(Duration.ofSeconds(30));
              } finally {
                assertThat(Thread.currentThread().isInterrupted()).isFalse();
              }
            });
    task.thread().interrupt();
    assertThat(task.failure()).isInstanceOf(InterruptedException.class);
    assertThat(mu.waiters()).isZero();
    assertThat(mu.isLocked()).isTrue();
    mu.unlock();
    assertThat(mu.tryLock()).isTrue();
    mu.unlock();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void lockIsUninterruptibleAndKeepsTheFlag(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    mu.lock();
    Task<Boolean> task =
        runner.callBlocked(
            () -> {
              mu.lock();
              return Thread.currentThread().isInterrupted();
            });
    task.thread().interrupt();
    awaitParked(task.thread()); // parks again: the interrupt did not end the wait
    assertThat(task.isDone()).isFalse();
    assertThat(mu.waiters()).isEqualTo(1);
    mu.unlock();
    assertThat(task.join()).as("returns with the flag set").isTrue();
    assertThat(mu.isLocked()).as("and holds the lock").isTrue();
    mu.unlock();
  }

  // ------------------------------------------------------------------ starvation mode

  /**
   * Brings {@code mu} into starvation mode with the test thread holding it and one goroutine
   * queued: the goroutine waits over 1 ms, is woken by an unlock, and loses the race to the test
   * thread's immediate tryLock (it is parked, we are running: we usually win; if not, start over
   * with a fresh mutex, for a bounded time).
   */
  private static Starved starve(Runner runner) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
    while (System.nanoTime() - deadline < 0) {
      Mutex mu = new Mutex();
      mu.lock();
      Task<Void> waiter = runner.run(mu::lock);
      Waiter w = awaitParked(waiter.thread());
      eventually("waited over 1 ms", () -> System.nanoTime() - w.parkedSince() > 3_000_000);
      mu.unlock();
      if (mu.tryLock()) {
        eventually("the loser switched to starvation mode", mu::isStarving);
        awaitParked(waiter.thread());
        return new Starved(mu, waiter);
      }
      waiter.join(); // it won: it holds the lock; try again
    }
    throw new AssertionError("never won the race against a woken waiter in 4 s");
  }

  private record Starved(Mutex mu, Task<Void> waiter) {}

  @ParameterizedTest
  @EnumSource(Runner.class)
  void tryLockFailsWhileStarvingEvenWhenUnlocked(Runner runner) throws Exception {
    Starved s = starve(runner);
    Mutex mu = s.mu();
    assertThat(mu.waiters()).isEqualTo(1);
    Task<Void> unlocker;
    try (SemaGate gate = SemaGate.close(mu, "sema")) {
      // the hand-off stops between clearing LOCKED and granting the waiter
      unlocker = runner.run(mu::unlock);
      gate.awaitStopped(unlocker.thread());
      assertThat(mu.isLocked()).isFalse();
      assertThat(mu.isStarving()).isTrue();
      assertThat(mu.tryLock()).as("the lock belongs to the first waiter").isFalse();
      assertThat(mu.lock(Duration.ZERO)).isFalse();
    }
    unlocker.join();
    s.waiter().join(); // it got the lock handed over
    assertThat(mu.isLocked()).isTrue();
    assertThat(mu.isStarving()).as("the last waiter returns the mutex to normal mode").isFalse();
    assertThat(mu.waiters()).isZero();
    mu.unlock();
    assertThat(mu.tryLock()).isTrue();
    mu.unlock();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void starvingMutexHandsTheLockToTheWaiterNotToABarger(Runner runner) throws Exception {
    Starved s = starve(runner);
    Mutex mu = s.mu();
    mu.unlock(); // hands off
    assertThat(mu.tryLock()).as("a barger cannot take a handed-off lock").isFalse();
    s.waiter().join();
    assertThat(mu.isLocked()).isTrue();
    mu.unlock();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void waiterThatWaitsTooLongSwitchesToStarvationModeAndGetsTheLock(Runner runner)
      throws Exception {
    Mutex mu = new Mutex();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicBoolean sawStarving = new AtomicBoolean();
    Task<Integer> holder =
        runner.call(
            () -> {
              int rounds = 0;
              while (!stop.get()) {
                mu.lock();
                LockSupport.parkNanos(100_000);
                if (mu.isStarving()) {
                  sawStarving.set(true); // a waiter set it while we held the lock
                }
                mu.unlock();
                rounds++;
              }
              return rounds;
            });
    AtomicInteger acquired = new AtomicInteger();
    Task<Void> waiter =
        runner.run(
            () -> {
              long deadline = System.nanoTime() + Duration.ofSeconds(6).toNanos();
              while (!sawStarving.get() && System.nanoTime() - deadline < 0) {
                mu.lock();
                acquired.incrementAndGet();
                mu.unlock();
              }
            });
    try {
      waiter.join(Duration.ofSeconds(8));
    } finally {
      stop.set(true);
    }
    assertThat(holder.join()).isPositive();
    assertThat(sawStarving).as("starvation mode was entered").isTrue();
    assertThat(acquired.get()).isPositive();
    assertThat(mu.isLocked()).isFalse();
    assertThat(mu.isStarving()).isFalse();
    assertThat(mu.waiters()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void fairness(Runner runner) throws Exception {
    // Go's TestMutexFairness: a goroutine that locks in a tight loop cannot starve one that
    // locks now and then.
    Mutex mu = new Mutex();
    AtomicBoolean stop = new AtomicBoolean();
    Task<Void> hog =
        runner.run(
            () -> {
              while (!stop.get()) {
                mu.lock();
                LockSupport.parkNanos(100_000);
                mu.unlock();
              }
            });
    Task<Void> polite =
        runner.run(
            () -> {
              for (int i = 0; i < 10; i++) {
                LockSupport.parkNanos(100_000);
                mu.lock();
                mu.unlock();
              }
            });
    try {
      polite.join(Duration.ofSeconds(8)); // generous: Go allows 10 s
    } finally {
      stop.set(true);
    }
    hog.join();
    assertThat(mu.isLocked()).isFalse();
    assertThat(mu.waiters()).isZero();
  }

  // ------------------------------------------------------------------ hammers

  @ParameterizedTest
  @EnumSource(Runner.class)
  void hammerMixingLockAndTryLockKeepsMutualExclusion(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    int[] counter = {0}; // plain memory: the mutex alone orders it
    boolean[] inside = {false};
    AtomicBoolean overlap = new AtomicBoolean();
    AtomicInteger entries = new AtomicInteger();
    List<Task<Void>> tasks = new ArrayList<>();
    for (int g = 0; g < 10; g++) {
      tasks.add(
          runner.run(
              () -> {
                for (int i = 0; i < 1000; i++) {
                  if (i % 3 == 0) {
                    if (!mu.tryLock()) {
                      continue;
                    }
                  } else {
                    mu.lock();
                  }
                  if (inside[0]) {
                    overlap.set(true);
                  }
                  inside[0] = true;
                  counter[0]++;
                  entries.incrementAndGet();
                  inside[0] = false;
                  mu.unlock();
                }
              }));
    }
    for (Task<Void> t : tasks) {
      t.join();
    }
    assertThat(overlap).as("two goroutines inside at once").isFalse();
    mu.lock(); // for the happens-before edge to our reads
    try {
      assertThat(counter[0]).isEqualTo(entries.get()).isGreaterThanOrEqualTo(10 * 667);
    } finally {
      mu.unlock();
    }
    assertThat(mu.waiters()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void timedLockUnderMixedContentionNeverLosesAWakeup(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    long[] counter = {0};
    AtomicInteger successes = new AtomicInteger();
    AtomicInteger timeouts = new AtomicInteger();
    List<Task<Void>> tasks = new ArrayList<>();
    for (int g = 0; g < 8; g++) {
      tasks.add(
          runner.run(
              () -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (int i = 0; i < 400; i++) {
                  boolean got;
                  switch (rnd.nextInt(3)) {
                    case 0 -> {
                      mu.lock();
                      got = true;
                    }
                    case 1 -> got = mu.tryLock();
                    default -> {
                      got = mu.lock(Duration.ofNanos(rnd.nextLong(10_000, 200_000)));
                      if (!got) {
                        timeouts.incrementAndGet();
                      }
                    }
                  }
                  if (got) {
                    counter[0]++;
                    successes.incrementAndGet();
                    if (rnd.nextInt(8) == 0) {
                      Thread.yield(); // hold a little longer now and then
                    }
                    mu.unlock();
                  }
                }
              }));
    }
    for (Task<Void> t : tasks) {
      t.join(Duration.ofSeconds(8)); // a lost wakeup leaves a goroutine parked forever
    }
    assertThat(mu.waiters()).isZero();
    assertThat(mu.isLocked()).isFalse();
    assertThat(mu.isStarving()).isFalse();
    assertThat(mu.tryLock()).isTrue();
    assertThat(counter[0]).isEqualTo(successes.get());
    mu.unlock();
  }
}
