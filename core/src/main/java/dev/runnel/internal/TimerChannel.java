package dev.runnel.internal;

import dev.runnel.ReceiveChannel;
import java.time.Instant;

/**
 * A timer or ticker that delivers to a channel, with Go 1.23's semantics: the channel is
 * synchronous from the user's point of view (it reports length and capacity 0), {@code stop} and
 * {@code reset} guarantee that no value from before them is received afterwards, and a timer
 * that nobody references or waits on is garbage even if it is still armed.
 *
 * <pre>
 * Implementation notes
 *
 * The channel is a ChannelCore of capacity 1 whose lock guards this timer's state (armed, when,
 * period, receivers). Go 1.23's design, in Runnel's words:
 *
 *   - Lazy firing. A receive (plain, try, or a select's poll) that finds the channel empty calls
 *     pollLocked, which delivers the tick if it is due. So a due timer needs no timer thread to
 *     be received.
 *   - Queued only while waited on. The timer is in its clock's TimerQueue only while receive
 *     nodes are queued on the channel (receivers > 0): enqueue and unlink of a receive node call
 *     receiversChangedLocked. Nothing else references an idle timer, so an unreferenced timer is
 *     collectable, and a time.After in a select loop that another case wins leaves nothing behind.
 *   - Firing. The queue's runner calls fire, which takes the channel lock and re-checks the state
 *     (the timer may have been stopped or reset after the queue chose it), then sends: to the
 *     first waiting receiver, else into the one-slot buffer (a select node that has already been
 *     completed elsewhere counts as gone), else, for a ticker whose last tick was not received,
 *     nowhere: the tick is dropped and the period kept.
 *   - Stop and reset clear the buffer and change the state in one critical section of the
 *     channel lock, so no value from before them can be received after them. Both report the
 *     timer active while it is armed or holds an unreceived value: in the synchronous model a
 *     fired but unreceived timer has not yet delivered.
 *
 * A ticker's next tick after a late delivery is the first multiple of the period after now, so a
 * slow receiver gets one tick, not a burst, and the ticks stay on the original phase.
 * </pre>
 */
public final class TimerChannel extends TimerTask implements TimerHandle {

  private final TimeSource time;
  final ChannelCore core;
  private final ReceiveChannel<Instant> channel;

  // Guarded by core's lock.
  private boolean armed;
  private long when;
  private long period;
  private int receivers;

  /**
   * An armed timer.
   *
   * @param time the clock
   * @param when first firing, on {@code time.nanoTime()}
   * @param period nanoseconds between firings, or 0 for a one-shot timer
   */
  public TimerChannel(TimeSource time, long when, long period) {
    this.time = time;
    this.core = new ChannelCore(this, 1, this);
    this.channel = Access.channels().view(core, true);
    this.armed = true;
    this.when = when;
    this.period = period;
  }

  long now() {
    return time.nanoTime();
  }

  @Override
  public ReceiveChannel<Instant> channel() {
    return channel;
  }

  /** Lock held: the tick if one is due (and then advances the state), else null. */
  Object pollLocked(long now) {
    if (!armed || when - now > 0) {
      return null;
    }
    Instant tick = time.instantAt(when);
    if (period == 0) {
      armed = false;
    } else {
      when += period * ((now - when) / period + 1);
    }
    return tick;
  }

  /** Lock held: receive nodes were queued ({@code delta > 0}) or unlinked. */
  void receiversChangedLocked(int delta) {
    receivers += delta;
    if (receivers == 0) {
      time.queue().cancel(this);
    } else if (delta > 0 && receivers == 1 && armed) {
      time.queue().schedule(this, when);
    }
  }

  @Override
  public void fire(long now) {
    ChannelWait woken = null;
    core.lock();
    try {
      Object tick = pollLocked(now);
      if (tick != null) {
        core.sendLocked(tick); // FULL: a ticker's unreceived tick, so this one is dropped
        woken = core.takePendingWake();
      }
      if (armed && receivers > 0) {
        time.queue().schedule(this, when);
      }
    } finally {
      core.unlock();
    }
    ChannelCore.wake(woken);
  }

  @Override
  public boolean stop() {
    core.lock();
    try {
      boolean active = core.clearLocked() || armed;
      armed = false;
      if (receivers > 0) {
        time.queue().cancel(this);
      }
      return active;
    } finally {
      core.unlock();
    }
  }

  @Override
  public boolean reset(long when, long period) {
    core.lock();
    try {
      boolean active = core.clearLocked() || armed;
      this.armed = true;
      this.when = when;
      this.period = period;
      if (receivers > 0) {
        time.queue().schedule(this, when);
      }
      return active;
    } finally {
      core.unlock();
    }
  }

  @Override
  public String toString() {
    return "timer chan@" + Integer.toHexString(hashCode());
  }
}
