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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code Cond.await(ctx)}: a signal wakes it with the lock held again; a cancellation throws
 * {@code ctx.err()} with the lock held again and spends no signal; a context done on entry throws
 * without ever releasing the lock.
 */
@Timeout(20)
class CondContextTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted(); // never leak a flag into the next test
  }



  /**
   * Locks, waits with {@code ctx}, and reports whether the lock was held when the wait ended
   * (normally or by an exception, which is rethrown after the unlock).
   */
  private static Task<Boolean> waitWith(Runner runner, Mutex mu, Cond cond, Context ctx) {
    return runner.call(
        () -> {
          mu.lock();
          boolean held = false;
          try {
            cond.await(ctx);
            held = mu.isLocked();
            return held;
          } catch (Exception e) {
            held = mu.isLocked();
            if (!held) {
              throw new AssertionError("the lock was not held again when " + e + " was thrown");
            }
            throw e;
          } finally {
            if (held) {
              mu.unlock(); // throws if the lock was not ours to release
            }
          }
        });
  }

  // ------------------------------------------------------------------ signalled

  @ParameterizedTest
  @EnumSource(Runner.class)
  void signalWakesAContextWaiterWithTheLockHeld(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    Cond cond = new Cond(mu);
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Task<Boolean> waiter = waitWith(runner, mu, cond, ctx);
      Waiter w = awaitParked(waiter.thread(), WaitReason.COND_WAIT);
      assertThat(w.waitingOn()).isSameAs(cond);
      assertThat(mu.isLocked()).as("await released the lock").isFalse();
      mu.lock();
      cond.signal();
      assertThat(waiter.isDone()).as("cannot return before the lock is free").isFalse();
      mu.unlock();
      assertThat(waiter.join()).as("lock held on return").isTrue();
      assertThat(ctx.err()).isNull();
    }
    assertThat(mu.isLocked()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void broadcastWakesContextAndPlainWaiters(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    Cond cond = new Cond(mu);
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Task<Boolean> a = waitWith(runner, mu, cond, ctx);
      awaitParked(a.thread(), WaitReason.COND_WAIT);
      Task<Boolean> b = waitWith(runner, mu, cond, Context.background());
      awaitParked(b.thread(), WaitReason.COND_WAIT);
      cond.broadcast();
      assertThat(a.join()).isTrue();
      assertThat(b.join()).isTrue();
    }
    assertThat(mu.isLocked()).isFalse();
  }

  // ------------------------------------------------------------------ done on entry

  @ParameterizedTest
  @EnumSource(Runner.class)
  void doneContextOnEntryThrowsWithoutReleasingTheLock(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    Cond cond = new Cond(mu);
    mu.lock();
    Task<Void> contender = runner.runBlocked(mu::lock); // would get the lock if it were released
    CancelContext ctx = TestContexts.cancelled();
    assertThatThrownBy(() -> cond.await(ctx)).isSameAs(ctx.err());
    assertThat(mu.isLocked()).isTrue();
    assertThat(contender.isDone()).as("the lock was never released").isFalse();
    assertThat(mu.waiters()).isEqualTo(1);
    // and nothing was queued on the condition: a signal now reaches nobody, a later waiter
    // is not woken by it
    cond.signal();
    mu.unlock();
    contender.join();
    mu.unlock();
    Task<Boolean> later = waitWith(runner, mu, cond, Context.background());
    awaitParked(later.thread(), WaitReason.COND_WAIT);
    assertThat(later.isDone()).isFalse();
    cond.signal();
    assertThat(later.join()).isTrue();
  }

  // ------------------------------------------------------------------ cancelled while waiting

  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelledWhileWaitingThrowsWithTheLockHeldAgain(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    Cond cond = new Cond(mu);
    CancelContext ctx = Context.withCancel(Context.background());
    Task<Boolean> waiter = waitWith(runner, mu, cond, ctx);
    awaitParked(waiter.thread(), WaitReason.COND_WAIT);
    mu.lock(); // the waiter must re-acquire the lock before it can throw
    ctx.cancel();
    awaitParked(waiter.thread(), WaitReason.MUTEX_LOCK);
    assertThat(waiter.isDone()).isFalse();
    mu.unlock();
    assertThat(waiter.failure()).isInstanceOf(ContextCanceledException.class)
        .isSameAs(ctx.err());
    assertThat(mu.isLocked()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelledWaiterDoesNotConsumeASignalSentAfterwards(Runner runner) throws Exception {
    Mutex mu = new Mutex();
    Cond cond = new Cond(mu);
    CancelContext ctx = Context.withCancel(Context.background());
    Task<Boolean> first = waitWith(runner, mu, cond, ctx); // longest waiting: first in line
    awaitParked(first.thread(), WaitReason.COND_WAIT);
    Task<Boolean> second = waitWith(runner, mu, cond, Context.background());
    awaitParked(second.thread(), WaitReason.COND_WAIT);
    ctx.cancel();
    assertThat(first.failure()).isSameAs(ctx.err());
    cond.signal(); // goes to the second waiter, not to the gone first one
    assertThat(second.join()).isTrue();
    assertThat(mu.isLocked()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void deadlineWhileWaitingThrowsDeadlineExceededWithTheLockHeld(Runner runner)
      throws Exception {
    ManualClock clock = new ManualClock();
    Mutex mu = new Mutex();
    Cond cond = new Cond(mu);
    CancelContext ctx =
        Context.withTimeout(Context.withClock(Context.background(), clock), Duration.ofSeconds(3));
    Task<Boolean> waiter = waitWith(runner, mu, cond, ctx);
    awaitParked(waiter.thread(), WaitReason.COND_WAIT);
    clock.advance(Duration.ofSeconds(2));
    assertThat(ctx.err()).isNull();
    clock.advance(Duration.ofSeconds(1));
    assertThat(waiter.failure()).isInstanceOf(DeadlineExceededException.class)
        .isSameAs(ctx.err());
    assertThat(mu.isLocked()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptWhileWaitingStillThrowsInterruptedExceptionWithTheLockHeld(Runner runner)
      throws Exception {
    Mutex mu = new Mutex();
    Cond cond = new Cond(mu);
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Task<Boolean> waiter = waitWith(runner, mu, cond, ctx);
      awaitParked(waiter.thread(), WaitReason.COND_WAIT);
      waiter.thread().interrupt();
      assertThat(waiter.failure()).isInstanceOf(InterruptedException.class);
      assertThat(ctx.err()).isNull();
    }
    assertThat(mu.isLocked()).isFalse();
  }

  @Test
  void interruptedOnEntryThrowsWithoutReleasingTheLock() {
    Mutex mu = new Mutex();
    Cond cond = new Cond(mu);
    mu.lock();
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> cond.await(ctx)).isInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
    assertThat(mu.isLocked()).isTrue();
    mu.unlock();
  }

  // ------------------------------------------------------------------ cancel vs signal

  /**
   * A cancellable waiter first in line and a plain waiter behind it; one signal races the
   * cancellation. Exactly one of them consumes the signal: the cancellable one returns normally
   * (and the plain one keeps waiting), or it throws and the signal wakes the plain one.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelRacingASignalSpendsItExactlyOnce(Runner runner) throws Exception {
    for (int round = 0; round < 200; round++) {
      Mutex mu = new Mutex();
      Cond cond = new Cond(mu);
      CancelContext ctx = Context.withCancel(Context.background());
      Task<Boolean> first = waitWith(runner, mu, cond, ctx);
      awaitParked(first.thread(), WaitReason.COND_WAIT);
      Task<Boolean> second = waitWith(runner, mu, cond, Context.background());
      awaitParked(second.thread(), WaitReason.COND_WAIT);
      Racer canceller = Racer.start(runner, round, ctx::cancel);
      canceller.go();
      cond.signal();
      canceller.join();
      boolean firstGotIt;
      try {
        assertThat(first.join()).isTrue();
        firstGotIt = true;
      } catch (CancellationException e) {
        assertThat(first.failure()).as("round %d", round).isSameAs(ctx.err());
        firstGotIt = false;
      }
      if (firstGotIt) {
        // fails with "thread ended" if the one signal woke both
        awaitParked(second.thread(), WaitReason.COND_WAIT);
        assertThat(second.isDone()).as("round %d: one signal woke two", round).isFalse();
        cond.signal();
      }
      assertThat(second.join()).as("round %d", round).isTrue();
      assertThat(mu.isLocked()).isFalse();
    }
  }
}
