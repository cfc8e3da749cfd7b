package dev.runnel.debug;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A detector's on/off state: turning on stops the earlier configuration first, and each change is
 * made under a lock, so concurrent enable and disable calls leave exactly one configuration or
 * none. A lock, not {@code synchronized}: stopping joins a watchdog thread.
 */
final class Switch {

  private final ReentrantLock lock = new ReentrantLock();
  private Runnable stop; // guarded by lock; null while off

  /** Stops the current configuration, if any, then starts one; {@code start} returns its stop. */
  void on(Supplier<Runnable> start) {
    lock.lock();
    try {
      offLocked();
      stop = start.get();
    } finally {
      lock.unlock();
    }
  }

  /** Stops the current configuration, if any. */
  void off() {
    lock.lock();
    try {
      offLocked();
    } finally {
      lock.unlock();
    }
  }

  boolean isOn() {
    lock.lock();
    try {
      return stop != null;
    } finally {
      lock.unlock();
    }
  }

  private void offLocked() {
    if (stop != null) {
      Runnable s = stop;
      stop = null;
      s.run();
    }
  }
}
