package dev.runnel;

import dev.runnel.internal.Access;
import dev.runnel.internal.ChannelCore;

/**
 * A receive-only view of a channel (Go's {@code <-chan E}): what a context's {@code done()} and a
 * timer's {@code c()} return, so that no holder can send on them or close them. {@link Select}
 * accepts it like the channel itself.
 *
 * <p>The view of the nil core is Go's nil channel: never ready; receiving blocks until interrupted
 * or cancelled. A synchronous view (a timer's) reports length and capacity 0, as Go 1.23's timer
 * channels do.
 */
final class ReceiveOnlyChannel<E> extends ReceiveSide<E> implements ReceiveChannel<E> {

  private static final ReceiveOnlyChannel<?> NIL = new ReceiveOnlyChannel<>(ChannelCore.nil(), true);

  /** What the machinery asks of this package: views, and the core of a channel. */
  static final Access.Channels MACHINERY =
      new Access.Channels() {
        @Override
        public <T> ReceiveChannel<T> view(ChannelCore core, boolean synchronous) {
          return new ReceiveOnlyChannel<>(core, synchronous);
        }

        @Override
        public ChannelCore core(Channel<?> channel) {
          return channel.core;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> ReceiveChannel<T> nil() {
          return (ReceiveChannel<T>) NIL;
        }
      };

  private final boolean synchronous;

  private ReceiveOnlyChannel(ChannelCore core, boolean synchronous) {
    super(core);
    this.synchronous = synchronous;
  }

  @Override
  public int size() {
    return synchronous ? 0 : core.length();
  }

  @Override
  public int capacity() {
    return synchronous ? 0 : core.capacity();
  }

  @Override
  public String toString() {
    return core.isNil() ? "nil chan" : "<-" + core;
  }
}
