package dev.runnel.context;

import java.util.concurrent.CancellationException;

/**
 * The error of a context whose deadline passed: Go's {@code context.DeadlineExceeded}, message
 * {@code "context deadline exceeded"}.
 *
 * <p>One instance is made per expiry and shared by the context and all its descendants; {@link
 * Context#err()} returns it on every call. Like Go's sentinel errors it has no stack trace;
 * {@link Context#cause()} carries the cause given to {@code withDeadlineCause} or {@code
 * withTimeoutCause}.
 *
 * <p>Go: test with {@code instanceof} (or {@code catch}) where Go writes {@code errors.Is(err,
 * context.DeadlineExceeded)}; both are {@link CancellationException}s, so one {@code catch}
 * handles either.
 */
public final class DeadlineExceededException extends CancellationException {

  private static final long serialVersionUID = 1L;

  /** Creates the error with Go's message. */
  public DeadlineExceededException() {
    super("context deadline exceeded");
  }

  /**
   * Creates the error with another message: a wait that refuses to start because it could not
   * finish before the deadline (the rate limiter's {@code "rate: Wait(n=1) would exceed context
   * deadline"}).
   *
   * @param message the message
   */
  public DeadlineExceededException(String message) {
    super(message);
  }

  /** No stack trace: see the class documentation. */
  @Override
  public Throwable fillInStackTrace() {
    return this;
  }
}
