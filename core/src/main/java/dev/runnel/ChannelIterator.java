package dev.runnel;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Go's {@code for v := range ch}: receives until the channel is closed and drained. {@code
 * hasNext()} blocks; if interrupted it throws {@link UncheckedInterruptedException} with the
 * interrupt flag set.
 */
final class ChannelIterator<E> implements Iterator<E> {

  private final ReceiveChannel<E> channel;
  private E next;

  ChannelIterator(ReceiveChannel<E> channel) {
    this.channel = channel;
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      try {
        next = channel.receive();
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
