package dev.runnel.stress;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * The sample budget of {@link LincheckBudget#modelChecking()} (what CI runs) still finds races of
 * the shapes that Runnel's Lincheck tests found in Runnel itself (all fixed since), planted here in
 * small objects: a counter that publishes a value it then takes back (the old {@code
 * WaitGroup.add}), a clear that empties one slot at a time ({@code SyncMap.clear} on {@code
 * ConcurrentHashMap}), and two flags set in the wrong order ({@code err()} set before {@code
 * done()} closed). If the sample ever got too small to find them, these tests fail.
 */
class LincheckBudgetFindsPlantedRacesTest {

  /** An int that never goes negative; an add that would make it negative throws. */
  public static class CounterSpec {
    private int count;

    public void add(int delta) {
      if (count + delta < 0) {
        throw new IllegalStateException("negative counter");
      }
      count += delta;
    }

    public int count() {
      return count;
    }
  }

  /** Planted race: adds first, then takes a negative result back; others see it meanwhile. */
  @Param(name = "delta", gen = IntGen.class, conf = "-2:2")
  public static class AddThenUndoCounter {
    private final AtomicInteger count = new AtomicInteger();

    @Operation
    public void add(@Param(name = "delta") int delta) {
      if (count.addAndGet(delta) < 0) {
        count.addAndGet(-delta);
        throw new IllegalStateException("negative counter");
      }
    }

    @Operation
    public int count() {
      return count.get();
    }
  }

  /** Two keys, cleared together. */
  public static class MapSpec {
    private final int[] slots = new int[2];

    public void put(int key, int value) {
      slots[key - 1] = value;
    }

    public int get(int key) {
      return slots[key - 1];
    }

    public void clear() {
      slots[0] = 0;
      slots[1] = 0;
    }
  }

  /** Planted race: clear empties one slot, then the other. */
  @Param(name = "key", gen = IntGen.class, conf = "1:2")
  @Param(name = "value", gen = IntGen.class, conf = "1:3")
  public static class SlotBySlotClearMap {
    private final AtomicInteger first = new AtomicInteger();
    private final AtomicInteger second = new AtomicInteger();

    @Operation
    public void put(@Param(name = "key") int key, @Param(name = "value") int value) {
      (key == 1 ? first : second).set(value);
    }

    @Operation
    public int get(@Param(name = "key") int key) {
      return (key == 1 ? first : second).get();
    }

    @Operation
    public void clear() {
      first.set(0);
      second.set(0);
    }
  }

  /** One cancellation, seen through two views that must agree. */
  public static class FlagsSpec {
    private boolean cancelled;

    public void cancel() {
      cancelled = true;
    }

    public boolean errSet() {
      return cancelled;
    }

    public boolean doneClosed() {
      return cancelled;
    }
  }

  /** Planted race: the error is published before the done flag, and read in the other order. */
  public static class ErrBeforeDoneFlags {
    private volatile boolean err;
    private volatile boolean done;

    @Operation
    public void cancel() {
      err = true;
      done = true;
    }

    @Operation
    public boolean errSet() {
      return err;
    }

    @Operation
    public boolean doneClosed() {
      return done;
    }
  }

  @Test
  void sampleFindsACounterThatPublishesAValueItTakesBack() {
    assertThatThrownBy(() -> LincheckBudget.modelCheck(AddThenUndoCounter.class, CounterSpec.class))
        .isInstanceOf(LincheckAssertionError.class);
  }

  @Test
  void sampleFindsAClearThatIsNotAtomic() {
    assertThatThrownBy(() -> LincheckBudget.modelCheck(SlotBySlotClearMap.class, MapSpec.class))
        .isInstanceOf(LincheckAssertionError.class);
  }

  @Test
  void sampleFindsTwoFlagsPublishedInTheWrongOrder() {
    assertThatThrownBy(() -> LincheckBudget.modelCheck(ErrBeforeDoneFlags.class, FlagsSpec.class))
        .isInstanceOf(LincheckAssertionError.class);
  }
}
