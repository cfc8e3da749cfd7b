package dev.runnel.stress;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.locks.LockSupport;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

/**
 * The sample budget of the general-purpose model checker tests (30 interleavings per scenario in
 * {@link ChannelBlockingOperationsAreLinearizableTest}, {@link
 * MutexBlockingOperationsAreLinearizableTest}, {@link
 * RWMutexBlockingOperationsAreLinearizableTest}) still finds a lost wake-up, the bug those tests
 * exist for, planted here in a one-shot latch whose waiter checks a flag and then registers,
 * without a second look: a release between the check and the registration leaves the waiter
 * parked forever. If the sample ever got too small to find it, this test fails. (Without {@link
 * LincheckShared#publish}, Lincheck 3.7 found it at no budget tried, up to 300: see there.)
 */
class GeneralModelCheckerFindsPlantedLostWakeUpTest {

  /** The interleavings per scenario that the blocking tests' sample runs. */
  private static final int SAMPLE_INVOCATIONS = 30;

  /**
   * Planted bug: a one-shot latch that hands its release to a registered waiter, or leaves a flag
   * when there is none; the waiter checks the flag and only then registers, with no second look.
   */
  static final class CheckThenRegisterLatch {
    private volatile boolean released;
    private volatile boolean handedOff;
    private volatile Thread waiter;

    void await() {
      if (released) {
        return;
      }
      waiter = Thread.currentThread(); // the bug: a release since the check is not seen
      while (!handedOff) {
        LockSupport.park(this);
      }
    }

    void release() {
      Thread w = waiter;
      if (w == null) {
        released = true;
        return;
      }
      handedOff = true;
      LockSupport.unpark(w);
    }
  }

  @Test
  void sampleFindsALostWakeUp() {
    assertThatThrownBy(
            () ->
                Lincheck.runConcurrentTest(
                    SAMPLE_INVOCATIONS,
                    () -> {
                      CheckThenRegisterLatch latch =
                          LincheckShared.publish(new CheckThenRegisterLatch());
                      // a lambda, not Thread::new: Lincheck must see the constructor call
                      Thread waiter = new Thread(() -> latch.await());
                      waiter.start();
                      latch.release();
                      try {
                        waiter.join();
                      } catch (InterruptedException e) {
                        throw new AssertionError(e);
                      }
                    }))
        .isInstanceOf(AssertionError.class);
  }
}
