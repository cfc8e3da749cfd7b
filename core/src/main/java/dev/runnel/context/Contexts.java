package dev.runnel.context;

import dev.runnel.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Walks up chains of Runnel contexts, always with a loop: a chain may be millions of contexts
 * deep, far more than a thread's stack holds frames.
 */
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

  /** The parent of a context Runnel derived, or null for a root or a foreign context. */
  private static Context parentOf(Context c) {
    if (c instanceof ValueContext v) {
      return v.parent;
    } else if (c instanceof CancelCtx cc) {
      return cc.parent();
    } else if (c instanceof WithoutCancelContext w) {
      return w.parent;
    }
    return null;
  }

  /**
   * Go's {@code String()} of a derived context, such as {@code
   * context.Background.WithValue(k, v).WithCancel}: the root's (or a foreign context's) own
   * {@code toString}, then one step per context derived from it. Go builds it by recursion; this
   * collects the chain first, so a chain of any depth is named in linear time and constant stack.
   */
  static String name(Context c) {
    List<Context> derived = new ArrayList<>();
    Context root = c;
    for (Context p; (p = parentOf(root)) != null; root = p) {
      derived.add(root);
    }
    StringBuilder s = new StringBuilder(String.valueOf(root));
    for (int i = derived.size() - 1; i >= 0; i--) {
      Context d = derived.get(i);
      if (d instanceof ValueContext v) {
        s.append(".WithValue(").append(v.key).append(", ").append(v.value).append(')');
      } else if (d instanceof CancelCtx cc) {
        cc.appendName(s);
      } else {
        s.append(".WithoutCancel");
      }
    }
    return s.toString();
  }
}
