package dev.runnel.internal;

import dev.runnel.ReceiveChannel;
import java.time.Instant;

/** A timer as {@code dev.runnel.time} drives it: a channel timer or a function timer. */
public interface TimerHandle {

  /**
   * The channel the timer delivers to.
   *
   * @return the channel, or null for a function timer
   */
  ReceiveChannel<Instant> channel();

  /**
   * Stops the timer; no value is received from its channel afterwards.
   *
   * @return true if the timer was active: armed, or fired but not yet received
   */
  boolean stop();

  /**
   * Re-arms the timer; no value from before is received from its channel afterwards.
   *
   * @param when the {@link TimeSource#nanoTime()} of the next firing
   * @param period the period in nanoseconds, or 0 for a one-shot timer
   * @return true if the timer was active, as for {@link #stop()}
   */
  boolean reset(long when, long period);
}
