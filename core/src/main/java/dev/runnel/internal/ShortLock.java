package dev.runnel.internal;

import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * A lock for critical sections of a few dozen instructions that never block or run user code:
 * the lock of a channel, of a {@link Sema}, of a cancellable context. A structure that is nothing
 * but what its lock guards may extend it, so that the two are one object (a channel's core, the
 * timer queue); one with operations of its own holds it (a {@link Sema}, whose acquire and
 * release are the semaphore's, not the lock's).
 *
 * <p>{@link #lock()} tries a CAS, spins briefly on a multicore machine, then parks in AQS, so a
 * holder descheduled by the OS costs a waiter a park, never an unbounded spin, and a virtual
 * thread never pins its carrier. The AQS state word is the lock: 0 free, 1 held. A subclass may
 * extend {@link #lock()} and {@link #unlock()} with what taking and releasing the lock means for
 * it (a channel freezes and thaws its ring): taking first, releasing last.
 */
public class ShortLock extends AbstractQueuedSynchronizer {

  private static final int SPINS = Runtime.getRuntime().availableProcessors() > 1 ? 16 : 0;

  /** Creates an unlocked lock. */
  public ShortLock() {}

  /** Takes the lock. */
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
  protected final boolean tryAcquire(int ignored) {
    return compareAndSetState(0, 1);
  }

  @Override
  protected final boolean tryRelease(int ignored) {
    setState(0);
    return true;
  }
}
