package dev.runnel.sync;

import static dev.runnel.testkit.Threads.awaitParked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.internal.WaitReason;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A misused {@code Cond.await} (its locker not held, or a locker whose unlock throws) throws the
 * locker's exception and leaves the Cond as it was: no waiter stays queued to swallow the next
 * signal, and a signal that reached the misused call in the meantime is passed on.
 */
@Timeout(20)
class CondMisuseTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted(); // never leak a flag into the next test
  }

  /** The three forms of await, each as a call that may throw. */
  enum Form {
    PLAIN {
      @Override
      void await(Cond cond) throws InterruptedException {
        cond.await();
      }
    },
    TIMED {
      @Override
      void await(Cond cond) throws InterruptedException {
        cond.await(Duration.ofSeconds(30));
      }
    },
    CONTEXT {
      @Override
      void await(Cond cond) throws InterruptedException {
        try (CancelContext ctx = Context.withCancel(Context.background())) {
          cond.await(ctx);
        }
      }
    };

    abstract void await(Cond cond) throws InterruptedException;
  }

  /** Starts a goroutine that locks {@code locker}, awaits once, and waits until it is queued. */
  private static Task<Integer> realWaiter(Runner runner, Locker locker, Cond cond, int id) {
    Task<Integer> t =
        runner.call(
            () -> {
              locker.lock();
              try {
                cond.await();
                return id;
              } finally {
                locker.unlock();
              }
            });
    assertThat(awaitParked(t.thread()).reason()).isEqualTo(WaitReason.COND_WAIT);
    return t;
  }

  /** A signal after the misuse reaches the real waiter: no ghost is left in the queue. */
  private static void assertSignalReachesARealWaiter(Runner runner, Locker locker, Cond cond)
      throws Exception {
    Task<Integer> waiter = realWaiter(runner, locker, cond, 7);
    cond.signal();
    assertThat(waiter.join()).as("the real waiter was woken by the signal").isEqualTo(7);
  }

  @ParameterizedTest
  @EnumSource(Form.class)
  void awaitWithoutTheMutexThrowsAndLeavesNoGhostWaiter(Form form) throws Exception {
    for (Runner runner : Runner.values()) {
      Mutex mu = new Mutex();
      Cond cond = new Cond(mu);
      assertThatThrownBy(() -> form.await(cond))
          .isInstanceOf(IllegalMonitorStateException.class)
          .hasMessageStartingWith("sync: unlock of unlocked mutex");
      assertThat(mu.isLocked()).as("await did not lock it either").isFalse();
      assertSignalReachesARealWaiter(runner, mu, cond);
      assertThat(mu.isLocked()).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Form.class)
  void awaitWithoutTheReadLockThrowsAndLeavesNoGhostWaiter(Form form) throws Exception {
    for (Runner runner : Runner.values()) {
      RWMutex rw = new RWMutex();
      Cond cond = new Cond(rw.readLocker());
      assertThatThrownBy(() -> form.await(cond))
          .isInstanceOf(IllegalMonitorStateException.class)
          .hasMessageStartingWith("sync: RUnlock of unlocked RWMutex");
      assertThat(rw.readers()).isZero();
      assertSignalReachesARealWaiter(runner, rw.readLocker(), cond);
      assertThat(rw.readers()).isZero();
      assertThat(rw.tryLock()).as("the RWMutex is free").isTrue();
      rw.unlock();
    }
  }

  @ParameterizedTest
  @EnumSource(Form.class)
  void anUnlockThatThrowsForAnyReasonLeavesNoGhostWaiter(Form form) throws Exception {
    for (Runner runner : Runner.values()) {
      RefusingLocker locker = new RefusingLocker();
      Cond cond = new Cond(locker);
      locker.lock();
      locker.refuseNextUnlock(() -> {});
      assertThatThrownBy(() -> form.await(cond))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("refused");
      assertThat(locker.mu.isLocked()).as("still held: the unlock did not happen").isTrue();
      locker.unlock();
      assertSignalReachesARealWaiter(runner, locker, cond);
    }
  }

  /**
   * A signal that comes while the misused await is queued (here from inside the failing unlock,
   * after a real waiter queued behind it) completes the misused call's node; the Cond passes it on
   * to the real waiter, which would otherwise never wake.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void aSignalTakenByTheMisusedAwaitIsPassedOn(Runner runner) throws Exception {
    RefusingLocker locker = new RefusingLocker();
    Cond cond = new Cond(locker);
    @SuppressWarnings("unchecked")
    Task<Integer>[] behind = new Task[1];
    locker.refuseNextUnlock(
        () -> {
          behind[0] = realWaiter(runner, locker, cond, 3); // queued after the misused call
          cond.signal(); // goes to the misused call's node, the longest queued
        });
    assertThatThrownBy(() -> cond.await()).isInstanceOf(IllegalStateException.class);
    assertThat(behind[0].join()).as("the signal was passed on").isEqualTo(3);
    assertThat(locker.mu.isLocked()).isFalse();
    assertSignalReachesARealWaiter(runner, locker, cond);
  }

  /**
   * A broadcast that reaches the misused await's node also reached every waiter queued with it:
   * nothing is passed on, so a waiter that queued after the broadcast keeps waiting for its own
   * signal.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void aBroadcastTakenByTheMisusedAwaitIsNotPassedOn(Runner runner) throws Exception {
    RefusingLocker locker = new RefusingLocker();
    Cond cond = new Cond(locker);
    @SuppressWarnings("unchecked")
    Task<Integer>[] waiters = new Task[2];
    locker.refuseNextUnlock(
        () -> {
          waiters[0] = realWaiter(runner, locker, cond, 1); // queued with the misused call
          cond.broadcast();
          waiters[1] = realWaiter(runner, locker, cond, 2); // queued after the broadcast
        });
    assertThatThrownBy(() -> cond.await()).isInstanceOf(IllegalStateException.class);
    assertThat(waiters[0].join()).isEqualTo(1);
    locker.lock(); // a waiter woken by mistake would now wait for this lock, not the Cond
    assertThat(awaitParked(waiters[1].thread()).reason()).isEqualTo(WaitReason.COND_WAIT);
    cond.signal();
    awaitParked(waiters[1].thread(), WaitReason.MUTEX_LOCK);
    locker.unlock();
    assertThat(waiters[1].join()).isEqualTo(2);
  }

  /**
   * A Mutex whose next unlock, by the thread that armed it, runs a hook and throws instead of
   * unlocking: a locker that fails for a reason of its own.
   */
  private static final class RefusingLocker implements Locker {
    final Mutex mu = new Mutex();
    private volatile Thread refusing;
    private volatile Runnable hook;

    void refuseNextUnlock(Runnable hook) {
      this.hook = hook;
      this.refusing = Thread.currentThread();
    }

    @Override
    public void lock() {
      mu.lock();
    }

    @Override
    public void unlock() {
      if (refusing == Thread.currentThread()) {
        refusing = null;
        hook.run();
        throw new IllegalStateException("refused");
      }
      mu.unlock();
    }
  }
}
