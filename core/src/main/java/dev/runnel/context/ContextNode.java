package dev.runnel.context;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;

/**
 * Something a {@link CancelCtx} cancels along with itself: a child context, a waiter blocked
 * with the context, an {@code afterFunc}, an interrupt bridge. Nodes form an intrusive doubly
 * linked list per parent, so adding and removing are O(1) and a cancelled child leaves at once.
 *
 * <p>{@link #prev} and {@link #next} are guarded by {@link #owner}'s lock. {@link #owner} is set
 * under that lock when the node is added, and cleared under it when the node is removed or the
 * owner is cancelled; once cleared it is never set again, so a node that reads it non-null
 * re-checks it under the owner's lock.
 */
abstract class ContextNode {

  ContextNode prev;
  ContextNode next;
  volatile CancelCtx owner;

  /**
   * Called once when the owner is cancelled, after the node was detached from it; must not block
   * or run user code.
   *
   * @param settled counted down once the cancellation has reached every descendant; a context
   *     that returns children keeps it for cancels that lose the race (null when the node has no
   *     children)
   * @return the children this node detached in turn (a list through {@link #next}), to be
   *     cancelled with the same error and cause, or null
   */
  abstract ContextNode parentCancelled(
      CancellationException err, Throwable cause, CountDownLatch settled);

  /** Removes this node from its owner, if it is still in one. */
  final void detach() {
    CancelCtx p = owner;
    if (p != null) {
      p.remove(this);
    }
  }
}
