package dev.runnel;

import dev.runnel.internal.Waiter;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Go's {@code select} statement: waits until one of several channel operations can proceed,
 * performs exactly that one, then runs its case's body.
 *
 * <p>Build the cases with {@code onReceive}, {@code onReceiveOk}, {@code onSend} and optionally
 * {@link #otherwise} (Go's {@code default}), then call {@link #run()}. A builder may be run again
 * and again, the usual select-in-a-loop; it is used by one goroutine at a time.
 *
 * <ul>
 *   <li>If several cases are ready, one is chosen uniformly at random.
 *   <li>If none is ready, {@code run()} takes the {@code otherwise} case if there is one, else
 *       parks until a case becomes ready: one park, woken by whichever channel is ready first,
 *       with no helper thread and no polling.
 *   <li>A {@code null} channel is Go's nil channel: its case is never ready.
 *   <li>A receive case on a closed channel is always ready; its body gets {@code null} (or {@code
 *       ok == false} for {@code onReceiveOk}). A send case on a closed channel is ready too, and
 *       if chosen, {@code run()} throws {@link ChannelClosedException}, as Go panics.
 *   <li>A select with no cases and no {@code otherwise} blocks until interrupted: Go's {@code
 *       select {}}.
 * </ul>
 *
 * <p>Memory consistency effects: those of the one channel operation performed (see {@link
 * Channel}); the case's body runs after it, in the selecting goroutine.
 *
 * <p>Go: the same semantics. A case body runs after every channel lock is released; an exception
 * from it propagates out of {@code run()}. {@link SelectExpression} is the form that yields a
 * value.
 *
 * {@snippet :
 * Select loop = Select.select()
 *     .onReceive(jobs, job -> process(job))
 *     .onReceive(quit, q -> running = false);
 * while (running) {
 *   loop.run();
 * }
 * }
 */
public final class Select extends SelectCore {

  private Select() {}

  /**
   * Starts an empty select; add cases, then {@link #run()} it.
   *
   * @return a new select with no cases
   */
  public static Select select() {
    return new Select();
  }

  /**
   * Starts a select whose cases yield a value of type {@code R}: see {@link SelectExpression}.
   *
   * @param <R> the type of value the cases yield
   * @return a new select expression with no cases
   */
  public static <R> SelectExpression<R> expression() {
    return new SelectExpression<>();
  }

  /**
   * Adds a receive case: Go's {@code case v := <-ch:}. The body gets the value received, or
   * {@code null} if the channel is closed.
   *
   * @param <E> the element type
   * @param ch the channel, or {@code null} for a case that is never ready
   * @param body what to do with the value received
   * @return this select
   */
  public <E> Select onReceive(ReceiveChannel<E> ch, Consumer<? super E> body) {
    addCase(ch, null, RECEIVE, body);
    return this;
  }

  /**
   * Adds a receive case that reports whether the channel was open: Go's {@code case v, ok :=
   * <-ch:}.
   *
   * @param <E> the element type
   * @param ch the channel, or {@code null} for a case that is never ready
   * @param body what to do with the value and whether the channel was open
   * @return this select
   */
  public <E> Select onReceiveOk(ReceiveChannel<E> ch, Consumer<Received<E>> body) {
    addCase(ch, null, RECEIVE_OK, body);
    return this;
  }

  /**
   * Adds a send case: Go's {@code case ch <- value:}.
   *
   * @param <E> the element type
   * @param ch the channel, or {@code null} for a case that is never ready
   * @param value the value to send
   * @param body what to do once the value was sent
   * @return this select
   * @throws NullPointerException if {@code value} is null
   */
  public <E> Select onSend(SendChannel<E> ch, E value, Runnable body) {
    if (value == null) {
      throw new NullPointerException("channel elements must not be null");
    }
    addCase(ch, value, SEND, body);
    return this;
  }

  /**
   * Sets the case taken when no other case is ready: Go's {@code default:}.
   *
   * @param body what to do when no case is ready
   * @return this select
   * @throws IllegalStateException if this select already has one
   */
  public Select otherwise(Runnable body) {
    setDefault(body);
    return this;
  }

  /**
   * Waits for one case, performs its communication and runs its body once.
   *
   * @throws InterruptedException if interrupted while waiting; then no case communicated
   * @throws ChannelClosedException if a send case on a closed channel was chosen
   */
  public void run() throws InterruptedException {
    dispatch(choose(Long.MAX_VALUE));
  }

  /**
   * Like {@link #run()}, but gives up once {@code timeout} has passed with no case ready.
   *
   * @param timeout how long to wait at most; zero or negative means do not wait
   * @return true if a case (or {@code otherwise}) ran; false if the timeout passed first, and
   *     then no case communicated
   * @throws InterruptedException if interrupted while waiting; then no case communicated
   * @throws ChannelClosedException if a send case on a closed channel was chosen
   */
  public boolean run(Duration timeout) throws InterruptedException {
    int i = choose(Waiter.deadlineAfter(timeout));
    if (i == TIMED_OUT) {
      return false;
    }
    dispatch(i);
    return true;
  }

  @SuppressWarnings("unchecked")
  private void dispatch(int i) {
    if (i == DEFAULT) {
      ((Runnable) defaultBody()).run();
      return;
    }
    Object r = takeReceived();
    switch (kind(i)) {
      case RECEIVE -> ((Consumer<Object>) body(i)).accept(r == WaitNode.CLOSED ? null : r);
      case RECEIVE_OK ->
          ((Consumer<Received<Object>>) body(i))
              .accept(r == WaitNode.CLOSED ? Received.closed() : new Received<>(r, true));
      default -> ((Runnable) body(i)).run();
    }
  }
}
