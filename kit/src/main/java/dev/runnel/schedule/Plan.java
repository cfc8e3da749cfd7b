package dev.runnel.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * When a schedule runs: its first run and, after each run, the next. Used by one goroutine (the
 * schedule's); {@link #skipped} is read by others.
 */
abstract class Plan {

  /** Runs passed over because an earlier run overran them; written by the schedule's goroutine. */
  volatile long skipped;

  /**
   * The first run.
   *
   * @param now the clock's reading when the schedule starts
   * @return when to run first
   */
  abstract Instant first(Instant now);

  /**
   * The run after the one scheduled for {@code scheduled}, which ended at {@code now}.
   *
   * @return when to run next, or null if the schedule is over
   */
  abstract Instant next(Instant scheduled, Instant now);

  /** One run at {@code when}, or at once if it has passed. */
  static Plan once(Instant when) {
    return new Plan() {
      @Override
      Instant first(Instant now) {
        return when;
      }

      @Override
      Instant next(Instant scheduled, Instant now) {
        return null;
      }
    };
  }

  /**
   * Runs at {@code start + k * period}: the first at the first such instant at or after the
   * start of the schedule; after a run, at the first one at or after its end, skipping the ones
   * it overran.
   */
  static Plan fixedRate(Instant start, Duration period) {
    long p = period.toNanos();
    return new Plan() {
      @Override
      Instant first(Instant now) {
        return start.isBefore(now) ? start.plusNanos(ceilSteps(start, now, p) * p) : start;
      }

      @Override
      Instant next(Instant scheduled, Instant now) {
        Instant next = scheduled.plusNanos(p);
        if (next.isBefore(now)) {
          long steps = ceilSteps(scheduled, now, p);
          skipped = skipped + steps - 1;
          next = scheduled.plusNanos(steps * p);
        }
        return next;
      }
    };
  }

  /** Runs {@code delay} after the end of each run; the first run at {@code first}. */
  static Plan fixedDelay(Duration initialDelay, Duration delay) {
    return new Plan() {
      @Override
      Instant first(Instant now) {
        return now.plus(initialDelay);
      }

      @Override
      Instant next(Instant scheduled, Instant now) {
        return now.plus(delay);
      }
    };
  }

  /**
   * Runs when {@code cron} matches in {@code zone}; each next run is searched from the previous
   * scheduled one (so a local time repeated by daylight saving never runs twice), and the ones
   * an overrun passed are skipped.
   */
  static Plan cron(CronExpression cron, ZoneId zone) {
    return new Plan() {
      @Override
      Instant first(Instant now) {
        return cron.next(ZonedDateTime.ofInstant(now, zone)).toInstant();
      }

      @Override
      Instant next(Instant scheduled, Instant now) {
        ZonedDateTime next = cron.next(ZonedDateTime.ofInstant(scheduled, zone));
        while (next.toInstant().isBefore(now)) {
          skipped = skipped + 1;
          next = cron.next(next);
        }
        return next.toInstant();
      }
    };
  }

  /** The smallest k with {@code from + k * step >= to}, for {@code from < to}. */
  private static long ceilSteps(Instant from, Instant to, long step) {
    long gap = Duration.between(from, to).toNanos();
    return (gap + step - 1) / step;
  }
}
