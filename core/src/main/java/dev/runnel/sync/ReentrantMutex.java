package dev.runnel.sync;

import java.time.Duration;

/**
 * A mutex that knows its owner and may be locked again by it: a recursive mutex.
 *
 * <p>The goroutine that locks it owns it until it has unlocked it as many times as it locked it.
 * Locking it again from the owner only counts; any other goroutine waits. Unlocking from a
 * goroutine that does not own it throws {@link IllegalMonitorStateException} naming the owner, so a
 * lock released by the wrong goroutine is caught where it happens. Waiting and fairness are {@link
 * Mutex}'s: this class is a {@code Mutex} plus an owner and a hold count.
 *
 * <p><b>Memory consistency effects:</b> as for {@link Mutex}: the unlock that releases the lock
 * happens-before the next lock by another goroutine returns.
 *
 * <p><b>Go:</b> Go's {@code sync.Mutex} is deliberately neither reentrant nor owned; Go code that
 * needs one builds it from a {@code Mutex}, the goroutine id and a counter. The JDK's {@link
 * java.util.concurrent.locks.ReentrantLock} has the same contract; this one keeps {@code Mutex}'s
 * starvation mode and goroutine-dump reporting.
 *
 * {@snippet :
 * ReentrantMutex mu = new ReentrantMutex();
 * mu.lock();
 * try {
 *   helperThatAlsoLocks(); // mu.lock() again from the owner: no deadlock
 * } finally {
 *   mu.unlock();
 * }
 * }
 */
public final class ReentrantMutex implements Locker {

  private final Mutex mu = new Mutex();
  /** The owner; written only by the goroutine holding mu, read racily by others (only to compare). */
  private volatile Thread owner;
  /** Locks held by the owner; accessed only by the owner. */
  private int holds;

  /** Creates an unlocked, unowned mutex. */
  public ReentrantMutex() {}

  /** Locks, or counts one more hold if the current goroutine owns it. Uninterruptible. */
  @Override
  public void lock() {
    Thread me = Thread.currentThread();
    if (owner == me) {
      holds++;
      return;
    }
    mu.lock();
    own(me);
  }

  /**
   * Locks if that is possible right now, or counts one more hold if the current goroutine owns it.
   *
   * @return true if the current goroutine now holds it
   */
  public boolean tryLock() {
    Thread me = Thread.currentThread();
    if (owner == me) {
      holds++;
      return true;
    }
    if (!mu.tryLock()) {
      return false;
    }
    own(me);
    return true;
  }

  /**
   * As {@link #lock()}, waiting at most {@code timeout} for another owner to unlock it.
   *
   * @param timeout how long to wait at most
   * @return true if the current goroutine now holds it
   * @throws InterruptedException if interrupted on entry or while waiting
   */
  public boolean lock(Duration timeout) throws InterruptedException {
    Thread me = Thread.currentThread();
    if (owner == me) {
      holds++;
      return true;
    }
    if (!mu.lock(timeout)) {
      return false;
    }
    own(me);
    return true;
  }

  /**
   * Undoes one lock; the last one releases the mutex.
   *
   * @throws IllegalMonitorStateException if the current goroutine does not own it, naming the
   *     owner
   */
  @Override
  public void unlock() {
    Thread me = Thread.currentThread();
    Thread o = owner;
    if (o != me) {
      throw new IllegalMonitorStateException(
          o == null
              ? "sync: unlock of unlocked ReentrantMutex by " + me.getName()
              : "sync: unlock of ReentrantMutex owned by " + o.getName() + " by " + me.getName());
    }
    if (--holds == 0) {
      owner = null;
      mu.unlock();
    }
  }

  /**
   * Whether the current goroutine owns it.
   *
   * @return true if held by the caller
   */
  public boolean isHeldByCurrentThread() {
    return owner == Thread.currentThread();
  }

  /**
   * How many times the current goroutine holds it.
   *
   * @return the hold count, 0 if the caller does not own it
   */
  public int holdCount() {
    return owner == Thread.currentThread() ? holds : 0;
  }

  @Override
  public String toString() {
    Thread o = owner;
    return "ReentrantMutex[" + (o == null ? "unlocked" : "owned by " + o.getName()) + "]";
  }

  private void own(Thread me) {
    holds = 1;
    owner = me;
  }
}
