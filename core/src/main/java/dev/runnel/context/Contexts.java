package dev.runnel.context;

import dev.runnel.time.Clock;
import java.util.Objects;

/** Lookups that walk a chain of Runnel contexts without recursion. */
final class Contexts {

  /** The key under which {@link Context#withClock} stores the clock. */
  static final Object CLOCK_KEY =
      new Object() {
        @Override
        public String toString() {
          return "clock";
        }
      };

  private Contexts() {}

  /**
   * Checks the parent of a context being derived.
   *
   * @throws NullPointerException with Go's message if {@code parent} is null
   */
  static Context requireParent(Context parent) {
    return Objects.requireNonNull(parent, "cannot create context from nil parent");
  }

  /** Go's {@code value(c, key)}: the innermost value for {@code key} in the chain from {@code c}. */
  static Object value(Context c, Object key) {
    for (; ; ) {
      if (c instanceof ValueContext v) {
        return v.lookup(key);
      } else if (c instanceof CancelCtx cc) {
        c = cc.parent();
      } else if (c instanceof WithoutCancelContext w) {
        c = w.parent;
      } else {
        return c.value(key); // background, todo, or a foreign context
      }
    }
  }

  /** The clock that times deadlines under {@code c}. */
  static Clock clock(Context c) {
    return c.value(CLOCK_KEY) instanceof Clock clock ? clock : Clock.system();
  }
}
