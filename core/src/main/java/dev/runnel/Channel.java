package dev.runnel;

import dev.runnel.context.Context;
import dev.runnel.internal.Access;
import dev.runnel.internal.ChannelCore;
import dev.runnel.internal.Waiter;
import java.time.Duration;
import java.util.Objects;

/**
 * A Go channel: a typed conduit between goroutines, unbuffered (a rendezvous) or buffered (a FIFO
 * of fixed capacity), that can be closed.
 *
 * <p>Create one with {@link #make()} or {@link #make(int)}, Go's {@code make(chan E)} and {@code
 * make(chan E, n)}. Pass it as a {@link SendChannel} or {@link ReceiveChannel} to restrict what a
 * goroutine may do with it, as Go's {@code chan<-} and {@code <-chan} do. Use {@link Select} to
 * wait on several channel operations at once.
 *
 * <table>
 *   <caption>Operations</caption>
 *   <tr><th></th><th>blocks</th><th>never blocks</th><th>bounded</th></tr>
 *   <tr><td>send</td><td>{@link #send(Object)}</td><td>{@link #trySend(Object)}</td>
 *       <td>{@link #send(Object, Duration)}</td></tr>
 *   <tr><td>receive</td><td>{@link #receive()}, {@link #receiveOk()}</td>
 *       <td>{@link #tryReceive()}</td><td>{@link #receive(Duration)}</td></tr>
 * </table>
 *
 * <p>Blocked senders and blocked receivers are each served in FIFO order. Closing wakes them all:
 * receivers drain the buffer, then see the channel closed; senders throw {@link
 * ChannelClosedException}. A blocking call that is interrupted throws {@link
 * InterruptedException} and has no effect: nothing was sent, nothing was consumed.
 *
 * <p>Memory consistency effects (Go's memory model for channels):
 *
 * <ul>
 *   <li>a send happens-before the corresponding receive completes;
 *   <li>on an unbuffered channel, a receive happens-before the corresponding send completes;
 *   <li>on a channel of capacity C, the k-th receive happens-before the (k+C)-th send completes;
 *   <li>closing a channel happens-before a receive that returns because the channel is closed.
 * </ul>
 *
 * <p>Go: the same semantics, with these differences. A {@code nil} channel exists only as a
 * {@code null} case in {@link Select}. Elements must not be null ({@code receive()} returns
 * {@code null} for "closed"). Go's zero value on a closed channel is {@code null} here. Blocking
 * operations are interruptible and have bounded forms.
 *
 * {@snippet :
 * Channel<String> ch = Channel.make();
 * Go.go(() -> {
 *   ch.send("ping");
 *   ch.close();
 * });
 * for (String msg : ch) {   // for msg := range ch
 *   System.out.println(msg);
 * }
 * }
 *
 * @param <E> the element type; elements are never null
 */
public final class Channel<E> extends ReceiveSide<E>
    implements SendChannel<E>, ReceiveChannel<E> {

  static {
    Access.installChannels(ReceiveOnlyChannel.MACHINERY);
  }

  private Channel(int capacity) {
    super(capacity);
  }

  /**
   * Makes an unbuffered channel: Go's {@code make(chan E)}.
   *
   * @param <E> the element type
   * @return a new open channel of capacity 0
   */
  public static <E> Channel<E> make() {
    return new Channel<>(0);
  }

  /**
   * Makes a channel with room for {@code capacity} values: Go's {@code make(chan E, capacity)}.
   *
   * @param <E> the element type
   * @param capacity the buffer size; 0 makes an unbuffered channel
   * @return a new open channel
   * @throws IllegalArgumentException {@code "makechan: size out of range: N"}, Go's panic text
   *     and the size, if {@code capacity} is negative or its buffer is more than the VM can
   *     allocate: above the VM's array limit ({@code Integer.MAX_VALUE - 8}), larger than the
   *     maximum heap, or failing with an {@link OutOfMemoryError} (then the cause)
   */
  public static <E> Channel<E> make(int capacity) {
    return new Channel<>(capacity);
  }

  @Override
  public void send(E e) throws InterruptedException {
    core.send(e, Long.MAX_VALUE, null);
  }

  @Override
  public void send(Context ctx, E e) throws InterruptedException {
    core.send(e, Long.MAX_VALUE, Objects.requireNonNull(ctx, "ctx"));
  }

  @Override
  public boolean send(E e, Duration timeout) throws InterruptedException {
    return core.send(e, Waiter.deadlineAfter(timeout), null);
  }

  @Override
  public boolean trySend(E e) {
    try {
      return core.send(e, 0, null);
    } catch (InterruptedException impossible) { // a non-blocking send never waits
      throw new AssertionError(impossible);
    }
  }

  @Override
  public void close() {
    core.close();
  }

  @Override
  public int size() {
    return core.length();
  }

  @Override
  public int capacity() {
    return core.capacity();
  }

  @Override
  public String toString() {
    return "chan[" + size() + "/" + capacity() + "]@" + Integer.toHexString(hashCode());
  }
}
