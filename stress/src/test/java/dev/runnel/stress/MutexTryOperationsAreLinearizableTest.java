package dev.runnel.stress;

import dev.runnel.sync.Mutex;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * {@link Mutex#tryLock()}, {@link Mutex#unlock()}, {@link Mutex#isLocked()} and {@link
 * Mutex#waiters()} are linearizable with respect to {@link Spec}, a boolean.
 *
 * <p>Nothing here parks, so no goroutine ever waits and {@code waiters()} is always 0. An {@code
 * unlock} of an unlocked mutex throws {@link IllegalMonitorStateException}: a result like any
 * other (the mutex is not owned, so any thread may unlock it). The blocking forms are in {@link
 * MutexBlockingOperationsAreLinearizableTest}.
 */
class MutexTryOperationsAreLinearizableTest {

  public static class TryOps {
    private final Mutex mu = new Mutex();

    @Operation
    public boolean tryLock() {
      return mu.tryLock();
    }

    @Operation
    public void unlock() {
      mu.unlock();
    }

    @Operation
    public boolean isLocked() {
      return mu.isLocked();
    }

    @Operation
    public int waiters() {
      return mu.waiters();
    }
  }

  /** The sequential specification: a flag. */
  public static class Spec {
    private boolean locked;

    public boolean tryLock() {
      if (locked) {
        return false;
      }
      locked = true;
      return true;
    }

    public void unlock() {
      if (!locked) {
        throw new IllegalMonitorStateException("sync: unlock of unlocked mutex");
      }
      locked = false;
    }

    public boolean isLocked() {
      return locked;
    }

    public int waiters() {
      return 0;
    }
  }

  @Test
  void modelChecking() {
    LincheckBudget.modelCheck(TryOps.class, Spec.class);
  }

  @Test
  void stress() {
    LincheckBudget.stress(TryOps.class, Spec.class);
  }
}
