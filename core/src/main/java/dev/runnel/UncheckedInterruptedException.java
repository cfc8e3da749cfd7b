package dev.runnel;

/**
 * Thrown where a blocking call was interrupted but its signature cannot throw the checked
 * {@link InterruptedException}: iteration over a channel ({@code for (E v : ch)}). The thread's
 * interrupt flag is set again before it is thrown, so the interrupt is not lost.
 */
public final class UncheckedInterruptedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Wraps the interrupt that ended the wait.
   *
   * @param cause the interrupt
   */
  public UncheckedInterruptedException(InterruptedException cause) {
    super(cause.getMessage() == null ? "interrupted" : cause.getMessage(), cause);
  }

  @Override
  public InterruptedException getCause() {
    return (InterruptedException) super.getCause();
  }
}
