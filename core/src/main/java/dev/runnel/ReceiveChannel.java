package dev.runnel;

import dev.runnel.context.Context;
import java.time.Duration;

/**
 * The receiving side of a channel: Go's {@code <-chan E}. Iterating over it is Go's {@code for v
 * := range ch}: it receives until the channel is closed and drained.
 *
 * <table>
 *   <caption>Receiving</caption>
 *   <tr><th>blocks</th><th>never blocks</th><th>bounded</th></tr>
 *   <tr><td>{@link #receive()}, {@link #receiveOk()}</td><td>{@link #tryReceive()}</td>
 *       <td>{@link #receive(Duration)}</td></tr>
 * </table>
 *
 * <p>Memory consistency effects: a send happens-before the corresponding receive completes;
 * closing a channel happens-before a receive that returns because the channel is closed.
 *
 * <p>Sealed: the implementations are {@link Channel} and the receive-only views that a context's
 * {@code done()} and a timer's {@code c()} return, so that {@link Select} can wait on any of them.
 * Go's {@code <-chan E} is likewise a type of the language, not an interface to implement.
 *
 * @param <E> the element type; elements are never null
 */
public sealed interface ReceiveChannel<E> extends Iterable<E> permits Channel, ReceiveOnlyChannel {

  /**
   * Receives a value, blocking until one is available. Go: {@code v := <-ch}.
   *
   * @return the value, or {@code null} once the channel is closed and drained
   * @throws InterruptedException if interrupted while waiting; then nothing was received
   */
  E receive() throws InterruptedException;

  /**
   * Receives a value and whether it was sent: Go's {@code v, ok := <-ch}.
   *
   * @return the value with {@code ok == true}, or {@link Received#closed()} once closed and drained
   * @throws InterruptedException if interrupted while waiting; then nothing was received
   */
  Received<E> receiveOk() throws InterruptedException;

  /**
   * Receives a value, blocking until one is available or {@code ctx} is done: Go's {@code select}
   * with a receive case and a {@code <-ctx.Done()} case. A context that is done already fails the
   * receive even if a value is ready.
   *
   * @param ctx the context whose cancellation ends the wait
   * @return the value, or {@code null} once the channel is closed and drained
   * @throws java.util.concurrent.CancellationException {@code ctx.err()} if the context is or
   *     becomes done first; then nothing was received
   * @throws InterruptedException if interrupted while waiting; then nothing was received
   */
  E receive(Context ctx) throws InterruptedException;

  /**
   * As {@link #receive(Context)}, reporting whether the value was sent: Go's {@code v, ok :=
   * <-ch} in a {@code select} with {@code <-ctx.Done()}.
   *
   * @param ctx the context whose cancellation ends the wait
   * @return the value with {@code ok == true}, or {@link Received#closed()} once closed and drained
   * @throws java.util.concurrent.CancellationException {@code ctx.err()} if the context is or
   *     becomes done first; then nothing was received
   * @throws InterruptedException if interrupted while waiting; then nothing was received
   */
  Received<E> receiveOk(Context ctx) throws InterruptedException;

  /**
   * Receives a value, waiting at most {@code timeout}.
   *
   * @param timeout how long to wait at most; zero or negative means do not wait
   * @return the value with {@code ok == true}; {@link Received#closed()} once closed and drained;
   *     or {@code null} if the timeout passed first, and then nothing was received
   * @throws InterruptedException if interrupted while waiting; then nothing was received
   */
  Received<E> receive(Duration timeout) throws InterruptedException;

  /**
   * Receives a value if that can be done without blocking. Go: {@code select} with a receive case
   * and a {@code default} case.
   *
   * @return the value with {@code ok == true}; {@link Received#closed()} if closed and drained
   *     (that would not block); or {@code null} where {@link #receive()} would block
   */
  Received<E> tryReceive();

  /**
   * The number of values buffered and not yet received: Go's {@code len(ch)}.
   *
   * @return the number of buffered values, at some instant during the call
   */
  int size();

  /**
   * The buffer's capacity: Go's {@code cap(ch)}.
   *
   * @return the capacity given at creation; 0 for an unbuffered channel
   */
  int capacity();
}
