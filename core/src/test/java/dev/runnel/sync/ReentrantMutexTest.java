package dev.runnel.sync;

import static dev.runnel.testkit.Threads.awaitParked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.internal.WaitReason;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A mutex that knows its owner: reentrant, and only the owner may unlock. */
@Timeout(10)
class ReentrantMutexTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void reentrantWithHoldCounts() throws InterruptedException {
    ReentrantMutex mu = new ReentrantMutex();
    assertThat(mu.holdCount()).isZero();
    assertThat(mu.isHeldByCurrentThread()).isFalse();
    mu.lock();
    assertThat(mu.tryLock()).isTrue();
    assertThat(mu.lock(Duration.ZERO)).isTrue();
    assertThat(mu.holdCount()).isEqualTo(3);
    assertThat(mu.isHeldByCurrentThread()).isTrue();
    mu.unlock();
    mu.unlock();
    assertThat(mu.holdCount()).isEqualTo(1);
    assertThat(mu.isHeldByCurrentThread()).isTrue();
    mu.unlock();
    assertThat(mu.holdCount()).isZero();
    assertThat(mu.isHeldByCurrentThread()).isFalse();
    assertThat(mu.toString()).contains("unlocked");
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void unlockByAnotherGoroutineThrowsNamingTheOwner(Runner runner) throws Exception {
    ReentrantMutex mu = new ReentrantMutex();
    runner
        .run(
            () -> {
              Thread.currentThread().setName("alice");
              mu.lock(); // and ends holding it
            })
        .join();
    Task<Void> bob =
        runner.run(
            () -> {
              Thread.currentThread().setName("bob");
              mu.unlock();
            });
    assertThat(bob.failure())
        .isExactlyInstanceOf(IllegalMonitorStateException.class)
        .hasMessageContaining("owned by alice")
        .hasMessageContaining("bob");
    assertThat(mu.holdCount()).isZero();
    assertThat(mu.toString()).contains("owned by alice");
    assertThat(mu.tryLock()).as("still held by alice").isFalse();
  }

  @Test
  void unlockWhenUnlockedThrows() {
    ReentrantMutex mu = new ReentrantMutex();
    assertThatThrownBy(mu::unlock)
        .isExactlyInstanceOf(IllegalMonitorStateException.class)
        .hasMessageStartingWith("sync: unlock of unlocked ReentrantMutex")
        .hasMessageContaining(Thread.currentThread().getName());
    mu.lock();
    mu.unlock();
    assertThatThrownBy(mu::unlock).isInstanceOf(IllegalMonitorStateException.class);
    assertThat(mu.tryLock()).isTrue();
    mu.unlock();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void othersCannotTakeItWhileHeld(Runner runner) throws Exception {
    ReentrantMutex mu = new ReentrantMutex();
    mu.lock();
    mu.lock();
    assertThat(runner.call(mu::tryLock).join()).isFalse();
    assertThat(runner.call(() -> mu.lock(Duration.ofMillis(10))).join()).isFalse();
    assertThat(runner.call(() -> mu.lock(Duration.ZERO)).join()).isFalse();
    mu.unlock(); // one hold left
    assertThat(runner.call(mu::tryLock).join()).isFalse();
    Task<Integer> waiter =
        runner.call(
            () -> {
              mu.lock();
              try {
                return mu.holdCount();
              } finally {
                mu.unlock();
              }
            });
    assertThat(awaitParked(waiter.thread()).reason()).isEqualTo(WaitReason.MUTEX_LOCK);
    mu.unlock();
    assertThat(waiter.join()).isEqualTo(1);
    assertThat(mu.tryLock()).isTrue();
    mu.unlock();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptedTimedLockThrowsAndLeavesItAsItWas(Runner runner) throws Exception {
    ReentrantMutex mu = new ReentrantMutex();
    mu.lock();
    Task<Boolean> waiter = runner.callBlocked(() -> mu.lock(Duration.ofSeconds(30)));
    waiter.thread().interrupt();
    assertThat(waiter.failure()).isInstanceOf(InterruptedException.class);
    assertThat(mu.holdCount()).isEqualTo(1);
    mu.unlock();
    assertThat(runner.call(mu::tryLock).join()).isTrue(); // that goroutine now owns it
    assertThat(mu.tryLock()).isFalse();
  }
}
