package dev.runnel.report;

import dev.runnel.context.Context;
import java.util.List;

/**
 * Where an {@link EventReporter} delivers its batches: an analytics service, a file, a queue.
 *
 * @param <E> the event type
 */
@FunctionalInterface
public interface EventSink<E> {

  /**
   * Delivers one batch. Returning normally means every event of the batch was delivered; throwing
   * means none counts as delivered, and the reporter delivers the same batch again later (so a
   * sink that fails after writing part of a batch sees that part again: delivery is at least
   * once).
   *
   * @param ctx ends when the reporter is stopped hard (its shutdown deadline passed); a sink
   *     that watches it lets the shutdown return on time
   * @param batch the events, oldest first; unmodifiable, never empty
   * @throws Exception the delivery failed
   */
  void deliver(Context ctx, List<? extends E> batch) throws Exception;
}
