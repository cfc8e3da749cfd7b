package dev.runnel.internal;

import dev.runnel.Channel;
import dev.runnel.ReceiveChannel;
import dev.runnel.time.Clock;
import java.util.function.Function;

/**
 * Lets one Runnel package use another's package-private machinery without making it public API
 * (the JDK's "shared secrets" pattern): the owning class installs an implementation from its
 * static initializer, and the user of it asks here.
 */
public final class Access {

  /** What the machinery needs from {@code dev.runnel}: the receive-only views it makes. */
  public interface Channels {
    /**
     * A view of a channel's core that can only receive (Go's {@code <-chan E}); {@code Select}
     * accepts it.
     *
     * @param <E> the element type
     * @param core the channel's core; {@link ChannelCore#nil()} for Go's nil channel
     * @param synchronous whether it reports length and capacity 0 (a timer's channel)
     * @return the view
     */
    <E> ReceiveChannel<E> view(ChannelCore core, boolean synchronous);

    /**
     * The core of a channel made by {@code Channel.make}.
     *
     * @param channel the channel
     * @return its core
     */
    ChannelCore core(Channel<?> channel);

    /**
     * Go's nil channel as a receive-only view: never ready; receive blocks until interrupted or
     * cancelled, and a select treats it as a nil case. One shared instance.
     *
     * @param <E> the element type
     * @return the nil channel
     */
    <E> ReceiveChannel<E> nil();
  }

  /**
   * A receive-only view of {@code channel}.
   *
   * @param <E> the element type
   * @param channel the channel
   * @return the view
   */
  public static <E> ReceiveChannel<E> receiveOnly(Channel<E> channel) {
    Channels c = channels();
    return c.view(c.core(channel), false);
  }

  private static volatile Channels channels;
  private static volatile Function<Clock, TimeSource> clocks;

  private Access() {}

  /**
   * Installs the channel machinery; called by {@code dev.runnel.Channel}'s initializer.
   *
   * @param c the implementation
   */
  public static void installChannels(Channels c) {
    channels = c;
  }

  /**
   * Installs the clock machinery; called by {@code dev.runnel.time.Clock}'s initializer.
   *
   * @param c maps a clock to its machinery
   */
  public static void installClocks(Function<Clock, TimeSource> c) {
    clocks = c;
  }

  /**
   * The channel machinery.
   *
   * @return the implementation {@code Channel} installed
   */
  public static Channels channels() {
    Channels c = channels;
    if (c == null) {
      initialize(Channel.class);
      c = channels;
    }
    return c;
  }

  /**
   * A clock's machinery.
   *
   * @param clock the clock
   * @return its time source
   */
  public static TimeSource timeSource(Clock clock) {
    return clocks.apply(clock); // a Clock instance exists, so Clock's initializer has run
  }

  private static void initialize(Class<?> c) {
    try {
      Class.forName(c.getName(), true, c.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }
}
