package dev.runnel.stress;

import dev.runnel.ChannelClosedException;
import dev.runnel.Received;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The sequential specification of a Go channel: a FIFO of fixed capacity and a closed flag. No
 * concurrency, no waiting: an operation that would block is simply not enabled ({@link #NOT_NOW}).
 *
 * <p>An unbuffered channel (capacity 0) has no state but the flag: its transfers are rendezvous,
 * which {@link ChannelHistoryChecker} models as one event pairing a send with a receive.
 */
public class ChannelModel {

  /** What a blocking operation "returns" in a state where it would have to wait. */
  static final Object NOT_NOW = new Object() {
    @Override
    public String toString() {
      return "NOT_NOW";
    }
  };

  private final int capacity;
  private final ArrayDeque<Integer> buffer = new ArrayDeque<>();
  private boolean closed;

  public ChannelModel(int capacity) {
    this.capacity = capacity;
  }

  private ChannelModel(ChannelModel from) {
    this.capacity = from.capacity;
    this.buffer.addAll(from.buffer);
    this.closed = from.closed;
  }

  ChannelModel copy() {
    return new ChannelModel(this);
  }

  /** Identifies the state, for memoising a search. */
  Object stateKey() {
    return List.of(List.copyOf(buffer), closed);
  }

  boolean isClosed() {
    return closed;
  }

  // Lincheck's sequential specification calls these, by name, for the non-blocking operations.

  public boolean trySend(int v) {
    if (closed) {
      throw new ChannelClosedException("send on closed channel");
    }
    if (buffer.size() < capacity) {
      buffer.addLast(v);
      return true;
    }
    return false;
  }

  public Received<Integer> tryReceive() {
    if (!buffer.isEmpty()) {
      return new Received<>(buffer.pollFirst(), true);
    }
    return closed ? Received.closed() : null;
  }

  public void close() {
    if (closed) {
      throw new ChannelClosedException("close of closed channel");
    }
    closed = true;
  }

  public int size() {
    return buffer.size();
  }

  // The blocking operations, for the history checker: NOT_NOW where they would wait.

  /** {@code send}: {@code null} once sent, {@link #NOT_NOW} if it must wait; throws if closed. */
  Object send(int v) {
    if (closed) {
      throw new ChannelClosedException("send on closed channel");
    }
    if (buffer.size() < capacity) {
      buffer.addLast(v);
      return null;
    }
    return NOT_NOW;
  }

  /** {@code receive}: the element, {@code null} if closed and drained, or {@link #NOT_NOW}. */
  Object receive() {
    if (!buffer.isEmpty()) {
      return buffer.pollFirst();
    }
    return closed ? null : NOT_NOW;
  }
}
