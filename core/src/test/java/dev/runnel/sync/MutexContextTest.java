package dev.runnel.sync;

import static dev.runnel.testkit.Threads.awaitParked;
import static dev.runnel.testkit.Threads.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.context.ContextCanceledException;
import dev.runnel.context.DeadlineExceededException;
import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import dev.runnel.testkit.Racer;
import dev.runnel.testkit.TestContexts;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import dev.runnel.time.ManualClock;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code Mutex.lock(ctx)}: locks, or throws {@code ctx.err()} when the context is done on entry or
 * becomes done while waiting, and then leaves the mutex as if the call never happened.
 */
@Timeout(30)
class MutexContextTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted(); // never leak a flag into the next test
  }



  /** The mutex is unlocked, normal, with no waiters, and a lock/unlock round still works. */
  private static void assertIdleAndUsable(Mutex mu) {
    assertThat(mu.isLocked()).as("locked: %s", mu).isFalse();
    assertThat(mu.waiters()).as("waiters: %s", mu).isZero();
    assertThat(mu.isStarving()).as("starving: %s", mu).isFalse();
    assertThat(mu.tryLock()).as("tryLock on %s", mu).isTrue();
    mu.unlock();
  }

  // ------------------------------------------------------------------ basics

  @Test
  void lockWithContextTakesAFreeMutex() throws Exception {
    Mutex mu = new Mutex();
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      mu.lock(ctx);
      assertThat(mu.isLocked()).isTrue();
      assertThat(mu.tryLock()).isFalse();
      mu.unlock();
    }
    mu.lock(Context.background()); // a context that can never be done
    mu.unlock();
    assertIdleAndUsable(mu);
  }

  @Test
  void doneContextOnEntryThrowsEvenWhenTheMutexIsFree() {
    Mutex mu = new Mutex();
    CancelContext ctx = TestContexts.cancelled();
    assertThatThrownBy(() -> mu.lock(ctx)).isSameAs(ctx.err());
    assertIdleAndUsable(mu);
  }

  @Test
  void doneContextOnEntryThrowsWithoutQueuingOnALockedMutex() {
    Mutex mu = new Mutex();
    mu.lock();
    CancelContext ctx = TestContexts.cancelled();
    assertThatThrownBy(() -> mu.lock(ctx)).isSameAs(ctx.err());
    assertThat(mu.waiters()).isZero();
    mu.unlock();
    assertIdleAndUsable(mu);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedLockWithContextParksAsAMutexWaiterAndGetsTheLockOnUnlock(Runner runner)
      throws Exception {
    Mutex mu = new Mutex();
    mu.lock();
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Task<Void> waiter = runner.run(() -> mu.lock(ctx));
      Waiter w = awaitParked(waiter.thread(), WaitReason.MUTEX_LOCK);
      assertThat(w.waitingOn()).isSameAs(mu);
      assertThat(mu.waiters()).isEqualTo(1);
      mu.unlock();
      waiter.join();
      assertThat(mu.isLocked()).as("held by the waiter").isTrue();
      assertThat(mu.waiters()).isZero();
      mu.unlock();
    }
    assertIdleAndUsable(mu);
  }

  // ------------------------------------------------------------------ cancelled while waiting

  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelledWhileWaitingThrowsAndLeavesTheMutexAsItWas(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    mu.lock();
    Task<Void> plain = runner.runBlocked(mu::lock); // queued first, stays
    CancelContext ctx = Context.withCancel(Context.background());
    AtomicBoolean owned = new AtomicBoolean();
    Task<Void> cancellable =
        runner.run(
            () -> {
              mu.lock(ctx);
              owned.set(true); // never reached
            });
    awaitParked(cancellable.thread(), WaitReason.MUTEX_LOCK);
    assertThat(mu.waiters()).isEqualTo(2);
    ctx.cancel();
    assertThat(cancellable.failure()).isInstanceOf(ContextCanceledException.class)
        .isSameAs(ctx.err());
    assertThat(owned).isFalse();
    assertThat(mu.waiters()).as("back to the one plain waiter").isEqualTo(1);
    assertThat(mu.isLocked()).as("still held by the test").isTrue();
    mu.unlock(); // wakes the plain waiter, not the gone one
    plain.join();
    assertThat(mu.isLocked()).isTrue();
    mu.unlock();
    assertIdleAndUsable(mu);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelledOnlyWaiterLeavesAPlainLockedMutex(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    mu.lock();
    CancelContext ctx = Context.withCancel(Context.background());
    Task<Void> waiter = runner.run(() -> mu.lock(ctx));
    awaitParked(waiter.thread(), WaitReason.MUTEX_LOCK);
    ctx.cancel();
    assertThat(waiter.failure()).isSameAs(ctx.err());
    assertThat(mu.waiters()).isZero();
    assertThat(mu.isLocked()).isTrue();
    // a later waiter is still woken by the next unlock
    Task<Void> later = runner.runBlocked(mu::lock);
    mu.unlock();
    later.join();
    mu.unlock();
    assertIdleAndUsable(mu);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void deadlineWhileWaitingThrowsDeadlineExceeded(Runner runner) throws Exception {
    ManualClock clock = new ManualClock();
    Mutex mu = new Mutex();
    mu.lock();
    CancelContext ctx =
        Context.withTimeout(Context.withClock(Context.background(), clock), Duration.ofSeconds(5));
    Task<Void> waiter = runner.run(() -> mu.lock(ctx));
    awaitParked(waiter.thread(), WaitReason.MUTEX_LOCK);
    clock.advance(Duration.ofSeconds(4));
    assertThat(waiter.isDone()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(waiter.failure()).isInstanceOf(DeadlineExceededException.class)
        .isSameAs(ctx.err());
    assertThat(mu.waiters()).isZero();
    mu.unlock();
    assertIdleAndUsable(mu);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptWhileWaitingThrowsInterruptedExceptionAndLeavesNoTrace(Runner runner)
      throws Exception {
    Mutex mu = new Mutex();
    mu.lock();
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Task<Void> waiter =
          runner.run(
              () -> {
                try {
                  mu.lock(ctx);
                } finally {
                  assertThat(Thread.currentThread().isInterrupted()).isFalse();
                }
              });
      awaitParked(waiter.thread(), WaitReason.MUTEX_LOCK);
      waiter.thread().interrupt();
      assertThat(waiter.failure()).isInstanceOf(InterruptedException.class);
      assertThat(ctx.err()).isNull();
      assertThat(mu.waiters()).isZero();
    }
    mu.unlock();
    assertIdleAndUsable(mu);
  }

  @Test
  void interruptedOnEntryThrowsEvenWhenFree() {
    Mutex mu = new Mutex();
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> mu.lock(ctx)).isInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
    assertIdleAndUsable(mu);
  }

  // ------------------------------------------------------------------ cancel vs unlock

  /**
   * A blocked {@code lock(ctx)} raced by a cancel and an unlock: it either got the lock (and
   * holds it) or threw (and the mutex is free), never locked with nobody owning it.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelRacingAnUnlockNeverLeavesTheMutexLockedByNobody(Runner runner) throws Exception {
    for (int round = 0; round < 300; round++) {
      Mutex mu = new Mutex();
      mu.lock();
      CancelContext ctx = Context.withCancel(Context.background());
      Task<Void> waiter = runner.run(() -> mu.lock(ctx));
      awaitParked(waiter.thread(), WaitReason.MUTEX_LOCK);
      Racer canceller = Racer.start(runner, round, ctx::cancel);
      canceller.go();
      mu.unlock();
      canceller.join();
      boolean acquired;
      try {
        waiter.join();
        acquired = true;
      } catch (CancellationException e) {
        acquired = false;
      }
      if (acquired) {
        assertThat(mu.isLocked()).as("round %d: the waiter holds it", round).isTrue();
        mu.unlock(); // on its behalf: any goroutine may unlock
      } else {
        assertThat(waiter.failure()).isSameAs(ctx.err());
      }
      assertThat(mu.isWoken()).as("round %d: %s", round, mu).isFalse();
      assertIdleAndUsable(mu);
    }
  }

  /**
   * No race at all: the cancellation has returned before the unlock starts, so the wait ended by
   * the context and {@code lock(ctx)} must throw, leaving the lock free.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelThatReturnedBeforeTheUnlockAlwaysWins(Runner runner) throws Exception {
    for (int round = 0; round < 100; round++) {
      Mutex mu = new Mutex();
      mu.lock();
      CancelContext ctx = Context.withCancel(Context.background());
      Task<Void> waiter = runner.run(() -> mu.lock(ctx));
      awaitParked(waiter.thread(), WaitReason.MUTEX_LOCK);
      ctx.cancel();
      mu.unlock();
      Throwable thrown;
      try {
        waiter.join();
        thrown = null;
        mu.unlock(); // it owns the lock: release it before failing
      } catch (CancellationException e) {
        thrown = waiter.failure();
      }
      assertThat(thrown).as("round %d: lock(ctx) after cancel() returned", round)
          .isSameAs(ctx.err());
      assertIdleAndUsable(mu);
    }
  }

  /**
   * The same race frozen in both orders with the mutex's internal queue lock: the unlock's wake
   * stops before it grants, and the cancelled waiter's cleanup stops before it leaves.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelAndUnlockFrozenInEitherOrderKeepTheMutexConsistent(Runner runner) throws Exception {
    for (boolean unlockFirst : new boolean[] {true, false}) {
      Mutex mu = new Mutex();
      mu.lock();
      CancelContext ctx = Context.withCancel(Context.background());
      Task<Void> waiter = runner.run(() -> mu.lock(ctx));
      awaitParked(waiter.thread(), WaitReason.MUTEX_LOCK);
      Task<Void> unlocker;
      try (SemaGate gate = SemaGate.close(mu, "sema")) {
        if (unlockFirst) {
          unlocker = runner.run(mu::unlock);
          gate.awaitStopped(unlocker.thread());
          ctx.cancel();
          gate.awaitStopped(waiter.thread());
        } else {
          ctx.cancel();
          gate.awaitStopped(waiter.thread());
          unlocker = runner.run(mu::unlock);
          gate.awaitStopped(unlocker.thread());
        }
      }
      unlocker.join();
      boolean acquired;
      try {
        waiter.join();
        acquired = true;
      } catch (CancellationException e) {
        acquired = false;
      }
      if (acquired) {
        assertThat(mu.isLocked()).as("unlockFirst=%s", unlockFirst).isTrue();
        mu.unlock();
      }
      assertThat(mu.isWoken()).as("unlockFirst=%s: %s", unlockFirst, mu).isFalse();
      assertIdleAndUsable(mu);
      // and the mutex still wakes a later waiter
      mu.lock();
      Task<Void> later = runner.runBlocked(mu::lock);
      mu.unlock();
      later.join();
      mu.unlock();
      assertIdleAndUsable(mu);
    }
  }

  // ------------------------------------------------------------------ starvation mode

  /**
   * Brings a fresh mutex into starvation mode with the test thread holding it and {@code head}
   * queued as the first waiter (as in MutexTest: the waiter waits over 1 ms, is woken by an
   * unlock and loses to the test thread's immediate tryLock; on a lost race, start over).
   */
  private static Starved starve(Runner runner, Context headCtx) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
    while (System.nanoTime() - deadline < 0) {
      Mutex mu = new Mutex();
      mu.lock();
      Task<Void> head = runner.run(() -> mu.lock(headCtx));
      Waiter w = awaitParked(head.thread());
      eventually("waited over 1 ms", () -> System.nanoTime() - w.parkedSince() > 3_000_000);
      mu.unlock();
      if (mu.tryLock()) {
        eventually("the loser switched to starvation mode", mu::isStarving);
        awaitParked(head.thread(), WaitReason.MUTEX_LOCK);
        return new Starved(mu, head);
      }
      head.join(); // it won and holds the lock of this throwaway mutex; try again
    }
    throw new AssertionError("never won the race against a woken waiter in 8 s");
  }

  private record Starved(Mutex mu, Task<Void> head) {}

  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelledHeadWaiterInStarvationModeDoesNotBreakTheHandOff(Runner runner)
      throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    Starved s = starve(runner, ctx);
    Mutex mu = s.mu();
    Task<Void> next = runner.runBlocked(mu::lock); // a newcomer queues behind the starved head
    assertThat(mu.waiters()).isEqualTo(2);
    ctx.cancel();
    assertThat(s.head().failure()).isSameAs(ctx.err());
    assertThat(mu.waiters()).isEqualTo(1);
    assertThat(mu.isStarving()).as("one waiter is still starving").isTrue();
    mu.unlock(); // hands the lock to the remaining waiter
    next.join();
    assertThat(mu.isLocked()).isTrue();
    assertThat(mu.isStarving()).as("the last waiter returns the mutex to normal").isFalse();
    mu.unlock();
    assertIdleAndUsable(mu);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelledLastWaiterEndsStarvationMode(Runner runner) throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    Starved s = starve(runner, ctx);
    Mutex mu = s.mu();
    ctx.cancel();
    assertThat(s.head().failure()).isSameAs(ctx.err());
    assertThat(mu.waiters()).isZero();
    assertThat(mu.isStarving()).as("nobody left to hand the lock to").isFalse();
    mu.unlock();
    assertIdleAndUsable(mu);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelledNewcomerInStarvationModeLeavesTheHandOffToTheHead(Runner runner)
      throws Exception {
    Starved s = starve(runner, Context.background());
    Mutex mu = s.mu();
    CancelContext ctx = Context.withCancel(Context.background());
    Task<Void> newcomer = runner.run(() -> mu.lock(ctx));
    awaitParked(newcomer.thread(), WaitReason.MUTEX_LOCK);
    assertThat(mu.waiters()).isEqualTo(2);
    ctx.cancel();
    assertThat(newcomer.failure()).isSameAs(ctx.err());
    assertThat(mu.waiters()).isEqualTo(1);
    assertThat(mu.isStarving()).isTrue();
    mu.unlock();
    s.head().join();
    assertThat(mu.isLocked()).isTrue();
    mu.unlock();
    assertIdleAndUsable(mu);
  }

  /**
   * Starvation mode, a cancellable head and a plain waiter behind it: the hand-off of an unlock
   * and the head's cancellation are frozen together and then let go. Whoever gets the lock, the
   * mutex must end unlocked, in normal mode, with no waiters, once everyone has let go.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void handOffRacingACancelledHeadInStarvationModeEndsConsistent(Runner runner)
      throws Exception {
    for (int round = 0; round < 10; round++) {
      CancelContext ctx = Context.withCancel(Context.background());
      Starved s = starve(runner, ctx);
      Mutex mu = s.mu();
      Task<Void> next = runner.runBlocked(mu::lock);
      Task<Void> unlocker;
      try (SemaGate gate = SemaGate.close(mu, "sema")) {
        unlocker = runner.run(mu::unlock);
        gate.awaitStopped(unlocker.thread());
        ctx.cancel();
        gate.awaitStopped(s.head().thread());
      }
      unlocker.join();
      int holders = 0;
      try {
        s.head().join();
        holders++;
        mu.unlock();
      } catch (CancellationException e) {
        assertThat(s.head().failure()).isSameAs(ctx.err());
      }
      next.join();
      holders++;
      assertThat(holders).isBetween(1, 2);
      mu.unlock();
      assertIdleAndUsable(mu);
    }
  }
}
