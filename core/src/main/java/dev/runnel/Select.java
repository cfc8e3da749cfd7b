package dev.runnel;

import dev.runnel.context.Context;
import dev.runnel.internal.CancelScope;
import dev.runnel.internal.SelectCore;
import dev.runnel.internal.Waiter;
import java.time.Duration;

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
 * <p>Case bodies are Go's case blocks: they run in the selecting goroutine after every channel
 * lock is released, so a body may block (send on another channel, lock, sleep) and may throw. What
 * a body throws propagates from {@code run()} unchanged: an {@link InterruptedException}, an
 * unchecked exception, or a checked exception, which {@code run()} does not declare (catch it as
 * {@code Exception}, or let it pass through a method that declares it).
 *
 * <p>To also stop when a context ends, pass it to {@link #run(Context)} instead of adding a case
 * on {@code ctx.done()}: it throws {@code ctx.err()}, which is what Go's {@code case
 * <-ctx.Done(): return ctx.Err()} does.
 *
 * <p>Go: the same semantics. {@link SelectExpression} is the form that yields a value.
 *
 * {@snippet :
 * // for { select { case v := <-in: out <- v; case <-ctx.Done(): return ctx.Err() } }
 * Select forward = Select.select().onReceive(in, v -> out.send(v));
 * while (true) {
 *   forward.run(ctx);
 * }
 * }
 */
public final class Select {

  private final SelectCore core = new SelectCore(this);

  private Select() {}

  /**
   * The body of a receive case: what to do with the value received. It may block and throw.
   *
   * @param <E> the element type
   */
  @FunctionalInterface
  public interface ReceiveBody<E> {
    /**
     * Runs the case's block.
     *
     * @param value the value received, as the case defines it
     * @throws Exception anything; it propagates from {@code run()} unchanged
     */
    void accept(E value) throws Exception;
  }

  /** The body of a send case or of {@code otherwise}. It may block and throw. */
  @FunctionalInterface
  public interface Body {
    /**
     * Runs the case's block.
     *
     * @throws Exception anything; it propagates from {@code run()} unchanged
     */
    void run() throws Exception;
  }

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
  public <E> Select onReceive(ReceiveChannel<E> ch, ReceiveBody<? super E> body) {
    core.addCase(ReceiveSide.coreOf(ch), null, SelectCore.RECEIVE, body);
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
  public <E> Select onReceiveOk(ReceiveChannel<E> ch, ReceiveBody<? super Received<E>> body) {
    core.addCase(ReceiveSide.coreOf(ch), null, SelectCore.RECEIVE_OK, body);
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
  public <E> Select onSend(SendChannel<E> ch, E value, Body body) {
    if (value == null) {
      throw new NullPointerException("channel elements must not be null");
    }
    core.addCase(ReceiveSide.coreOf(ch), value, SelectCore.SEND, body);
    return this;
  }

  /**
   * Sets the case taken when no other case is ready: Go's {@code default:}.
   *
   * @param body what to do when no case is ready
   * @return this select
   * @throws IllegalStateException if this select already has one
   */
  public Select otherwise(Body body) {
    core.setDefault(body);
    return this;
  }

  /**
   * Waits for one case, performs its communication and runs its body once.
   *
   * @throws InterruptedException if interrupted while waiting, and then no case communicated; or
   *     thrown by the body
   * @throws ChannelClosedException if a send case on a closed channel was chosen
   */
  public void run() throws InterruptedException {
    dispatch(core.choose(Long.MAX_VALUE, null));
  }

  /**
   * Like {@link #run()}, but gives up when {@code ctx} ends first: Go's select with a {@code case
   * <-ctx.Done(): return ctx.Err()}. A context that is done on entry fails the call even if a
   * case is ready, so the outcome does not depend on a coin toss.
   *
   * @param ctx the context whose end stops the wait
   * @throws java.util.concurrent.CancellationException {@code ctx.err()} if the context ended
   *     first; then no case communicated
   * @throws InterruptedException if interrupted while waiting, and then no case communicated; or
   *     thrown by the body
   * @throws ChannelClosedException if a send case on a closed channel was chosen
   */
  public void run(Context ctx) throws InterruptedException {
    int i = core.choose(Long.MAX_VALUE, CancelScope.enter(ctx));
    if (i == SelectCore.CANCELLED) {
      throw CancelScope.cancelled(ctx);
    }
    dispatch(i);
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
    int i = core.choose(Waiter.deadlineAfter(timeout), null);
    if (i == SelectCore.TIMED_OUT) {
      return false;
    }
    dispatch(i);
    return true;
  }

  @SuppressWarnings("unchecked")
  private void dispatch(int i) {
    try {
      if (i == SelectCore.DEFAULT) {
        ((Body) core.defaultBody()).run();
        return;
      }
      switch (core.kind(i)) {
        case SelectCore.RECEIVE -> ((ReceiveBody<Object>) core.body(i)).accept(core.takeValue());
        case SelectCore.RECEIVE_OK ->
            ((ReceiveBody<Received<Object>>) core.body(i)).accept(core.takeReceivedOk());
        default -> ((Body) core.body(i)).run();
      }
    } catch (Exception e) {
      throw SelectCore.rethrow(e);
    }
  }

  @Override
  public String toString() {
    return core.toString();
  }
}
