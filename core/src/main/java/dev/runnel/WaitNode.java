package dev.runnel;

import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;

/**
 * One blocked send or receive, linked into one channel's wait queue. A plain send or receive is a
 * single object: the node is its own {@link Waiter}. A select queues one {@link SelectNode} per
 * case instead, all completing the select's shared waiter.
 *
 * <p>{@link #prev}, {@link #next}, {@link #linked} and {@link #item} are guarded by the lock of
 * {@link #channel}. {@link #item} is the value to send (send node), the value a sender handed over
 * (receive node), or {@link #CLOSED} once {@code close} completed the node; a completer writes it
 * before its CAS on the waiter, so the waiter reads it after seeing the token (the node).
 */
class WaitNode extends Waiter {

  /** Installed in {@link #item} by close: the receive sees a closed channel, the send throws. */
  static final Object CLOSED = new Object();

  final ChannelCore channel;
  final boolean isSend;
  Object item;
  WaitNode prev;
  WaitNode next;
  /** True while the node is in its channel's queue; once cleared, never set again. */
  boolean linked;

  /**
   * A node for the current thread.
   *
   * @param item the value to send, or null for a receive
   */
  WaitNode(ChannelCore channel, Object item) {
    this.channel = channel;
    this.isSend = item != null;
    this.item = item;
  }

  /** The waiter this node completes: itself, for a plain send or receive. */
  Waiter waiter() {
    return this;
  }

  /** The select case this node stands for; 0 for a plain send or receive. */
  int caseIndex() {
    return 0;
  }

  @Override
  public WaitReason reason() {
    return isSend ? WaitReason.CHAN_SEND : WaitReason.CHAN_RECEIVE;
  }

  /** The public channel, so that dumps and {@code LockSupport.getBlocker} name what users hold. */
  @Override
  public Object waitingOn() {
    return channel.owner;
  }
}
