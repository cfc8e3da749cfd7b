package dev.runnel;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@link Select} whose cases compute a value, so that a select can be an expression.
 *
 * <p>Semantics are exactly those of {@link Select}: uniform choice among ready cases, nil
 * channels never ready, {@code otherwise} as Go's {@code default}, reusable by one goroutine at a
 * time. Only the bodies differ: each returns the value {@link #run()} returns.
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
public final class SelectExpression<R> extends SelectCore {

  SelectExpression() {}

  /** Adds a receive case; {@code body} gets the value, or {@code null} if the channel is closed. */
  public <E> SelectExpression<R> onReceive(
      ReceiveChannel<E> ch, Function<? super E, ? extends R> body) {
    addCase(ch, null, RECEIVE, body);
    return this;
  }

  /** Adds a receive case that reports whether the channel was open. */
  public <E> SelectExpression<R> onReceiveOk(
      ReceiveChannel<E> ch, Function<Received<E>, ? extends R> body) {
    addCase(ch, null, RECEIVE_OK, body);
    return this;
  }

  /** Adds a send case. */
  public <E> SelectExpression<R> onSend(SendChannel<E> ch, E value, Supplier<? extends R> body) {
    if (value == null) {
      throw new NullPointerException("channel elements must not be null");
    }
    addCase(ch, value, SEND, body);
    return this;
  }

  /** Sets the case taken when no other case is ready: Go's {@code default:}. */
  public SelectExpression<R> otherwise(Supplier<? extends R> body) {
    setDefault(body);
    return this;
  }

  /**
   * Waits for one case, performs its communication and returns what its body computes.
   *
   * @throws InterruptedException if interrupted while waiting; then no case communicated
   * @throws ChannelClosedException if a send case on a closed channel was chosen
   */
  public R run() throws InterruptedException {
    return evaluate(choose(Long.MAX_VALUE));
  }

  /**
   * Like {@link #run()}, but gives up once {@code timeout} has passed with no case ready.
   *
   * @return what the chosen body computed, or {@code ifTimedOut} if the timeout passed first
   */
  public R run(Duration timeout, R ifTimedOut) throws InterruptedException {
    int i = choose(ChannelCore.deadlineAfter(timeout));
    return i == TIMED_OUT ? ifTimedOut : evaluate(i);
  }

  @SuppressWarnings("unchecked")
  private R evaluate(int i) {
    if (i == DEFAULT) {
      return ((Supplier<? extends R>) defaultBody()).get();
    }
    Object r = takeReceived();
    return switch (kind(i)) {
      case RECEIVE ->
          ((Function<Object, ? extends R>) body(i)).apply(r == WaitNode.CLOSED ? null : r);
      case RECEIVE_OK ->
          ((Function<Received<Object>, ? extends R>) body(i))
              .apply(r == WaitNode.CLOSED ? Received.closed() : new Received<>(r, true));
      default -> ((Supplier<? extends R>) body(i)).get();
    };
  }
}
