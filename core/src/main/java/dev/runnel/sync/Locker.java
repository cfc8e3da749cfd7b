package dev.runnel.sync;

/**
 * Something that can be locked and unlocked: Go's {@code sync.Locker}.
 *
 * <p>Implemented by {@link Mutex}, {@link RWMutex} (its write lock) and {@link RWMutex#readLocker()}
 * (its read lock). {@link Cond} waits on any {@code Locker}.
 *
 * <p>Go: {@code sync.Locker}, with the same two methods.
 */
public interface Locker {

  /** Acquires the lock, waiting as long as it takes. */
  void lock();

  /** Releases the lock. */
  void unlock();
}
