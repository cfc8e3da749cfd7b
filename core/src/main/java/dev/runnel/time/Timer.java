package dev.runnel.time;

import dev.runnel.ReceiveChannel;
import dev.runnel.internal.TimerHandle;
import java.time.Duration;
import java.time.Instant;

/**
 * A single event in the future: Go's {@code time.Timer}, with Go 1.23's semantics. Make one with
 * {@link Time#newTimer} or {@link Time#afterFunc} (or on a {@link Clock}).
 *
 * <p>A channel timer delivers the time it fired on {@link #c()}, once. The channel is synchronous
 * as Go 1.23's: it reports {@code size() == 0} and {@code capacity() == 0}, and after {@link
 * #stop()} or {@link #reset} return no value from before them can be received, so the Go &lt;1.23
 * idiom of draining the channel before {@code reset} is unnecessary (and harmless with {@code
 * tryReceive}). An unstopped timer that is no longer referenced is garbage collected.
 *
 * <p>An {@code afterFunc} timer runs its function in its own goroutine; its {@code c()} is null.
 *
 * <p>Memory consistency effects: actions before {@code newTimer}, {@code afterFunc} or a {@code
 * reset} happen-before the receive of the value it delivers, or the start of the function.
 *
 * <p>Go: {@code t.C} is {@link #c()}; {@code Stop} and {@code Reset} behave as in Go 1.23 and
 * later, where they return true if the timer was active: armed, or fired but its value not yet
 * received.
 *
 * {@snippet :
 * Timer t = Time.newTimer(Duration.ofSeconds(1));
 * Select.select()
 *     .onReceive(results, r -> handle(r))
 *     .onReceive(t.c(), now -> giveUp())
 *     .run();
 * t.stop();
 * }
 */
public final class Timer {

  private final Clock clock;
  private final TimerHandle handle;

  Timer(Clock clock, TimerHandle handle) {
    this.clock = clock;
    this.handle = handle;
  }

  /**
   * The channel on which the time is delivered: Go's {@code t.C}.
   *
   * @return the channel, or null for an {@code afterFunc} timer
   */
  public ReceiveChannel<Instant> c() {
    return handle.channel();
  }

  /**
   * Prevents the timer from firing. After it returns, no value from this timer is received from
   * {@link #c()} until a {@link #reset}.
   *
   * @return true if the timer was active (armed, or fired but not received); false if it had
   *     already delivered or been stopped. For {@code afterFunc}: true if it stopped the function
   *     from starting.
   */
  public boolean stop() {
    return handle.stop();
  }

  /**
   * Re-arms the timer to fire after {@code d}. Any value it delivered and nobody received is
   * discarded first, so no stale value is received afterwards.
   *
   * @param d the new delay; zero or negative fires at once
   * @return true if the timer was active, as for {@link #stop()}
   */
  public boolean reset(Duration d) {
    return handle.reset(clock.whenAfter(d), 0);
  }

  @Override
  public String toString() {
    return "Timer[" + (c() == null ? "func" : c()) + "]";
  }
}
