package dev.runnel.pool;

/**
 * Thrown by {@link ResourcePool#acquire} when the pool needed a new resource and its {@link
 * ResourceFactory} failed to make one; the factory's exception is the {@linkplain #getCause()
 * cause}.
 *
 * <p>The acquirer whose creation failed gets it at once. While the pool backs off after a failure,
 * an acquirer that would have to create and has nothing else to wait for (no resource is in use
 * or being made) gets it too, with the last failure as the cause, instead of waiting for a
 * resource that cannot come; so do the acquirers already waiting when the pool becomes empty that
 * way.
 */
public final class ResourceCreationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param cause the factory's exception
   */
  public ResourceCreationException(String message, Throwable cause) {
    super(message, cause);
  }
}
