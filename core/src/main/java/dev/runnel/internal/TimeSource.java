package dev.runnel.internal;

import java.time.Duration;
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

  /**
   * The deadline {@code d} from now, for scheduling on {@link #queue()}.
   *
   * @param d a delay; zero or negative means now, and delays beyond about 146 years are capped
   *     there, as Go caps its timers' deadlines
   * @return a {@link #nanoTime()} deadline
   */
  default long deadlineAfter(Duration d) {
    long now = nanoTime();
    if (d.isNegative() || d.isZero()) {
      return now;
    }
    return now + (d.compareTo(FAR) >= 0 ? FAR.toNanos() : d.toNanos());
  }

  /** The longest delay {@link #deadlineAfter} schedules: 2^62 ns, about 146 years. */
  Duration FAR = Duration.ofNanos(1L << 62);
}
