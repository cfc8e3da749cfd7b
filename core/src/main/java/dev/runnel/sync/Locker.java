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

  /**
   * Locks and returns a handle whose {@code close()} unlocks, for try-with-resources: the form
   * that cannot forget the unlock on an early return or exception (Go's {@code defer mu.Unlock()}).
   *
   * {@snippet :
   * try (var held = mu.hold()) {
   *   balance += amount;
   * }
   * }
   *
   * @return the handle; close it exactly once
   */
  default Held hold() {
    lock();
    return this::unlock;
  }

  /** A held lock: {@link #close()} unlocks it. */
  @FunctionalInterface
  interface Held extends AutoCloseable {
    /** Unlocks the lock. */
    @Override
    void close();
  }
}
