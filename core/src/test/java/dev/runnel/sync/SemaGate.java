package dev.runnel.sync;

import static org.assertj.core.api.Assertions.fail;

import dev.runnel.internal.Sema;
import dev.runnel.testkit.Threads;
import java.lang.reflect.Field;
import java.util.concurrent.locks.LockSupport;

/**
 * Holds the internal lock of a sync type's {@link Sema} from the test thread, so that another
 * goroutine's unlock, wake or cleanup stops at a known point: the only way to freeze the windows
 * that Go's own tests can only hit by racing. White-box by design; used sparingly.
 */
final class SemaGate implements AutoCloseable {

  private final Sema sema;
  /** The Sema's internal lock: what a goroutine stopped at the gate is parked on. */
  private final Object lock;

  private SemaGate(Sema sema) {
    this.sema = sema;
    try {
      Field f = Sema.class.getDeclaredField("lock");
      f.setAccessible(true);
      this.lock = f.get(sema);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
    sema.lock();
  }

  /** Closes the gate on the {@code Sema} held in {@code owner}'s private field {@code field}. */
  static SemaGate close(Object owner, String field) {
    try {
      Field f = owner.getClass().getDeclaredField(field);
      f.setAccessible(true);
      Object s = f.get(owner);
      if (s == null) {
        fail("no Sema yet in " + owner + "." + field);
      }
      return new SemaGate((Sema) s);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** Waits until {@code t} is parked waiting for this gate (the Sema's internal lock). */
  void awaitStopped(Thread t) {
    Threads.eventually(t + " stopped at the gate", () -> LockSupport.getBlocker(t) == lock);
  }

  /** Opens the gate. */
  @Override
  public void close() {
    sema.unlock();
  }
}
