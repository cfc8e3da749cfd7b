package dev.runnel;

import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;

/**
 * One blocked send or receive, linked into one channel's wait queue.
 *
 * <p>A plain send or receive is a single object: the node is its own {@link Waiter}. A select
 * queues one node per case, all sharing the select's waiter; the node that completes that waiter
 * is its token, and says which case won.
 *
 * <p>{@link #prev}, {@link #next}, {@link #linked} and {@link #item} are guarded by the lock of
 * {@link #channel}. {@link #item} is the value to send (send node), the value a sender handed over
 * (receive node), or {@link #CLOSED} once {@code close} completed the node; a completer writes it
 * before its CAS on the waiter, so the waiter reads it after seeing the token.
 */
final class WaitNode extends Waiter {

  /** Installed in {@link #item} by close: the receive sees a closed channel, the send throws. */
  static final Object CLOSED = new Object();

  final Waiter waiter;
  final ChannelCore channel;
  final boolean isSend;
  final int caseIndex;
  Object item;
  WaitNode prev;
  WaitNode next;
  /** True while the node is in its channel's queue; once cleared, never set again. */
  boolean linked;

  /** A plain send ({@code item} non-null) or receive: the node waits for itself. */
  WaitNode(ChannelCore channel, Object item) {
    super(item == null ? WaitReason.CHAN_RECEIVE : WaitReason.CHAN_SEND, channel);
    this.waiter = this;
    this.channel = channel;
    this.isSend = item != null;
    this.caseIndex = 0;
    this.item = item;
  }

  /** One case of a select, completing the select's {@code waiter}. */
  WaitNode(Waiter waiter, ChannelCore channel, int caseIndex, Object item) {
    super(WaitReason.SELECT, channel);
    this.waiter = waiter;
    this.channel = channel;
    this.isSend = item != null;
    this.caseIndex = caseIndex;
    this.item = item;
  }
}
