package dev.runnel.context;

import static org.assertj.core.api.Assertions.fail;

import dev.runnel.Received;
import dev.runnel.internal.ShortLock;
import dev.runnel.testkit.Threads;
import java.lang.reflect.Field;
import java.util.function.BooleanSupplier;

/** Test helpers that look at a context's state without blocking, and inside a CancelCtx. */
final class ContextProbe {

  private static final Field CHILDREN;
  private static final Field LOCK;

  static {
    try {
      CHILDREN = CancelCtx.class.getDeclaredField("children");
      CHILDREN.setAccessible(true);
      LOCK = CancelCtx.class.getDeclaredField("lock");
      LOCK.setAccessible(true);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private ContextProbe() {}

  /** Whether {@code ctx.done()} is closed, asked without blocking. */
  static boolean isDone(Context ctx) {
    Received<?> r = ctx.done().tryReceive();
    if (r != null && r.ok()) {
      fail("a done channel delivered a value: " + r);
    }
    return r != null;
  }

  /**
   * How many nodes (child contexts, waiters, afterFuncs, interrupt bridges) a Runnel cancellable
   * context currently holds in its intrusive children list.
   */
  static int childCount(Context ctx) {
    CancelCtx c = (CancelCtx) ctx;
    ContextNode n;
    ShortLock lock;
    try {
      lock = (ShortLock) LOCK.get(c);
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
    lock.lock();
    try {
      n = (ContextNode) CHILDREN.get(c);
      int count = 0;
      for (; n != null; n = n.next) {
        count++;
      }
      return count;
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * A body that returns what {@code body} threw, or null if it returned: {@code Task.failure()}
   * cannot report a {@link java.util.concurrent.CancellationException}, which a CompletableFuture
   * takes for its own cancellation.
   */
  static Threads.Body<Throwable> thrownBy(Threads.Body<?> body) {
    return () -> {
      try {
        body.call();
        return null;
      } catch (Throwable e) {
        return e;
      }
    };
  }

  /** Runs the garbage collector until {@code condition} holds, failing after a bounded time. */
  static void gcUntil(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("timed out waiting, with GCs, until " + what);
      }
      System.gc();
      byte[][] pressure = new byte[64][];
      for (int i = 0; i < pressure.length; i++) {
        pressure[i] = new byte[64 * 1024];
      }
      Thread.onSpinWait();
    }
  }
}
