package dev.runnel.pipeline;

import java.util.Objects;

/**
 * One item that a stage's function failed on, and the failure: what a stage with an {@link
 * OnItemFailure} hands over instead of failing the run.
 *
 * <p>Go: the value sent on a pipeline's separate error channel, with the input that caused it.
 *
 * @param item the input item
 * @param failure what the stage's function threw for it
 * @param <T> the item type
 */
public record ItemFailure<T>(T item, Exception failure) {

  /**
   * Checks the components.
   *
   * @throws NullPointerException if either is null
   */
  public ItemFailure {
    Objects.requireNonNull(item, "item");
    Objects.requireNonNull(failure, "failure");
  }
}
