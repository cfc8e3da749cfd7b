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

  /** What {@code dev.runnel.time} and {@code dev.runnel.context} need from channels. */
  public interface Channels {
    /**
     * A view of {@code channel} that can only receive (Go's {@code <-chan E}); {@code Select}
     * accepts it.
     *
     * @param <E> the element type
     * @param channel the channel
     * @return the view
     */
    <E> ReceiveChannel<E> receiveOnly(Channel<E> channel);

    /**
     * A channel that is never ready (Go's nil channel): receive blocks until interrupted or
     * cancelled, and a select treats it as a nil case.
     *
     * @param <E> the element type
     * @return the nil channel
     */
    <E> ReceiveChannel<E> nil();

    /**
     * A timer whose channel reports capacity 0 and is armed lazily while receivers wait.
     *
     * @param time the clock
     * @param when first firing, on {@code time.nanoTime()}
     * @param period nanoseconds between firings, or 0 for a one-shot timer
     * @return the armed timer
     */
    TimerHandle newChannelTimer(TimeSource time, long when, long period);
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
