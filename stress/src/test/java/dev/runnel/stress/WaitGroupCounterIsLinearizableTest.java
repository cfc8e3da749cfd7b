package dev.runnel.stress;

import dev.runnel.sync.WaitGroup;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * {@link WaitGroup#add(int)}, {@link WaitGroup#done()} and {@link WaitGroup#count()} are
 * linearizable with respect to {@link Spec}, an int that never goes negative.
 *
 * <p>Nobody awaits, so no {@code add} can meet a waiter. An {@code add} or {@code done} that would
 * make the counter negative throws {@link IllegalStateException} ({@code "sync: negative WaitGroup
 * counter"}) and leaves the counter as it was: a result like any other.
 *
 */
class WaitGroupCounterIsLinearizableTest {

  @Param(name = "delta", gen = IntGen.class, conf = "-2:2")
  public static class CounterOps {
    final WaitGroup wg = new WaitGroup();

    @Operation
    public void add(@Param(name = "delta") int delta) {
      wg.add(delta);
    }

    @Operation
    public void done() {
      wg.done();
    }

    @Operation
    public int count() {
      return wg.count();
    }
  }


  static final int HIGH = 100;


  /** The sequential specification: a counter that refuses to go negative. */
  public static class Spec {
    int count;

    public void add(int delta) {
      if (count + delta < 0) {
        throw new IllegalStateException("sync: negative WaitGroup counter");
      }
      count += delta;
    }

    public void done() {
      add(-1);
    }

    public int count() {
      return count;
    }
  }

  @Test
  void modelChecking() {
    LincheckBudget.modelCheck(CounterOps.class, Spec.class);
  }

  @Test
  void stress() {
    LincheckBudget.stress(CounterOps.class, Spec.class);
  }
}
