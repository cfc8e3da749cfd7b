package dev.runnel.time;

import dev.runnel.ReceiveChannel;
import dev.runnel.context.Context;
import java.time.Duration;
import java.time.Instant;

/**
 * Go's {@code time} package on the real clock: timers, tickers and sleeps. Each method is {@link
 * Clock#system()}'s; take a {@link Clock} instead where tests should control time.
 *
 * <p>Go: {@code time.NewTimer}, {@code After}, {@code AfterFunc}, {@code NewTicker}, {@code
 * Tick}, {@code Sleep}, {@code Now}, {@code Since}, {@code Until}, with Go 1.23's timer semantics
 * (see {@link Timer}). Durations are {@link Duration}s and times {@link Instant}s.
 *
 * {@snippet :
 * Select.select()
 *     .onReceive(results, r -> handle(r))
 *     .onReceive(Time.after(Duration.ofSeconds(1)), t -> timedOut())
 *     .run();
 * }
 */
public final class Time {

  private Time() {}

  /**
   * Go's {@code time.Now()}.
   *
   * @return the current instant
   */
  public static Instant now() {
    return Instant.now();
  }

  /**
   * Go's {@code time.Since(t)}.
   *
   * @param t an earlier instant
   * @return the time elapsed since {@code t}
   */
  public static Duration since(Instant t) {
    return Clock.system().since(t);
  }

  /**
   * Go's {@code time.Until(t)}.
   *
   * @param t an instant
   * @return the time until {@code t}, negative if it has passed
   */
  public static Duration until(Instant t) {
    return Clock.system().until(t);
  }

  /**
   * Go's {@code time.NewTimer(d)}; see {@link Clock#newTimer}.
   *
   * @param d the delay
   * @return the running timer
   */
  public static Timer newTimer(Duration d) {
    return Clock.system().newTimer(d);
  }

  /**
   * Go's {@code time.After(d)}; see {@link Clock#after}.
   *
   * @param d the delay
   * @return the timer's channel
   */
  public static ReceiveChannel<Instant> after(Duration d) {
    return Clock.system().after(d);
  }

  /**
   * Go's {@code time.AfterFunc(d, f)}; see {@link Clock#afterFunc}.
   *
   * @param d the delay
   * @param f the function, run in its own goroutine
   * @return the running timer, whose {@code c()} is null
   */
  public static Timer afterFunc(Duration d, Runnable f) {
    return Clock.system().afterFunc(d, f);
  }

  /**
   * Go's {@code time.NewTicker(d)}; see {@link Clock#newTicker}.
   *
   * @param d the period
   * @return the running ticker
   * @throws IllegalArgumentException if {@code d} is not positive ({@code "non-positive interval
   *     for NewTicker: PT0S (newTicker)"})
   */
  public static Ticker newTicker(Duration d) {
    return Clock.system().newTicker(d);
  }

  /**
   * Go's {@code time.Tick(d)}; see {@link Clock#tick}.
   *
   * @param d the period
   * @return the ticker's channel, or a never-ready channel if {@code d} is not positive
   */
  public static ReceiveChannel<Instant> tick(Duration d) {
    return Clock.system().tick(d);
  }

  /**
   * Go's {@code time.Sleep(d)}; see {@link Clock#sleep(Duration)}.
   *
   * @param d how long
   * @throws InterruptedException if interrupted while sleeping
   */
  public static void sleep(Duration d) throws InterruptedException {
    Clock.system().sleep(d);
  }

  /**
   * Sleeps until {@code d} has passed or {@code ctx} is done; see {@link Clock#sleep(Context,
   * Duration)}.
   *
   * @param ctx the context whose cancellation ends the sleep
   * @param d how long
   * @throws java.util.concurrent.CancellationException {@code ctx.err()} if the context is or
   *     becomes done first
   * @throws InterruptedException if interrupted while sleeping
   */
  public static void sleep(Context ctx, Duration d) throws InterruptedException {
    Clock.system().sleep(ctx, d);
  }
}
