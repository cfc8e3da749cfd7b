package dev.runnel.stress;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.context.ContextCanceledException;
import dev.runnel.semaphore.WeightedSemaphore;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * {@link WeightedSemaphore}'s {@code tryAcquire}, {@code release}, {@code acquire} with a
 * cancelled context and {@code inUse} are linearizable with respect to {@link Spec}, Go's
 * semaphore with nobody queued: a count of units in use between 0 and the size.
 *
 * <p>No operation here blocks, so the queue stays empty (the blocking paths and their
 * cancellation are covered by the unit tests' races). Misuse is a result: releasing more than
 * held throws {@link IllegalStateException} and changes nothing; an acquire whose context is done
 * throws {@code ctx.err()} and changes nothing, even when the units are free.
 */
class WeightedSemaphoreIsLinearizableTest {

  static final int SIZE = 3;

  @Param(name = "n", gen = IntGen.class, conf = "1:3")
  public static class SemaphoreOps {
    private static final CancelContext CANCELLED = cancelled();

    final WeightedSemaphore sem = new WeightedSemaphore(SIZE);

    private static CancelContext cancelled() {
      CancelContext ctx = Context.withCancel(Context.background());
      ctx.cancel();
      return ctx;
    }

    @Operation
    public boolean tryAcquire(@Param(name = "n") int n) {
      return sem.tryAcquire(n);
    }

    @Operation
    public void release(@Param(name = "n") int n) {
      sem.release(n);
    }

    @Operation
    public void acquireWithCancelledContext(@Param(name = "n") int n) throws InterruptedException {
      sem.acquire(CANCELLED, n);
    }

    @Operation
    public long inUse() {
      return sem.inUse();
    }
  }

  /** The sequential specification. */
  public static class Spec {
    long cur;

    public boolean tryAcquire(int n) {
      if (SIZE - cur < n) {
        return false;
      }
      cur += n;
      return true;
    }

    public void release(int n) {
      if (cur - n < 0) {
        throw new IllegalStateException("semaphore: released more than held");
      }
      cur -= n;
    }

    public void acquireWithCancelledContext(int n) {
      throw new ContextCanceledException();
    }

    public long inUse() {
      return cur;
    }
  }

  @Test
  void modelChecking() {
    LincheckBudget.modelCheck(SemaphoreOps.class, Spec.class);
  }

  @Test
  void stress() {
    LincheckBudget.stress(SemaphoreOps.class, Spec.class);
  }
}
