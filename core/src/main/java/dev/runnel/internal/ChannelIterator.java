package dev.runnel.internal;

import dev.runnel.UncheckedInterruptedException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Go's {@code for v := range ch}: receives until the channel is closed and drained. {@code
 * hasNext()} blocks; if interrupted it throws {@link UncheckedInterruptedException} with the
 * interrupt flag set.
 */
public final class ChannelIterator<E> implements Iterator<E> {

  private final ChannelCore channel;
  private E next;

  /**
   * An iterator over what a channel receives.
   *
   * @param channel the channel's core
   */
  public ChannelIterator(ChannelCore channel) {
    this.channel = channel;
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      try {
        next = channel.receiveValue(null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UncheckedInterruptedException(e);
      }
    }
    return next != null;
  }

  @Override
  public E next() {
    if (!hasNext()) {
      throw new NoSuchElementException("channel closed");
    }
    E e = next;
    next = null;
    return e;
  }
}
