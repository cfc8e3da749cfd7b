package dev.runnel.structured;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The result of one task forked in a {@link Scope}: read it with {@link #get()} after the scope's
 * {@link Scope#join()}, or wait for this fork alone with {@link #join()}.
 *
 * <p>Memory consistency effects: the fork's actions happen-before {@link #join()} or {@link
 * #get()} returns its value.
 *
 * @param <T> the result type
 */
public final class Fork<T> {

  /** The outcome; completed once, by the fork's goroutine. */
  private final CompletableFuture<T> outcome = new CompletableFuture<>();

  Fork() {}

  void succeed(T value) {
    outcome.complete(value);
  }

  void fail(Throwable failure) {
    outcome.completeExceptionally(failure);
  }

  /**
   * The fork's value, once it has ended (after the scope's {@link Scope#join()}).
   *
   * @return the value
   * @throws IllegalStateException if the fork has not ended yet
   * @throws CompletionException with the fork's failure as its cause, if it failed
   * @throws CancellationException the scope context's error, if the fork was cancelled
   */
  public T get() {
    if (!outcome.isDone()) {
      throw new IllegalStateException("structured: fork not ended yet; join the scope first");
    }
    return value();
  }

  /**
   * Waits for this fork to end and returns its value.
   *
   * @return the value
   * @throws InterruptedException if interrupted while waiting
   * @throws CompletionException with the fork's failure as its cause, if it failed
   * @throws CancellationException the scope context's error, if the fork was cancelled
   */
  public T join() throws InterruptedException {
    try {
      outcome.get();
    } catch (ExecutionException e) {
      // decoded by value()
    }
    return value();
  }

  /**
   * Whether the fork has ended: succeeded, failed or cancelled.
   *
   * @return true once ended
   */
  public boolean isDone() {
    return outcome.isDone();
  }

  private T value() {
    try {
      return outcome.getNow(null);
    } catch (CompletionException e) {
      if (e.getCause() instanceof CancellationException c) {
        throw c;
      }
      throw e;
    }
  }

  @Override
  public String toString() {
    return "Fork[" + (outcome.isDone() ? "done" : "running") + "]";
  }
}
