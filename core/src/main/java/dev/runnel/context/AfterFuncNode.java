package dev.runnel.context;

import dev.runnel.Go;
import dev.runnel.internal.CancelScope;
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
  /** For a foreign context: the child of it this node hangs on, cancelled by stop. */
  private final CancelCtx bridge;
  private volatile boolean claimed;

  AfterFuncNode(Runnable f, CancelCtx bridge) {
    this.f = f;
    this.bridge = bridge;
  }

  /** Hangs {@code f} on the context that {@code ctx}'s cancellation comes from. */
  static AfterFuncNode start(Context ctx, Runnable f) {
    CancelScope scope = CancelScope.of(ctx);
    if (scope == null) {
      return new AfterFuncNode(f, null); // never cancelled, so never run
    }
    CancelCtx owner = CancelCtx.follow(ctx, scope);
    AfterFuncNode node = new AfterFuncNode(f, owner == scope ? null : owner);
    owner.add(node);
    return node;
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
