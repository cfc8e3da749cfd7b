package dev.runnel.stress;

import dev.runnel.sync.RWMutex;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * {@link RWMutex#tryLock()}, {@link RWMutex#tryReadLock()}, {@link RWMutex#unlock()} and {@link
 * RWMutex#readUnlock()} are linearizable with respect to {@link Spec}: a writer flag and a reader
 * count.
 *
 * <p>Nothing here parks. An {@code unlock} without a writer and a {@code readUnlock} without a
 * reader throw {@link IllegalMonitorStateException}: a result like any other (the lock is not
 * owned, so any thread may release it).
 *
 * <p>Both tests are disabled: they fail (see {@link #BUG}). Correct use without {@code tryLock} is
 * covered, and passes, in {@link RWMutexBlockingOperationsAreLinearizableTest}.
 */
class RWMutexTryOperationsAreLinearizableTest {

  public static class TryOps {
    private final RWMutex mu = new RWMutex();

    @Operation
    public boolean tryLock() {
      return mu.tryLock();
    }

    @Operation
    public boolean tryReadLock() {
      return mu.tryReadLock();
    }

    @Operation
    public void unlock() {
      mu.unlock();
    }

    @Operation
    public void readUnlock() {
      mu.readUnlock();
    }
  }

  /** The sequential specification: a writer flag and a reader count. */
  public static class Spec {
    private boolean writer;
    private int readers;

    public boolean tryLock() {
      if (writer || readers != 0) {
        return false;
      }
      writer = true;
      return true;
    }

    public boolean tryReadLock() {
      if (writer) {
        return false;
      }
      readers++;
      return true;
    }

    public void unlock() {
      if (!writer) {
        throw new IllegalMonitorStateException("sync: Unlock of unlocked RWMutex");
      }
      writer = false;
    }

    public void readUnlock() {
      if (readers == 0) {
        throw new IllegalMonitorStateException("sync: RUnlock of unlocked RWMutex");
      }
      readers--;
    }
  }

  private static final String BUG =
      "BUG: not linearizable. (1) A misused release publishes a transient state before undoing"
          + " it: readUnlock() on an unlocked RWMutex sets readerCount to -1 before restoring 0,"
          + " so a concurrent tryLock() (or tryReadLock()) returns false on a free lock (Lincheck"
          + " trace: readUnlock(): IllegalMonitorStateException || tryLock(): false, from the"
          + " initial state); unlock() on an unlocked RWMutex likewise adds MAX_READERS first."
          + " (2) tryLock() fails while a concurrent unlock() has released readerCount but not yet"
          + " its inner writer mutex (RWMutexBlockingOperationsAreLinearizableTest"
          + ".tryLockDuringUnlock).";

  @Test
  @Disabled(BUG)
  void modelChecking() {
    new ModelCheckingOptions()
        .iterations(10)
        .invocationsPerIteration(200)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(1)
        .actorsAfter(1)
        .sequentialSpecification(Spec.class)
        .check(TryOps.class);
  }

  @Test
  @Disabled(BUG)
  void stress() {
    new StressOptions()
        .iterations(5)
        .invocationsPerIteration(500)
        .threads(2)
        .actorsPerThread(3)
        .sequentialSpecification(Spec.class)
        .check(TryOps.class);
  }

  /**
   * Two concurrent misused {@code readUnlock()} calls on an unlocked RWMutex must leave it usable.
   * They do not: with both decrements before either check, the second sees readerCount -2, takes
   * the "writer pending" path, decrements readerWait and returns normally; readerCount stays -1
   * and readerWait -1, so {@code tryLock()} fails forever and a later {@code lock()} parks on
   * writerSem forever. Found by {@link #stress()} (readUnlock(): void || readUnlock():
   * IllegalMonitorStateException, from a new RWMutex).
   */
  @Test
  @Disabled(
      "BUG: two concurrent readUnlock() on an unlocked RWMutex: one returns normally and the"
          + " lock is left with readerCount -1 and readerWait -1; tryLock() then fails forever"
          + " and lock() parks forever")
  void twoMisusedReadUnlocksLeaveTheLockUsable() {
    Lincheck.runConcurrentTest(
        200,
        () -> {
          RWMutex mu = new RWMutex();
          Thread[] threads = new Thread[2];
          for (int i = 0; i < 2; i++) {
            threads[i] =
                new Thread(
                    () -> {
                      try {
                        mu.readUnlock();
                        throw new AssertionError("readUnlock() of an unlocked RWMutex returned");
                      } catch (IllegalMonitorStateException expected) {
                        // a result like any other
                      }
                    });
          }
          for (Thread t : threads) {
            t.start();
          }
          for (Thread t : threads) {
            try {
              t.join();
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
          }
          if (!mu.tryLock()) {
            throw new AssertionError("unusable after two misused readUnlock(): " + mu);
          }
        });
  }
}
