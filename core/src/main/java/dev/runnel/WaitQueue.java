package dev.runnel;

/**
 * A FIFO of {@link WaitNode}s: the blocked senders or the blocked receivers of one channel.
 * Guarded by the channel's lock. Nodes whose waiter is already completed elsewhere (a select won
 * by another case) or cancelled are skipped and dropped by {@link #pollCompletable()}.
 */
final class WaitQueue {
  private WaitNode head;
  private WaitNode tail;

  boolean isEmpty() {
    return head == null;
  }

  void add(WaitNode node) {
    node.linked = true;
    node.prev = tail;
    if (tail == null) {
      head = node;
    } else {
      tail.next = node;
    }
    tail = node;
  }

  /** Unlinks {@code node} if it is still queued. */
  void remove(WaitNode node) {
    if (!node.linked) {
      return;
    }
    node.linked = false;
    WaitNode p = node.prev;
    WaitNode n = node.next;
    if (p == null) {
      head = n;
    } else {
      p.next = n;
    }
    if (n == null) {
      tail = p;
    } else {
      n.prev = p;
    }
    node.prev = null;
    node.next = null;
  }

  /**
   * Removes and returns the first node whose waiter could still be completed, or null. The caller
   * must still win {@code node.waiter.tryComplete(node)}, which can only fail if the waiter gave
   * up or a select completed it through another channel in the meantime; then it polls again.
   */
  WaitNode pollCompletable() {
    WaitNode n;
    while ((n = head) != null) {
      remove(n);
      if (n.waiter.isWaiting()) {
        return n;
      }
    }
    return null;
  }

  /** Detaches every node, returning the old head; the chain stays walkable through {@code next}. */
  WaitNode detachAll() {
    WaitNode h = head;
    for (WaitNode n = h; n != null; n = n.next) {
      n.linked = false;
    }
    head = null;
    tail = null;
    return h;
  }
}
