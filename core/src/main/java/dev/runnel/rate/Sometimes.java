package dev.runnel.rate;

import dev.runnel.sync.Mutex;
import dev.runnel.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Runs an action only occasionally: the first {@code first} times, every {@code every}-th time,
 * or when {@code interval} has passed since it last ran. Go's {@code rate.Sometimes}, for log
 * lines and metrics in hot paths.
 *
 * <p>With several settings, the action runs if any one of them says so. The first call always
 * runs it, so with none set it runs exactly once, as Go's zero {@code Sometimes}. Calls are
 * serialized, the action included.
 *
 * <p>Memory consistency effects: a run of the action happens-before the next call returns.
 *
 * <p>Go: {@code Sometimes{First, Every, Interval}.Do(f)} is {@code new Sometimes(first, every,
 * interval).run(f)}; zero means unset, as Go's zero fields.
 *
 * {@snippet :
 * Sometimes logDrops = new Sometimes(10, 0, Duration.ofSeconds(1)); // the first 10, then 1/s
 * logDrops.run(() -> log.warn("dropped a message"));
 * }
 */
public final class Sometimes {

  private final int first;
  private final int every;
  private final Duration interval;
  private final Clock clock;
  private final Mutex mu = new Mutex();

  // Guarded by mu.
  private long count;
  private Instant last;

  /**
   * An action gate on the system clock.
   *
   * @param first run the first {@code first} calls; 0 for unset
   * @param every run every {@code every}-th call (the 1st, the every+1-th, ...); 0 for unset
   * @param interval run when this long has passed since the last run; zero for unset
   */
  public Sometimes(int first, int every, Duration interval) {
    this(first, every, interval, Clock.system());
  }

  /**
   * An action gate on {@code clock}.
   *
   * @param first run the first {@code first} calls; 0 for unset
   * @param every run every {@code every}-th call; 0 for unset
   * @param interval run when this long has passed since the last run; zero for unset
   * @param clock the clock for {@code interval}
   */
  public Sometimes(int first, int every, Duration interval, Clock clock) {
    this.first = first;
    this.every = every;
    this.interval = Objects.requireNonNull(interval, "interval");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Runs {@code action} if the settings say so this time: Go's {@code s.Do(f)}.
   *
   * @param action the action
   * @throws NullPointerException if {@code action} is null, whether or not it would run (the
   *     call is then not counted)
   */
  public void run(Runnable action) {
    Objects.requireNonNull(action, "action");
    mu.lock();
    try {
      if (count == 0
          || (first > 0 && count < first)
          || (every > 0 && count % every == 0)
          || (interval.isPositive() && !clock.now().isBefore(last.plus(interval)))) {
        action.run();
        last = clock.now();
      }
      count++;
    } finally {
      mu.unlock();
    }
  }
}
