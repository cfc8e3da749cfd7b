package dev.runnel;

/**
 * Thrown by a send on a closed channel ({@code "send on closed channel"}) and by closing a closed
 * channel ({@code "close of closed channel"}): Go's panics, with Go's text.
 *
 * <p>Go: these are run-time panics; here they are unchecked exceptions that the caller may catch.
 */
public final class ChannelClosedException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with Go's panic text.
   *
   * @param message {@code "send on closed channel"} or {@code "close of closed channel"}
   */
  public ChannelClosedException(String message) {
    super(message);
  }
}
