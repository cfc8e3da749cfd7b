package dev.runnel.internal;

import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * A non-reentrant lock for critical sections that are a few dozen instructions long and never
 * block or run user code (a channel's state, a select's lock set).
 *
 * <p>Acquisition tries a CAS, then spins a bounded number of times (the holder is almost always
 * about to release), then queues and parks in {@link AbstractQueuedSynchronizer}, so a holder
 * descheduled by the OS costs a waiter a park, never an unbounded spin. Unlocking an unlocked
 * {@code ShortLock} is a bug in Runnel, not in user code, and is not checked.
 */
public final class ShortLock extends AbstractQueuedSynchronizer {

  private static final int SPINS = Runtime.getRuntime().availableProcessors() > 1 ? 64 : 0;

  /** Acquires the lock, uninterruptibly. */
  public void lock() {
    if (!compareAndSetState(0, 1)) {
      lockSlow();
    }
  }

  private void lockSlow() {
    for (int i = SPINS; i > 0; i--) {
      Thread.onSpinWait();
      if (getState() == 0 && compareAndSetState(0, 1)) {
        return;
      }
    }
    acquire(1);
  }

  /** Releases the lock. */
  public void unlock() {
    release(1);
  }

  @Override
  protected boolean tryAcquire(int ignored) {
    return compareAndSetState(0, 1);
  }

  @Override
  protected boolean tryRelease(int ignored) {
    setState(0);
    return true;
  }
}
