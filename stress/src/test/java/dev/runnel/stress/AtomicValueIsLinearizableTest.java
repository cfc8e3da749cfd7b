package dev.runnel.stress;

import dev.runnel.atomic.AtomicValue;
import java.util.Objects;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * {@link AtomicValue}'s {@code load}, {@code store}, {@code swap} and {@code compareAndSwap} are
 * linearizable with respect to {@link Spec}: one reference, whose class the first store pins.
 *
 * <p>Values are {@code Integer}s made anew for each call ({@link #big}); {@code storeLong} stores
 * a {@code Long}, which succeeds only as the first store and otherwise throws {@link
 * IllegalArgumentException} (after a first {@code Long}, every {@code Integer} store throws); a
 * null store throws {@link NullPointerException}. Both are results like any other. {@code
 * compareAndSwap} compares with {@code equals}; {@code compareAndSwapFromNull} expects the value
 * to be unset.
 */
class AtomicValueIsLinearizableTest {

  @Param(name = "v", gen = IntGen.class, conf = "1:3")
  public static class Ops {
    private final AtomicValue<Object> value = new AtomicValue<>();

    @Operation
    public Object load() {
      return value.load();
    }

    @Operation
    public void store(@Param(name = "v") int v) {
      value.store(big(v));
    }

    @Operation
    public void storeLong(@Param(name = "v") int v) {
      value.store((long) big(v));
    }

    @Operation
    public void storeNull() {
      value.store(null);
    }

    @Operation
    public Object swap(@Param(name = "v") int v) {
      return value.swap(big(v));
    }

    @Operation
    public boolean compareAndSwap(@Param(name = "v") int old, @Param(name = "v") int v) {
      return value.compareAndSwap(big(old), big(v));
    }

    @Operation
    public boolean compareAndSwapFromNull(@Param(name = "v") int v) {
      return value.compareAndSwap(null, big(v));
    }
  }

  /**
   * The value stored for parameter {@code v}: a new {@code Integer} each time (outside the boxing
   * cache), so that {@code compareAndSwap} must compare with {@code equals}, not identity.
   */
  static Integer big(int v) {
    return Integer.valueOf(v + 1000);
  }

  /** The sequential specification: a reference whose class the first store pins. */
  public static class Spec {
    private Object value;

    public Object load() {
      return value;
    }

    public void store(int v) {
      set(big(v));
    }

    public void storeLong(int v) {
      set((long) big(v));
    }

    public void storeNull() {
      throw new NullPointerException("sync/atomic: store of nil value into Value");
    }

    public Object swap(int v) {
      Object old = value;
      set(big(v));
      return old;
    }

    public boolean compareAndSwap(int old, int v) {
      if (value == null) {
        return false; // old is never null here
      }
      checkClass(big(v));
      if (!Objects.equals(value, big(old))) {
        return false;
      }
      value = big(v);
      return true;
    }

    public boolean compareAndSwapFromNull(int v) {
      if (value == null) {
        value = big(v);
        return true;
      }
      checkClass(big(v));
      return false;
    }

    private void set(Object v) {
      checkClass(v);
      value = v;
    }

    private void checkClass(Object v) {
      if (value != null && value.getClass() != v.getClass()) {
        throw new IllegalArgumentException("sync/atomic: inconsistently typed value");
      }
    }
  }

  @Test
  void modelChecking() {
    LincheckBudget.modelCheck(Ops.class, Spec.class);
  }

  @Test
  void stress() {
    LincheckBudget.stress(Ops.class, Spec.class);
  }
}
