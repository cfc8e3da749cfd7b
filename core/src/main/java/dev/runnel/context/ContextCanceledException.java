package dev.runnel.context;

import java.util.concurrent.CancellationException;

/**
 * The error of a context that was cancelled: Go's {@code context.Canceled}, message {@code
 * "context canceled"}.
 *
 * <p>One instance is made per cancellation and shared by the context that was cancelled and all
 * its descendants; {@link Context#err()} returns it on every call. Like Go's sentinel errors it
 * has no stack trace (filling one in on every cancel would cost more than the cancel itself);
 * {@link Context#cause()} carries the reason, with its stack, when one was given.
 *
 * <p>Go: test with {@code instanceof} (or {@code catch}) where Go writes {@code errors.Is(err,
 * context.Canceled)}.
 */
public final class ContextCanceledException extends CancellationException {

  private static final long serialVersionUID = 1L;

  /** Creates the error with Go's message. */
  public ContextCanceledException() {
    super("context canceled");
  }

  /** No stack trace: see the class documentation. */
  @Override
  public Throwable fillInStackTrace() {
    return this;
  }
}
