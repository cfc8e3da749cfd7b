package dev.runnel;

import dev.runnel.context.Context;
import dev.runnel.internal.ChannelCore;
import dev.runnel.internal.ChannelIterator;
import dev.runnel.internal.Waiter;
import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;

/**
 * The receiving operations of {@link Channel} and of the receive-only views, written once: each
 * adapts its {@link ChannelCore}'s typed results to {@link ReceiveChannel}'s contract.
 *
 * @param <E> the element type
 */
abstract sealed class ReceiveSide<E> permits Channel, ReceiveOnlyChannel {

  /** The algorithm and all mutable state. */
  final ChannelCore core;

  /** A side over an existing core: a receive-only view. */
  ReceiveSide(ChannelCore core) {
    this.core = core;
  }

  /** A new channel's side: its core names this object in dumps. */
  ReceiveSide(int capacity) {
    this.core = new ChannelCore(this, capacity, null);
  }

  /** The core of a channel or view for a select case; null for a null (nil) channel. */
  static ChannelCore coreOf(ReceiveChannel<?> ch) {
    return ch == null ? null : ((ReceiveSide<?>) ch).core;
  }

  /** The core of a channel for a select case; null for a null (nil) channel. */
  static ChannelCore coreOf(SendChannel<?> ch) {
    return ch == null ? null : ((Channel<?>) ch).core;
  }

  /**
   * Receives: Go's {@code v := <-ch}. See {@link ReceiveChannel#receive()}.
   *
   * @return the value, or {@code null} once the channel is closed and drained
   * @throws InterruptedException if interrupted while waiting; then nothing was received
   */
  public E receive() throws InterruptedException {
    return core.receiveValue(null);
  }

  /**
   * Receives and reports whether the channel was open: Go's {@code v, ok := <-ch}. See {@link
   * ReceiveChannel#receiveOk()}.
   *
   * @return the value with {@code ok == true}, or {@link Received#closed()}
   * @throws InterruptedException if interrupted while waiting; then nothing was received
   */
  public Received<E> receiveOk() throws InterruptedException {
    return core.receiveOk(Long.MAX_VALUE, null);
  }

  /**
   * Receives, giving up when {@code ctx} ends. See {@link ReceiveChannel#receive(Context)}.
   *
   * @param ctx the context whose end stops the wait
   * @return the value, or {@code null} once the channel is closed and drained
   * @throws InterruptedException if interrupted while waiting; then nothing was received
   */
  public E receive(Context ctx) throws InterruptedException {
    return core.receiveValue(Objects.requireNonNull(ctx, "ctx"));
  }

  /**
   * Receives and reports whether the channel was open, giving up when {@code ctx} ends. See
   * {@link ReceiveChannel#receiveOk(Context)}.
   *
   * @param ctx the context whose end stops the wait
   * @return the value with {@code ok == true}, or {@link Received#closed()}
   * @throws InterruptedException if interrupted while waiting; then nothing was received
   */
  public Received<E> receiveOk(Context ctx) throws InterruptedException {
    return core.receiveOk(Long.MAX_VALUE, Objects.requireNonNull(ctx, "ctx"));
  }

  /**
   * Receives, waiting at most {@code timeout}. See {@link ReceiveChannel#receive(Duration)}.
   *
   * @param timeout how long to wait at most
   * @return what was received; {@code null} if the timeout passed first
   * @throws InterruptedException if interrupted while waiting; then nothing was received
   */
  public Received<E> receive(Duration timeout) throws InterruptedException {
    return core.receiveOk(Waiter.deadlineAfter(timeout), null);
  }

  /**
   * Receives if that can be done without waiting. See {@link ReceiveChannel#tryReceive()}.
   *
   * @return what was received; {@code null} if a receive would block
   */
  public Received<E> tryReceive() {
    try {
      return core.receiveOk(0, null);
    } catch (InterruptedException impossible) { // a non-blocking receive never waits
      throw new AssertionError(impossible);
    }
  }

  /**
   * Returns an iterator that receives until the channel is closed and drained: Go's {@code for v
   * := range ch}. {@code hasNext()} blocks; if interrupted it throws {@link
   * UncheckedInterruptedException} with the interrupt flag set.
   *
   * @return the iterator
   */
  public Iterator<E> iterator() {
    return new ChannelIterator<>(core);
  }
}
