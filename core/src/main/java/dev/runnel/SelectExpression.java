package dev.runnel;

import dev.runnel.context.Context;
import dev.runnel.internal.CancelScope;
import dev.runnel.internal.SelectCore;
import dev.runnel.internal.Waiter;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * A {@link Select} whose cases compute a value, so that a select can be an expression.
 *
 * <p>Semantics are exactly those of {@link Select}: uniform choice among ready cases, nil
 * channels never ready, {@code otherwise} as Go's {@code default}, reusable by one goroutine at a
 * time, bodies that may block and throw (what they throw propagates from {@code run()}
 * unchanged), {@link #run(Context)} to stop when a context ends. Only the bodies differ: each
 * returns the value {@link #run()} returns.
 *
 * <p>Memory consistency effects: as for {@link Select}.
 *
 * <p>Go: no equivalent; Go code assigns to a variable in each case body.
 *
 * {@snippet :
 * String what = Select.<String>expression()
 *     .onReceive(results, r -> "result " + r)
 *     .onReceive(errors, e -> "error " + e)
 *     .run();
 * }
 *
 * @param <R> the type of value the cases yield
 */
public final class SelectExpression<R> {

  private final SelectCore core = new SelectCore(this);

  SelectExpression() {}

  /**
   * The body of a receive case: computes the result from the value received. It may block and
   * throw.
   *
   * @param <E> the element type
   * @param <R> the type of value the cases yield
   */
  @FunctionalInterface
  public interface ReceiveBody<E, R> {
    /**
     * Runs the case's block.
     *
     * @param value the value received, as the case defines it
     * @return the select's result
     * @throws Exception anything; it propagates from {@code run()} unchanged
     */
    R apply(E value) throws Exception;
  }

  /**
   * Adds a receive case: Go's {@code case v := <-ch:}.
   *
   * @param <E> the element type
   * @param ch the channel, or {@code null} for a case that is never ready
   * @param body computes the result from the value, or from {@code null} if the channel is closed
   * @return this select
   */
  public <E> SelectExpression<R> onReceive(
      ReceiveChannel<E> ch, ReceiveBody<? super E, ? extends R> body) {
    core.addCase(ReceiveSide.coreOf(ch), null, SelectCore.RECEIVE, body);
    return this;
  }

  /**
   * Adds a receive case that reports whether the channel was open: Go's {@code case v, ok :=
   * <-ch:}.
   *
   * @param <E> the element type
   * @param ch the channel, or {@code null} for a case that is never ready
   * @param body computes the result from the value and whether the channel was open
   * @return this select
   */
  public <E> SelectExpression<R> onReceiveOk(
      ReceiveChannel<E> ch, ReceiveBody<? super Received<E>, ? extends R> body) {
    core.addCase(ReceiveSide.coreOf(ch), null, SelectCore.RECEIVE_OK, body);
    return this;
  }

  /**
   * Adds a send case: Go's {@code case ch <- value:}.
   *
   * @param <E> the element type
   * @param ch the channel, or {@code null} for a case that is never ready
   * @param value the value to send
   * @param body computes the result once the value was sent
   * @return this select
   * @throws NullPointerException if {@code value} is null
   */
  public <E> SelectExpression<R> onSend(SendChannel<E> ch, E value, Callable<? extends R> body) {
    if (value == null) {
      throw new NullPointerException("channel elements must not be null");
    }
    core.addCase(ReceiveSide.coreOf(ch), value, SelectCore.SEND, body);
    return this;
  }

  /**
   * Sets the case taken when no other case is ready: Go's {@code default:}.
   *
   * @param body computes the result when no case is ready
   * @return this select
   * @throws IllegalStateException if this select already has one
   */
  public SelectExpression<R> otherwise(Callable<? extends R> body) {
    core.setDefault(body);
    return this;
  }

  /**
   * Waits for one case, performs its communication and returns what its body computes.
   *
   * @return what the chosen case's body computed
   * @throws InterruptedException if interrupted while waiting, and then no case communicated; or
   *     thrown by the body
   * @throws ChannelClosedException if a send case on a closed channel was chosen
   */
  public R run() throws InterruptedException {
    return evaluate(core.choose(Long.MAX_VALUE, null));
  }

  /**
   * Like {@link #run()}, but gives up when {@code ctx} ends first (see {@link
   * Select#run(Context)}).
   *
   * @param ctx the context whose end stops the wait
   * @return what the chosen case's body computed
   * @throws java.util.concurrent.CancellationException {@code ctx.err()} if the context ended
   *     first, or was done on entry; then no case communicated
   * @throws InterruptedException if interrupted while waiting, and then no case communicated; or
   *     thrown by the body
   * @throws ChannelClosedException if a send case on a closed channel was chosen
   */
  public R run(Context ctx) throws InterruptedException {
    int i = core.choose(Long.MAX_VALUE, CancelScope.enter(ctx));
    if (i == SelectCore.CANCELLED) {
      throw CancelScope.cancelled(ctx);
    }
    return evaluate(i);
  }

  /**
   * Like {@link #run()}, but gives up once {@code timeout} has passed with no case ready.
   *
   * @param timeout how long to wait at most; zero or negative means do not wait
   * @param ifTimedOut the result when the timeout passes first
   * @return what the chosen body computed, or {@code ifTimedOut} if the timeout passed first
   * @throws InterruptedException if interrupted while waiting; then no case communicated
   * @throws ChannelClosedException if a send case on a closed channel was chosen
   */
  public R run(Duration timeout, R ifTimedOut) throws InterruptedException {
    int i = core.choose(Waiter.deadlineAfter(timeout), null);
    return i == SelectCore.TIMED_OUT ? ifTimedOut : evaluate(i);
  }

  @SuppressWarnings("unchecked")
  private R evaluate(int i) {
    try {
      if (i == SelectCore.DEFAULT) {
        return ((Callable<? extends R>) core.defaultBody()).call();
      }
      return switch (core.kind(i)) {
        case SelectCore.RECEIVE ->
            ((ReceiveBody<Object, ? extends R>) core.body(i)).apply(core.takeValue());
        case SelectCore.RECEIVE_OK ->
            ((ReceiveBody<Received<Object>, ? extends R>) core.body(i))
                .apply(core.takeReceivedOk());
        default -> ((Callable<? extends R>) core.body(i)).call();
      };
    } catch (Exception e) {
      throw SelectCore.rethrow(e);
    }
  }

  @Override
  public String toString() {
    return core.toString();
  }
}
