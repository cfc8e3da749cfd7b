package dev.runnel.context;

/**
 * A context with its cancel function: what {@link Context#withCancel}, {@link
 * Context#withTimeout} and {@link Context#withDeadline} return. {@link #close()} cancels, so
 * try-with-resources is Go's {@code defer cancel()}.
 *
 * <p>Cancelling closes {@link #done()}, sets {@link #err()} and {@link #cause()}, cancels every
 * descendant, and detaches this context from its parent, so a long-lived parent does not keep
 * finished children. Only the first cancellation counts; later calls do nothing.
 *
 * <p>Memory consistency effects: actions before {@code cancel} (or {@code close}) happen-before
 * {@link #done()} is observed closed and {@link #err()} is observed non-null, in this context and
 * every descendant.
 *
 * <p>Go: the {@code CancelFunc} or {@code CancelCauseFunc} returned beside the context. {@link
 * #cancel(Throwable)} is {@code CancelCauseFunc}; on a context from {@code withCancel} it works
 * too.
 *
 * {@snippet :
 * try (CancelContext ctx = Context.withTimeout(parent, Duration.ofSeconds(2))) {
 *   return fetch(ctx, url);
 * } // cancelled here, releasing its timer and its place in parent
 * }
 */
public interface CancelContext extends Context, AutoCloseable {

  /** Cancels this context with {@link ContextCanceledException}: Go's {@code cancel()}. */
  void cancel();

  /**
   * Cancels this context with {@link ContextCanceledException} and {@code cause}: Go's {@code
   * cancel(cause)} from {@code WithCancelCause}.
   *
   * @param cause what {@link #cause()} reports; null means the error itself, as in Go
   */
  void cancel(Throwable cause);

  /** Same as {@link #cancel()}: Go's {@code defer cancel()} as try-with-resources. */
  @Override
  void close();
}
