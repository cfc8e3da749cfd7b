package dev.runnel.sync;

import dev.runnel.context.Context;
import dev.runnel.internal.CancelScope;
import dev.runnel.internal.Sema;
import dev.runnel.internal.SemaWait;
import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import java.time.Duration;
import java.util.Objects;

/**
 * A condition variable: a rendezvous point for goroutines waiting for, or announcing, an event;
 * Go's {@code sync.Cond}.
 *
 * <p>Each {@code Cond} is bound to a {@link Locker} (often a {@link Mutex}), which must be held
 * when calling {@link #await}; holding it for {@link #signal} and {@link #broadcast} is allowed but
 * not required. {@code await} atomically unlocks the locker and suspends the goroutine, and locks
 * the locker again before it returns, so a signal sent after the waiter released the lock is never
 * lost. Because the lock is released, the condition may no longer hold on return: wait in a loop.
 *
 * <p>{@code signal} wakes the goroutine that has waited longest, if any; {@code broadcast} wakes
 * all that are waiting. Neither is remembered when nobody waits.
 *
 * <p><b>Interrupts.</b> {@link #await()} throws {@link InterruptedException} on interrupt, like
 * {@link java.util.concurrent.locks.Condition#await()}: the lock is held again when it throws, and
 * no signal is consumed by the interrupted waiter (a signal goes to the next waiter instead).
 *
 * <p><b>Misuse.</b> {@code await} without holding the locker throws what the locker's {@code
 * unlock} throws (for a {@link Mutex}, {@link IllegalMonitorStateException} {@code "sync: unlock
 * of unlocked mutex"}) and leaves the Cond as it was: nothing stays queued to take a later signal.
 *
 * <p><b>Memory consistency effects:</b> those of the locker: actions before a {@code signal} or
 * {@code broadcast} made while holding the lock happen-before the awakened {@code await} returns,
 * because it re-acquires the lock.
 *
 * <p><b>Go:</b> {@code sync.Cond} with {@code Wait} (here {@code await}, as Java reserves {@code
 * wait}), {@code Signal}, {@code Broadcast} and {@code L} ({@link #locker()}). Additions: {@link
 * #await(Duration)}, and interruption. Go's advice holds here: a channel is usually the simpler
 * tool; a {@code Cond} pays off when many goroutines wait for a repeated state change.
 *
 * {@snippet :
 * mu.lock();
 * try {
 *   while (queue.isEmpty()) {
 *     notEmpty.await();
 *   }
 *   return queue.remove();
 * } finally {
 *   mu.unlock();
 * }
 * }
 */
public final class Cond {

  /*
   * Implementation notes. Waiters queue on a permit-free Sema (Go's notify list) before they
   * unlock the locker: a signal after the unlock finds them queued, and completes them even if
   * they have not parked yet. A waiter that gives up (interrupt, timeout) is completed by nobody,
   * so signal's completeFirst skips it: the signal reaches a live waiter.
   *
   * Misuse. The node is queued before the unlock, so an unlock that throws (the locker not held)
   * would leave it queued, a ghost that takes the next signal. The await withdraws it instead. A
   * signal that took it between the two is passed to the next live waiter: that waiter may have
   * queued after the signal, a spurious wake-up (harmless to the required loop), where keeping
   * the signal would have lost it for a waiter that queued before.
   */

  private final Locker locker;
  private final Sema waiters = new Sema(WaitReason.COND_WAIT, this, null);

  /**
   * Creates a condition variable bound to {@code locker}: Go's {@code sync.NewCond(l)}.
   *
   * @param locker the lock that guards the condition
   */
  public Cond(Locker locker) {
    this.locker = Objects.requireNonNull(locker, "locker");
  }

  /**
   * The lock that guards the condition: Go's {@code c.L}.
   *
   * @return the locker given at construction
   */
  public Locker locker() {
    return locker;
  }

  /**
   * Unlocks the locker, waits for a {@link #signal} or {@link #broadcast}, and locks it again.
   *
   * @throws InterruptedException if interrupted on entry (the lock is not released) or while
   *     waiting (the lock is held again when it is thrown)
   * @throws IllegalMonitorStateException from the locker's {@code unlock} if it is not held (for
   *     a {@link Mutex}, {@code "sync: unlock of unlocked mutex"}); the Cond is then as it was,
   *     and the same for any other exception the unlock throws
   */
  public void await() throws InterruptedException {
    if (awaitUntil(Long.MAX_VALUE) == Waiter.INTERRUPTED) {
      throw new InterruptedException();
    }
  }

  /**
   * As {@link #await()}, waiting at most {@code timeout}.
   *
   * @param timeout how long to wait at most
   * @return true if signalled, false if the timeout passed first; the lock is held again either way
   * @throws InterruptedException as for {@link #await()}
   * @throws IllegalMonitorStateException as for {@link #await()}
   */
  public boolean await(Duration timeout) throws InterruptedException {
    long deadline = Waiter.deadlineAfter(timeout);
    Object r = awaitUntil(deadline == 0 ? System.nanoTime() : deadline);
    if (r == Waiter.INTERRUPTED) {
      throw new InterruptedException();
    }
    return r == Sema.GRANTED;
  }

  /**
   * As {@link #await()}, also ending when {@code ctx} is done: a wait on a condition or on {@code
   * ctx.Done()}, whichever comes first (Go's {@code context.AfterFunc} documentation builds this
   * from a broadcast on cancellation).
   *
   * @param ctx the context whose cancellation ends the wait
   * @throws java.util.concurrent.CancellationException {@code ctx.err()} if the context is done
   *     on entry (the lock is not released) or while waiting (the lock is held again when it is
   *     thrown); no signal is consumed
   * @throws InterruptedException as for {@link #await()}
   * @throws IllegalMonitorStateException as for {@link #await()}
   */
  public void await(Context ctx) throws InterruptedException {
    Object r = awaitUntil(Long.MAX_VALUE, CancelScope.enter(ctx));
    if (r == Waiter.INTERRUPTED) {
      throw new InterruptedException();
    }
    if (r == Waiter.CONTEXT_DONE) {
      throw CancelScope.cancelled(ctx);
    }
  }

  private Object awaitUntil(long deadline) {
    return awaitUntil(deadline, null);
  }

  private Object awaitUntil(long deadline, CancelScope scope) {
    if (Thread.interrupted()) {
      return Waiter.INTERRUPTED;
    }
    SemaWait node = waiters.enqueue();
    try {
      locker.unlock();
    } catch (Throwable misuse) { // not held, or the locker failed: as if await was never called
      waiters.withdraw(node);
      throw misuse;
    }
    try {
      return waiters.await(node, deadline, true, scope);
    } finally {
      locker.lock();
    }
  }

  /** Wakes the goroutine that has waited longest, if any: Go's {@code Signal}. */
  public void signal() {
    waiters.signal();
  }

  /** Wakes every waiting goroutine: Go's {@code Broadcast}. */
  public void broadcast() {
    waiters.broadcast();
  }
}
