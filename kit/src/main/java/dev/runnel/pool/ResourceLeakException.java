package dev.runnel.pool;

/**
 * The report of a resource held too long: given to a pool's leak handler (never thrown) when a
 * {@link Lease} stays open past the pool's leak threshold, or is still open when the pool closes.
 * Its stack trace is the acquirer's, captured where {@link ResourcePool#acquire} was called, so the
 * report points at the code that forgot to release.
 */
public final class ResourceLeakException extends Exception {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the report.
   *
   * @param message what was held, and for how long
   * @param acquiredAt the stack trace of the acquire
   */
  public ResourceLeakException(String message, StackTraceElement[] acquiredAt) {
    super(message, null, false, true);
    setStackTrace(acquiredAt);
  }
}
