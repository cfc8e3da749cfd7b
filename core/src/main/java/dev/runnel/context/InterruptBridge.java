package dev.runnel.context;

import dev.runnel.internal.CancelScope;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link Context#interruptOnCancel}: a child node that interrupts the calling thread if the
 * context is cancelled while the call runs.
 *
 * <pre>
 * Implementation notes
 *
 * state: RUNNING, then exactly one of
 *   - FINISHED, installed by the caller when the call ends first: no interrupt will come;
 *   - INTERRUPTING, installed by the cancelling thread, which then interrupts the caller and
 *     installs INTERRUPTED. The caller, seeing it lost, parks until INTERRUPTED (a short wait:
 *     the canceller is between two statements) and only then clears the flag, so the interrupt
 *     this bridge caused is consumed exactly once and cannot arrive after the call returned.
 * The interrupt status the caller had on entry is restored.
 * </pre>
 */
final class InterruptBridge extends ContextNode {

  private static final int RUNNING = 0, FINISHED = 1, INTERRUPTING = 2, INTERRUPTED = 3;
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(InterruptBridge.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Thread thread = Thread.currentThread();
  private volatile int state;

  static <T, X extends Exception> T call(Context ctx, Interruptible<T, X> call)
      throws X, InterruptedException {
    CancellationException err = ctx.err();
    if (err != null) {
      throw err;
    }
    CancelScope scope = CancelScope.of(ctx);
    if (scope == null) {
      return call.call();
    }
    CancelCtx owner = CancelCtx.follow(ctx, scope);
    InterruptBridge node = new InterruptBridge();
    boolean interruptedBefore = node.thread.isInterrupted();
    owner.add(node);
    try {
      T result;
      try {
        result = call.call();
      } catch (InterruptedException e) {
        if (!node.finish(interruptedBefore)) {
          throw ctx.err();
        }
        throw e;
      } catch (Throwable e) {
        node.finish(interruptedBefore);
        throw e;
      }
      node.finish(interruptedBefore);
      return result;
    } finally {
      if (owner != scope) { // a child of a foreign context, made for this call
        owner.cancel();
      }
    }
  }

  /**
   * Ends the bridge after the call: true if no interrupt was sent; false if one was, and then it
   * has been consumed and the entry interrupt status restored.
   */
  private boolean finish(boolean interruptedBefore) {
    if (state == RUNNING && STATE.compareAndSet(this, RUNNING, FINISHED)) {
      detach();
      return true;
    }
    while (state != INTERRUPTED) {
      Thread.interrupted(); // so that park blocks until the canceller's unpark
      LockSupport.park(this);
    }
    Thread.interrupted();
    if (interruptedBefore) {
      thread.interrupt();
    }
    return false;
  }

  @Override
  ContextNode parentCancelled(
      CancellationException err, Throwable cause, CountDownLatch settled) {
    if (STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
      thread.interrupt();
      state = INTERRUPTED;
      LockSupport.unpark(thread);
    }
    return null;
  }
}
