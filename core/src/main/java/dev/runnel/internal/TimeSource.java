package dev.runnel.internal;

import java.time.Instant;

/** A clock's machinery: monotonic time, its wall-clock reading, and the queue of its timers. */
public interface TimeSource {

  /**
   * Monotonic time in nanoseconds, for deadlines and durations; only differences are meaningful.
   *
   * @return the current monotonic reading
   */
  long nanoTime();

  /**
   * The wall-clock instant of a monotonic reading.
   *
   * @param nanoTime a value of {@link #nanoTime()}
   * @return the instant it corresponds to
   */
  Instant instantAt(long nanoTime);

  /**
   * The queue that runs this clock's timers.
   *
   * @return the timer queue
   */
  TimerQueue queue();
}
