package dev.runnel.internal;

/**
 * One blocked send or receive, linked into one channel's wait queue. A plain send or receive is a
 * single object, its own {@link Waiter} ({@link ChanSendWait}, {@link ChanReceiveWait}: their class
 * names are what the JDK's thread dump shows as a parked goroutine's blocker). A select queues one
 * {@link SelectCase} per case instead, all completing the select's shared {@link SelectWait}.
 *
 * <p>{@link #prev}, {@link #next}, {@link #linked} and {@link #item} are guarded by the lock of
 * {@link #channel}, or, for a node in an unbuffered channel's slot, owned by whoever took it out of
 * the slot by CAS. {@link #item} is the value to send (send node), the value a sender handed over
 * (receive node), or {@link ChannelCore#CLOSED} once {@code close} completed the node; a completer
 * writes it before its CAS on the waiter, so the waiter reads it after seeing the token (the node).
 */
public abstract class ChannelWait extends Waiter {

  final ChannelCore channel;
  final boolean isSend;
  Object item;
  ChannelWait prev;
  ChannelWait next;
  /** True while the node is in its channel's queue; once cleared, never set again. */
  boolean linked;

  /**
   * A node for the current thread.
   *
   * @param item the value to send, or null for a receive
   */
  ChannelWait(ChannelCore channel, Object item) {
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

  /** The public channel, so that dumps and {@code LockSupport.getBlocker} name what users hold. */
  @Override
  public Object waitingOn() {
    return channel.owner;
  }
}
