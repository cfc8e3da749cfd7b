package dev.runnel.time;

import dev.runnel.ReceiveChannel;
import dev.runnel.internal.TimerHandle;
import java.time.Duration;
import java.time.Instant;

/**
 * Delivers the time on a channel at a fixed period: Go's {@code time.Ticker}, with Go 1.23's
 * semantics. Make one with {@link Time#newTicker} (or on a {@link Clock}).
 *
 * <p>Ticks stay on the period's phase. A receiver that falls behind misses ticks instead of
 * receiving a backlog: at most one tick waits to be received. The channel is synchronous as Go
 * 1.23's ({@code size() == 0}, {@code capacity() == 0}); after {@link #stop()} or {@link #reset}
 * return, no tick from before them is received. An unstopped ticker that is no longer referenced
 * is garbage collected.
 *
 * <p>Memory consistency effects: actions before {@code newTicker} or a {@code reset}
 * happen-before the receive of every later tick.
 *
 * <p>Go: {@code t.C} is {@link #c()}; {@code Stop} and {@code Reset} as in Go 1.23.
 *
 * {@snippet :
 * Ticker ticker = Time.newTicker(Duration.ofSeconds(1));
 * try {
 *   for (Instant t : ticker.c()) {
 *     report(t);
 *   }
 * } finally {
 *   ticker.stop();
 * }
 * }
 */
public final class Ticker {

  private final Clock clock;
  private final TimerHandle handle;

  Ticker(Clock clock, TimerHandle handle) {
    this.clock = clock;
    this.handle = handle;
  }

  /**
   * The channel on which the ticks are delivered: Go's {@code t.C}.
   *
   * @return the channel
   */
  public ReceiveChannel<Instant> c() {
    return handle.channel();
  }

  /** Turns the ticker off; no tick is received afterwards until a {@link #reset}. */
  public void stop() {
    handle.stop();
  }

  /**
   * Stops the ticker and restarts it with period {@code d}; the next tick comes {@code d} from
   * now, and an unreceived tick from before is discarded.
   *
   * @param d the new period
   * @throws IllegalArgumentException if {@code d} is zero or negative ({@code "non-positive
   *     interval for Ticker.Reset: PT0S (reset)"}, Go's text, the period and the Java method)
   */
  public void reset(Duration d) {
    long period = Clock.positive(d, "non-positive interval for Ticker.Reset", "reset");
    handle.reset(clock.whenAfter(d), period);
  }

  @Override
  public String toString() {
    return "Ticker[" + c() + "]";
  }
}
