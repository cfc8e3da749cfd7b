package dev.runnel.context;

/**
 * The link between a context and a function to run once it is done, made by {@link
 * Context#afterFunc}: Go's {@code stop} function.
 */
@FunctionalInterface
public interface AfterFunc {

  /**
   * Stops the function from being run.
   *
   * @return true if this call stopped it; false if the context was done and the function has been
   *     started in its own goroutine, or it was stopped already
   */
  boolean stop();
}
