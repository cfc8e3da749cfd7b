package dev.runnel;

import dev.runnel.internal.Waiter;

/**
 * One blocked send or receive, linked into one channel's wait queue. A select enqueues one node
 * per case, all sharing its {@link Waiter}; the node that completes the waiter is its token.
 *
 * <p>Every field except {@code waiter} and {@code caseIndex} is guarded by the lock of
 * {@link #channel}. {@link #item} is the value to send (send node), or the value a sender handed
 * over (receive node), or {@link #CLOSED} once {@code close} completed the node; the completer
 * writes it before its CAS on the waiter, so the waiter reads it after seeing the token.
 */
final class WaitNode {

  /** Installed in {@link #item} by close: the receive sees a closed channel, the send throws. */
  static final Object CLOSED = new Object();

  final Waiter waiter;
  final ChannelCore<?> channel;
  final int caseIndex;
  Object item;
  WaitNode prev;
  WaitNode next;
  /** True while the node is in its channel's queue. */
  boolean linked;

  WaitNode(Waiter waiter, ChannelCore<?> channel, int caseIndex, Object item) {
    this.waiter = waiter;
    this.channel = channel;
    this.caseIndex = caseIndex;
    this.item = item;
  }
}
