package dev.runnel.context;

import dev.runnel.internal.Waiter;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;

/** A goroutine blocked with a context: cancellation completes its waiter, which then throws. */
final class WaiterNode extends ContextNode {

  private final Waiter waiter;

  WaiterNode(Waiter waiter) {
    this.waiter = waiter;
  }

  @Override
  ContextNode parentCancelled(
      CancellationException err, Throwable cause, CountDownLatch settled) {
    waiter.completeAndWake(Waiter.CONTEXT_DONE);
    return null;
  }
}
