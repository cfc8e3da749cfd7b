package dev.runnel.stress;

import dev.runnel.sync.RWMutex;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.datastructures.Operation;
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
 * <p>The write-side operations ({@code tryLock}, {@code unlock}) run in one thread at a time
 * (Lincheck's non-parallel group), against any number of read-side ones: like Go's {@code
 * TryLock}, a {@code tryLock} fails while another goroutine is inside {@code tryLock}, {@code lock}
 * or {@code unlock} (they hold the inner writer mutex for a moment), even when the lock is free
 * before and after; the RWMutex Javadoc says so. {@code readUnlock}s, too, run one at a time: a
 * misused {@code readUnlock} that races the last legitimate one disturbs the lock for a moment
 * (the Javadoc says so); {@link #twoMisusedReadUnlocksLeaveTheLockUsable} covers two misused
 * releases at once.
 */
class RWMutexTryOperationsAreLinearizableTest {

  public static class TryOps {
    private final RWMutex mu = new RWMutex();

    @Operation(nonParallelGroup = "writer")
    public boolean tryLock() {
      return mu.tryLock();
    }

    @Operation
    public boolean tryReadLock() {
      return mu.tryReadLock();
    }

    @Operation(nonParallelGroup = "writer")
    public void unlock() {
      mu.unlock();
    }

    @Operation(nonParallelGroup = "readUnlock")
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

  @Test
  void modelChecking() {
    LincheckBudget.modelCheck(TryOps.class, Spec.class);
  }

  @Test
  void stress() {
    LincheckBudget.stress(TryOps.class, Spec.class);
  }

  /**
   * Two concurrent misused {@code readUnlock()} calls on an unlocked RWMutex both throw and leave
   * it usable. (An add-then-check readUnlock, Go's, lets the second see readerCount -2, take the
   * "writer pending" path and return normally, leaving a lock no writer can ever take.)
   */
  @Test
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
