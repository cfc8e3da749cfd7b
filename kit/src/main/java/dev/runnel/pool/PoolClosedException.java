package dev.runnel.pool;

/**
 * Thrown by {@link ResourcePool#acquire} when the pool is closed, or closes while the caller
 * waits.
 */
public final class PoolClosedException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was refused
   */
  public PoolClosedException(String message) {
    super(message);
  }
}
