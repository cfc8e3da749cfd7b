package dev.runnel.pipeline;

import dev.runnel.ReceiveChannel;
import dev.runnel.context.Context;

/**
 * How a pipeline starts: the stages up to and including this one start their goroutines in
 * {@code run}, stopped by {@code ctx}, and the last one's output is returned.
 *
 * @param <T> the output's item type
 */
@FunctionalInterface
interface Graph<T> {

  /**
   * Starts the graph.
   *
   * @param run the run that owns every goroutine started
   * @param ctx the context that stops them: the run's, or a narrower one ({@code take})
   * @param capacity the capacity of the output channel this graph creates, if it creates one
   * @return the output
   */
  ReceiveChannel<T> start(Run run, Context ctx, int capacity);
}
