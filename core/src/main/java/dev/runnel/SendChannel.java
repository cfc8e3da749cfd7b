package dev.runnel;

import dev.runnel.context.Context;
import java.time.Duration;

/**
 * The sending side of a channel: Go's {@code chan<- E}.
 *
 * <table>
 *   <caption>Sending</caption>
 *   <tr><th>blocks</th><th>never blocks</th><th>bounded</th></tr>
 *   <tr><td>{@link #send(Object)}</td><td>{@link #trySend(Object)}</td>
 *       <td>{@link #send(Object, Duration)}</td></tr>
 * </table>
 *
 * <p>Memory consistency effects: actions in a goroutine before a send happen-before the
 * corresponding receive completes in another goroutine.
 *
 * <p>Sealed: {@link Channel} is the one implementation, so that {@link Select} can wait on any
 * send channel.
 *
 * @param <E> the element type; elements are never null
 */
public sealed interface SendChannel<E> permits Channel {

  /**
   * Sends {@code e}, blocking until a receiver takes it (unbuffered channel) or the buffer has
   * room. Go: {@code ch <- e}.
   *
   * @param e the value to send
   * @throws ChannelClosedException if the channel is closed, or is closed while this send waits
   *     ({@code "send on closed channel"})
   * @throws InterruptedException if interrupted while waiting; then nothing was sent
   * @throws NullPointerException if {@code e} is null
   */
  void send(E e) throws InterruptedException;

  /**
   * Sends {@code e}, blocking until it is taken or {@code ctx} is done: Go's {@code select} with
   * a send case and a {@code <-ctx.Done()} case. A context that is done already fails the send
   * even if the channel is ready.
   *
   * @param ctx the context whose cancellation ends the wait
   * @param e the value to send
   * @throws java.util.concurrent.CancellationException {@code ctx.err()} if the context is or
   *     becomes done first; then nothing was sent
   * @throws ChannelClosedException if the channel is or becomes closed
   * @throws InterruptedException if interrupted while waiting; then nothing was sent
   */
  void send(Context ctx, E e) throws InterruptedException;

  /**
   * Sends {@code e}, waiting at most {@code timeout}: Go's {@code select} with a send case and a
   * {@code time.After} case.
   *
   * @param e the value to send
   * @param timeout how long to wait at most; zero or negative means do not wait
   * @return true if sent; false if the timeout passed first, and then nothing was sent
   * @throws ChannelClosedException if the channel is or becomes closed
   * @throws InterruptedException if interrupted while waiting; then nothing was sent
   */
  boolean send(E e, Duration timeout) throws InterruptedException;

  /**
   * Sends {@code e} if that can be done without blocking. Go: {@code select} with a send case and
   * a {@code default} case.
   *
   * @param e the value to send
   * @return true if sent, false where {@link #send(Object)} would block
   * @throws ChannelClosedException if the channel is closed (Go's non-blocking send panics too)
   */
  boolean trySend(E e);

  /**
   * Closes the channel: no more values will be sent. Blocked receivers receive what is buffered,
   * then get "closed" ({@code null}, or {@code ok == false}); blocked senders throw. Go: {@code
   * close(ch)}.
   *
   * @throws ChannelClosedException if already closed ({@code "close of closed channel"})
   */
  void close();
}
