package dev.runnel.schedule;

import dev.runnel.Channel;
import dev.runnel.GoFunc;
import dev.runnel.ReceiveChannel;
import dev.runnel.context.Context;
import dev.runnel.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * Runs tasks at an instant, after a delay, at a fixed rate, with a fixed delay, or on a cron
 * expression, each bound to a context that stops it; and Go's classic {@code cron(ctx, start,
 * period)}, a channel of ticks.
 *
 * <p>A scheduler is a value: a {@link Clock} (the system clock, or a {@link
 * dev.runnel.time.ManualClock} in tests) and a {@link ZoneId} for cron expressions. It holds no
 * threads and needs no shutdown; each schedule is one goroutine, which ends when the schedule's
 * context is cancelled, and is returned as a {@link Schedule} handle to cancel and await.
 *
 * <table>
 *   <caption>Schedules</caption>
 *   <tr><th>method</th><th>runs at</th><th>after an overrun</th></tr>
 *   <tr><td>{@link #at}, {@link #after}</td><td>once</td><td>-</td></tr>
 *   <tr><td>{@link #atFixedRate}</td><td>{@code start + k * period}</td><td>skips the missed
 *       instants and runs at the next one</td></tr>
 *   <tr><td>{@link #withFixedDelay}</td><td>{@code delay} after each run ends</td><td>-
 *       (cannot overrun)</td></tr>
 *   <tr><td>{@link #cron}</td><td>the expression's matches in the zone</td><td>skips the missed
 *       matches and runs at the next one</td></tr>
 *   <tr><td>{@link #ticks}</td><td>{@code start + k * period}, on a channel</td><td>drops ticks
 *       a slow receiver misses, as a {@code Ticker} does</td></tr>
 * </table>
 *
 * <p><b>Overruns skip, never burst.</b> Runs of one schedule never overlap: the task runs in the
 * schedule's goroutine. A run that lasts past one or more later run times makes the schedule skip
 * them (counted in {@link Schedule#skipped()}) and run next at the first run time at or after
 * the overrunning run's end; it never runs the missed ones back to back. (Java's {@code
 * ScheduledExecutorService.scheduleAtFixedRate} instead runs late runs back to back.) To let runs
 * overlap, hand each run to a pool: {@code () -> pool.go(work)}; then the schedule's run is
 * the hand-off, which does not overrun.
 *
 * <p>Failures and cancellation: see {@link Schedule}. In short, an exception is reported through
 * {@link dev.runnel.Go#reportPanic} and the schedule goes on; cancelling interrupts a run in
 * progress and starts no other.
 *
 * <p>Memory consistency effects: actions in a goroutine before it calls a method of this class
 * happen-before the first run of the schedule it makes (and the first tick it sends).
 *
 * <p>Go: the standard library has {@code time.AfterFunc} (at, after) and {@code time.Ticker}
 * (fixed rate, dropping ticks for slow receivers); {@code robfig/cron} has cron expressions. On
 * Runnel those are {@link Clock#afterFunc} and {@link Clock#newTicker}; this class adds the
 * context binding, the handle, start alignment, fixed delay and cron.
 *
 * {@snippet :
 * Scheduler scheduler = new Scheduler(Clock.system(), ZoneId.of("Europe/Paris"));
 * try (CancelContext ctx = Context.withCancel(Context.background())) {
 *   scheduler.cron(ctx, "0 2 * * *", this::backup);              // every night at 2:00, Paris
 *   scheduler.withFixedDelay(ctx, Duration.ZERO, Duration.ofSeconds(30), this::poll);
 *   for (Instant tick : scheduler.ticks(ctx, startOfHour, Duration.ofHours(1))) {
 *     report(tick);
 *   }
 * }
 * }
 */
public final class Scheduler {

  private final Clock clock;
  private final ZoneId zone;

  /** A scheduler on the system clock, with the system's default time zone for cron. */
  public Scheduler() {
    this(Clock.system(), ZoneId.systemDefault());
  }

  /**
   * A scheduler on {@code clock}, with the system's default time zone for cron.
   *
   * @param clock the clock every schedule waits on
   */
  public Scheduler(Clock clock) {
    this(clock, ZoneId.systemDefault());
  }

  /**
   * A scheduler on {@code clock} whose cron expressions are read in {@code zone}.
   *
   * @param clock the clock every schedule waits on
   * @param zone the time zone of cron expressions
   */
  public Scheduler(Clock clock, ZoneId zone) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.zone = Objects.requireNonNull(zone, "zone");
  }

  /**
   * The clock the schedules wait on.
   *
   * @return the clock
   */
  public Clock clock() {
    return clock;
  }

  /**
   * The time zone of cron expressions.
   *
   * @return the zone
   */
  public ZoneId zone() {
    return zone;
  }

  /**
   * Runs {@code task} once at {@code when} (at once if it has passed), unless {@code ctx} ends
   * first: Go's wait on {@code time.NewTimer(time.Until(when))} or {@code ctx.Done()}.
   *
   * @param ctx the context whose cancellation stops the schedule
   * @param when the instant
   * @param task the task
   * @return the running schedule
   */
  public Schedule at(Context ctx, Instant when, GoFunc task) {
    Objects.requireNonNull(when, "when");
    return start(ctx, Plan.once(when), task);
  }

  /**
   * Runs {@code task} once after {@code delay}, unless {@code ctx} ends first: Go's {@code
   * time.AfterFunc} bound to a context.
   *
   * @param ctx the context whose cancellation stops the schedule
   * @param delay the delay; zero or negative runs at once
   * @param task the task
   * @return the running schedule
   */
  public Schedule after(Context ctx, Duration delay, GoFunc task) {
    Objects.requireNonNull(delay, "delay");
    return start(ctx, Plan.once(clock.now().plus(delay)), task);
  }

  /**
   * Runs {@code task} every {@code period}, first after {@code initialDelay}, skipping the runs
   * an overrunning run misses.
   *
   * @param ctx the context whose cancellation stops the schedule
   * @param initialDelay the delay before the first run; zero or negative runs at once
   * @param period the period
   * @param task the task
   * @return the running schedule
   * @throws IllegalArgumentException if {@code period} is zero or negative
   */
  public Schedule atFixedRate(Context ctx, Duration initialDelay, Duration period, GoFunc task) {
    Objects.requireNonNull(initialDelay, "initialDelay");
    return atFixedRate(ctx, clock.now().plus(initialDelay), period, task);
  }

  /**
   * Runs {@code task} at {@code start + k * period} for every {@code k} that is not in the past
   * when the schedule starts (a {@code start} in the past aligns the runs to it, so {@code
   * start} = a Tuesday at 14:00 and a period of a week runs every Tuesday at 14:00), skipping the
   * runs an overrunning run misses.
   *
   * @param ctx the context whose cancellation stops the schedule
   * @param start the instant the runs are aligned to
   * @param period the period
   * @param task the task
   * @return the running schedule
   * @throws IllegalArgumentException if {@code period} is zero or negative
   */
  public Schedule atFixedRate(Context ctx, Instant start, Duration period, GoFunc task) {
    Objects.requireNonNull(start, "start");
    return start(ctx, Plan.fixedRate(start, positive(period, "period")), task);
  }

  /**
   * Runs {@code task} first after {@code initialDelay}, then {@code delay} after the end of each
   * run.
   *
   * @param ctx the context whose cancellation stops the schedule
   * @param initialDelay the delay before the first run; zero or negative runs at once
   * @param delay the pause between the end of a run and the start of the next
   * @param task the task
   * @return the running schedule
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  public Schedule withFixedDelay(
      Context ctx, Duration initialDelay, Duration delay, GoFunc task) {
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("schedule: negative delay " + delay);
    }
    return start(ctx, Plan.fixedDelay(initialDelay, delay), task);
  }

  /**
   * Runs {@code task} whenever {@code expression} matches in this scheduler's zone, skipping the
   * matches an overrunning run misses; daylight-saving gaps and overlaps as {@link
   * CronExpression} describes.
   *
   * @param ctx the context whose cancellation stops the schedule
   * @param expression a cron expression, parsed by {@link CronExpression#parse}
   * @param task the task
   * @return the running schedule
   * @throws IllegalArgumentException if the expression is malformed
   */
  public Schedule cron(Context ctx, String expression, GoFunc task) {
    return cron(ctx, CronExpression.parse(expression), task);
  }

  /**
   * Runs {@code task} whenever {@code expression} matches in this scheduler's zone, skipping the
   * matches an overrunning run misses.
   *
   * @param ctx the context whose cancellation stops the schedule
   * @param expression the expression
   * @param task the task
   * @return the running schedule
   */
  public Schedule cron(Context ctx, CronExpression expression, GoFunc task) {
    Objects.requireNonNull(expression, "expression");
    return start(ctx, Plan.cron(expression, zone), task);
  }

  /**
   * A channel that receives the instants {@code start + k * period} as they come, for every
   * {@code k} not in the past when called, and is closed when {@code ctx} ends: the classic Go
   * {@code cron(ctx, startTime, delay)} built on a ticker. The channel buffers one tick; a tick
   * that finds it full is dropped, as a {@code Ticker}'s is, so a slow receiver gets the next
   * tick rather than a backlog. Each value is the instant the tick was due.
   *
   * <p>The goroutine behind the channel ends when {@code ctx} is cancelled, whether or not
   * anyone receives (the classic version blocks forever on a send nobody receives); the channel
   * closes as it ends, so ranging over it ends too.
   *
   * @param ctx the context whose cancellation stops the ticks and closes the channel
   * @param start the instant the ticks are aligned to; in the past, the next aligned instant
   * @param period the period
   * @return the channel of ticks
   * @throws IllegalArgumentException if {@code period} is zero or negative
   */
  public ReceiveChannel<Instant> ticks(Context ctx, Instant start, Duration period) {
    Objects.requireNonNull(start, "start");
    Plan plan = Plan.fixedRate(start, positive(period, "period"));
    Channel<Instant> ticks = Channel.make(1);
    Objects.requireNonNull(ctx, "ctx");
    new Schedule(ctx, clock, plan, ticks::trySend, ticks::close).start();
    return ticks;
  }

  private Schedule start(Context ctx, Plan plan, GoFunc task) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(task, "task");
    return new Schedule(ctx, clock, plan, scheduled -> task.run(), () -> {}).start();
  }

  private static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("schedule: non-positive " + what + " " + d);
    }
    return d;
  }

  @Override
  public String toString() {
    return "Scheduler[" + clock + ", " + zone + "]";
  }
}
