package dev.runnel.time;

import dev.runnel.ReceiveChannel;
import dev.runnel.context.Context;
import dev.runnel.internal.Access;
import dev.runnel.internal.CancelScope;
import dev.runnel.internal.TimeSource;
import dev.runnel.internal.TimerChannel;
import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * A source of time and the timers that run on it: the real clock ({@link #system()}) or a {@link
 * ManualClock} that tests advance by hand.
 *
 * <p>Everything in Runnel that waits for time takes it from a clock: timers, tickers and sleeps
 * made here, the deadlines of contexts (the clock of a context is set with {@link
 * Context#withClock}), and the rate limiter. {@link Time} is this API on the system clock.
 *
 * <table>
 *   <caption>Operations</caption>
 *   <tr><th>Go</th><th>here</th></tr>
 *   <tr><td>{@code time.Now()}</td><td>{@link #now()}</td></tr>
 *   <tr><td>{@code time.NewTimer(d)}, {@code time.After(d)}</td><td>{@link #newTimer}, {@link
 *       #after}</td></tr>
 *   <tr><td>{@code time.AfterFunc(d, f)}</td><td>{@link #afterFunc}</td></tr>
 *   <tr><td>{@code time.NewTicker(d)}, {@code time.Tick(d)}</td><td>{@link #newTicker}, {@link
 *       #tick}</td></tr>
 *   <tr><td>{@code time.Sleep(d)}</td><td>{@link #sleep(Duration)}, {@link #sleep(Context,
 *       Duration)}</td></tr>
 * </table>
 *
 * <p>All timers of a clock share one queue (a heap; ADR 0007). The system clock runs it on one
 * daemon platform thread, never a thread per timer; a timer whose channel nobody waits on is not
 * in the queue at all.
 *
 * <p>Memory consistency effects: actions before a timer or ticker is created, reset or started by
 * {@link #afterFunc} happen-before the delivery of its value is received, or its function starts.
 */
public abstract sealed class Clock permits SystemClock, ManualClock {

  static {
    Access.installClocks(clock -> clock.time);
  }

  final TimeSource time;

  Clock(TimeSource time) {
    this.time = time;
  }

  /**
   * The real clock: {@link Instant#now()} and {@link System#nanoTime()}.
   *
   * @return the system clock
   */
  public static Clock system() {
    return SystemClock.INSTANCE;
  }

  /**
   * The current time: Go's {@code time.Now()}.
   *
   * @return the current instant on this clock
   */
  public abstract Instant now();

  /**
   * Monotonic time in nanoseconds, for measuring durations on this clock; only differences are
   * meaningful.
   *
   * @return the current monotonic reading
   */
  public long nanoTime() {
    return time.nanoTime();
  }

  /**
   * The time elapsed since {@code t}: Go's {@code time.Since(t)}.
   *
   * @param t an earlier instant
   * @return {@code now() - t}
   */
  public Duration since(Instant t) {
    return Duration.between(t, now());
  }

  /**
   * The time until {@code t}: Go's {@code time.Until(t)}.
   *
   * @param t an instant
   * @return {@code t - now()}, negative if {@code t} has passed
   */
  public Duration until(Instant t) {
    return Duration.between(now(), t);
  }

  /**
   * A timer that delivers the current time on its channel once {@code d} has passed: Go's {@code
   * time.NewTimer(d)}, with Go 1.23's synchronous channel.
   *
   * @param d the delay; zero or negative fires at once
   * @return the running timer
   */
  public Timer newTimer(Duration d) {
    return new Timer(this, new TimerChannel(time, whenAfter(d), 0));
  }

  /**
   * A channel that delivers the current time once {@code d} has passed: Go's {@code
   * time.After(d)}. The timer behind it is garbage once the channel is, even if it never fired.
   *
   * @param d the delay
   * @return the timer's channel
   */
  public ReceiveChannel<Instant> after(Duration d) {
    return new TimerChannel(time, whenAfter(d), 0).channel();
  }

  /**
   * Runs {@code f} in its own goroutine once {@code d} has passed: Go's {@code time.AfterFunc}.
   * The timer's {@link Timer#c()} is null; {@link Timer#stop()} returns true if it stopped {@code
   * f} from starting.
   *
   * @param d the delay
   * @param f the function
   * @return the running timer
   */
  public Timer afterFunc(Duration d, Runnable f) {
    Objects.requireNonNull(f, "f");
    FuncTimer t = new FuncTimer(time, f);
    t.reset(whenAfter(d), 0);
    return new Timer(this, t);
  }

  /**
   * A ticker that delivers the time on its channel every {@code d}: Go's {@code
   * time.NewTicker(d)}. A slow receiver misses ticks rather than receiving a backlog.
   *
   * @param d the period
   * @return the running ticker
   * @throws IllegalArgumentException if {@code d} is zero or negative ({@code "non-positive
   *     interval for NewTicker: PT0S (newTicker)"}, Go's text, the period and the Java method)
   */
  public Ticker newTicker(Duration d) {
    long period = positive(d, "non-positive interval for NewTicker", "newTicker");
    return new Ticker(this, new TimerChannel(time, whenAfter(d), period));
  }

  /**
   * A ticker's channel, for a ticker that is never stopped: Go's {@code time.Tick(d)}. Since Go
   * 1.23 (and here) an unreferenced ticker is garbage, so this does not leak.
   *
   * @param d the period
   * @return the ticker's channel; for a zero or negative {@code d}, Go's nil channel, which is
   *     never ready
   */
  public ReceiveChannel<Instant> tick(Duration d) {
    if (d.isZero() || d.isNegative()) {
      return Access.channels().nil();
    }
    return newTicker(d).c();
  }

  /**
   * Pauses the current goroutine for at least {@code d}: Go's {@code time.Sleep(d)}.
   *
   * @param d how long; zero or negative returns at once
   * @throws InterruptedException if interrupted while sleeping
   */
  public void sleep(Duration d) throws InterruptedException {
    sleep(d, null, null);
  }

  /**
   * Pauses the current goroutine for {@code d}, or until {@code ctx} is done: Go's {@code select}
   * on {@code time.After(d)} and {@code ctx.Done()}.
   *
   * @param ctx the context whose cancellation ends the sleep
   * @param d how long
   * @throws CancellationException {@code ctx.err()} if the context is or becomes done first
   * @throws InterruptedException if interrupted while sleeping
   */
  public void sleep(Context ctx, Duration d) throws InterruptedException {
    sleep(d, ctx, CancelScope.enter(ctx));
  }

  private void sleep(Duration d, Context ctx, CancelScope scope) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (d.isZero() || d.isNegative()) {
      return;
    }
    Waiter w = Waiter.of(WaitReason.SLEEP, d);
    Sleeper s = new Sleeper(w);
    time.queue().schedule(s, whenAfter(d));
    Object r = w.await(Long.MAX_VALUE, true, scope);
    if (r == Sleeper.WOKEN) {
      return;
    }
    time.queue().cancel(s);
    if (r == Waiter.INTERRUPTED) {
      throw new InterruptedException();
    }
    throw CancelScope.cancelled(ctx);
  }

  /** The deadline {@code d} from now on {@link #time}. */
  final long whenAfter(Duration d) {
    return time.deadlineAfter(d);
  }

  /**
   * A ticker's period in nanoseconds; if it is not positive, Go's panic text {@code goText}, the
   * period and the Java method.
   */
  static long positive(Duration d, String goText, String method) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(goText + ": " + d + " (" + method + ")");
    }
    return d.compareTo(TimeSource.FAR) >= 0 ? TimeSource.FAR.toNanos() : d.toNanos();
  }
}
