package dev.runnel.context;

/**
 * A blocking call that understands only interrupts, for {@link Context#interruptOnCancel}.
 *
 * @param <T> what it returns
 * @param <X> the checked exception it throws besides {@link InterruptedException}
 */
@FunctionalInterface
public interface Interruptible<T, X extends Exception> {

  /**
   * Runs the call.
   *
   * @return its result
   * @throws X what the call throws
   * @throws InterruptedException if interrupted
   */
  T call() throws X, InterruptedException;
}
