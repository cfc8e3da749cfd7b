package dev.runnel.context;

import dev.runnel.Go;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;

/**
 * {@link Context#afterFunc}: a child node that starts the function in a goroutine when the context
 * is cancelled. Starting and stopping race for one CAS, so exactly one of them happens.
 */
final class AfterFuncNode extends ContextNode implements AfterFunc {

  private static final VarHandle CLAIMED;

  static {
    try {
      CLAIMED = MethodHandles.lookup().findVarHandle(AfterFuncNode.class, "claimed", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Runnable f;
  /** For a context Runnel does not implement: the context this node hangs on, cancelled by stop. */
  private final CancelCtx bridge;
  private volatile boolean claimed;

  AfterFuncNode(Runnable f, CancelCtx bridge) {
    this.f = f;
    this.bridge = bridge;
  }

  private boolean claim() {
    return !claimed && CLAIMED.compareAndSet(this, false, true);
  }

  @Override
  ContextNode parentCancelled(
      CancellationException err, Throwable cause, CountDownLatch settled) {
    if (claim()) {
      Go.go(f::run);
    }
    return null;
  }

  @Override
  public boolean stop() {
    if (!claim()) {
      return false;
    }
    detach();
    if (bridge != null) {
      bridge.cancel();
    }
    return true;
  }
}
