package dev.runnel.pipeline;

import dev.runnel.SendChannel;
import dev.runnel.context.Context;
import java.util.Objects;

/**
 * What a stage does with an item its function failed on, instead of failing the whole run: the
 * item is dropped from the stream and handed here, and the stage goes on with the next one.
 *
 * <p>The handler runs in the stage's goroutine, so it slows that stage down while it blocks (a
 * send on a full error channel is backpressure, as in Go). If the handler itself throws, the run
 * fails with that exception. A function's {@code CancellationException} while the run is being
 * cancelled is never routed here: the stage just stops.
 *
 * <p>Memory consistency effects: the stage's actions for the item happen-before the handler runs.
 *
 * <p>Go: sending to a pipeline's error channel, which is not passed to downstream stages.
 *
 * {@snippet :
 * Channel<ItemFailure<String>> errors = Channel.make(64);
 * Pipeline.from(lines).map(Record::parse, OnItemFailure.sendTo(errors)) // bad lines go to errors
 * }
 *
 * @param <T> the item type
 */
@FunctionalInterface
public interface OnItemFailure<T> {

  /**
   * Handles one failed item.
   *
   * @param ctx the stage's context (done when the run is cancelled)
   * @param failure the item and what its function threw
   * @throws Exception to fail the whole run
   */
  void handle(Context ctx, ItemFailure<T> failure) throws Exception;

  /**
   * Sends every failure on {@code errors}, blocking while it is full, and giving up when the run
   * is cancelled. The channel is the caller's: the pipeline never closes it.
   *
   * @param <T> the item type
   * @param errors the error channel
   * @return the handler
   */
  static <T> OnItemFailure<T> sendTo(SendChannel<? super ItemFailure<T>> errors) {
    Objects.requireNonNull(errors, "errors");
    return (ctx, failure) -> errors.send(ctx, failure);
  }

  /**
   * Drops failed items silently.
   *
   * @param <T> the item type
   * @return the handler
   */
  static <T> OnItemFailure<T> skip() {
    return (ctx, failure) -> {};
  }
}
