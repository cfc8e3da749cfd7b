package dev.runnel.time;

import dev.runnel.Channel;
import dev.runnel.internal.TimeSource;
import dev.runnel.internal.TimerQueue;
import dev.runnel.sync.Mutex;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when told to, so that tests of timeouts, tickers and rate limits run
 * instantly and deterministically instead of sleeping.
 *
 * <p>It starts at 2000-01-01T00:00:00Z (as Go's {@code testing/synctest} bubbles do) unless
 * given a start. {@link #advance} moves it forward and fires, in the advancing thread and in
 * deadline order, every timer that comes due, with the clock reading each timer's deadline as it
 * fires: channel timers and tickers deliver, sleeps end, contexts reach their deadlines, and
 * {@code afterFunc} functions start in their own goroutines. A timer that is already due when
 * it is queued (a zero delay, or a goroutine that queued its timer just after an advance passed
 * its deadline) fires at once, from a catch-up goroutine, without waiting for the next advance.
 * Since a goroutine that sleeps or
 * waits on a timer channel queues a timer, {@link #awaitPendingTimers} lets a test wait until the
 * goroutines under test are waiting for time before it advances.
 *
 * <p>Memory consistency effects: actions before {@code advance} happen-before the deliveries and
 * function starts it causes.
 *
 * <p>Go: no equivalent in the standard library; {@code testing/synctest} fakes time for a bubble
 * of goroutines and advances it when they are all blocked, where this clock advances when asked.
 *
 * {@snippet :
 * ManualClock clock = new ManualClock();
 * Go.go(() -> clock.sleep(Duration.ofHours(1)));
 * clock.awaitPendingTimers(1);
 * clock.advance(Duration.ofHours(1)); // the sleeper wakes now
 * }
 */
public final class ManualClock extends Clock {

  private static final Instant DEFAULT_START = Instant.parse("2000-01-01T00:00:00Z");

  /** Creates a clock reading 2000-01-01T00:00:00Z. */
  public ManualClock() {
    this(DEFAULT_START);
  }

  /**
   * Creates a clock reading {@code start}.
   *
   * @param start the initial time
   */
  public ManualClock(Instant start) {
    super(new Source(start));
  }

  private Source source() {
    return (Source) time;
  }

  @Override
  public Instant now() {
    return source().instantAt(source().nanos);
  }

  /**
   * Moves the clock forward by {@code d}, firing every timer that comes due on the way, in
   * deadline order. Concurrent calls are serialized.
   *
   * @param d how far; zero fires the timers that are due now
   * @throws IllegalArgumentException if {@code d} is negative
   */
  public void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("cannot move a clock backwards: " + d);
    }
    source().advance(d.toNanos());
  }

  /**
   * Moves the clock to the earliest pending timer's deadline and fires what is due then.
   *
   * @return how far the clock moved, or null if no timer is pending
   */
  public Duration advanceToNextTimer() {
    Source s = source();
    if (s.queue().size() == 0) {
      return null;
    }
    long next = s.queue().earliest(s.nanos);
    Duration d = Duration.ofNanos(Math.max(0, next - s.nanos));
    advance(d);
    return d;
  }

  /**
   * The number of timers waiting to fire: armed {@code afterFunc} timers, sleeps, context
   * deadlines, and channel timers and tickers that a goroutine is waiting on.
   *
   * @return the number of pending timers
   */
  public int pendingTimers() {
    return source().queue().size();
  }

  /**
   * Waits until at least {@code n} timers are pending: for example until the goroutines under
   * test have gone to sleep or are waiting on a timer.
   *
   * @param n how many
   * @throws InterruptedException if interrupted while waiting
   */
  public void awaitPendingTimers(int n) throws InterruptedException {
    Source s = source();
    for (; ; ) {
      Channel<Boolean> changed = s.changed.get();
      if (s.queue().size() >= n) {
        return;
      }
      changed.receive();
    }
  }

  @Override
  public String toString() {
    return "ManualClock[" + now() + "]";
  }

  /**
   * The manual time source: a monotonic reading that only advance moves.
   *
   * <p>A timer can be queued with a deadline the clock has already passed: a goroutine read the
   * time, an advance ran, and only then did the goroutine queue its timer (a receive on a timer
   * channel, a sleep). No later advance may come, so such a timer is fired by a catch-up
   * goroutine, started by the schedule that queued it.
   */
  private static final class Source implements TimeSource {
    private final Instant start;
    private final TimerQueue queue = new TimerQueue(earliest -> scheduled());
    private final Mutex advancing = new Mutex();
    private final AtomicBoolean catchUpPending = new AtomicBoolean();
    /** Nanoseconds since start; written only under {@link #advancing}. */
    private volatile long nanos;
    /** Replaced and closed on every schedule, to wake awaitPendingTimers. */
    private final AtomicReference<Channel<Boolean>> changed =
        new AtomicReference<>(Channel.make());

    Source(Instant start) {
      this.start = start;
    }

    private void scheduled() {
      changed.getAndSet(Channel.make()).close();
      long now = nanos;
      if (queue.earliest(now + 1) - now <= 0 && catchUpPending.compareAndSet(false, true)) {
        Thread.ofVirtual()
            .name("runnel-manual-clock")
            .start(
                () -> {
                  catchUpPending.set(false);
                  advance(0);
                });
      }
    }

    /**
     * Moves the clock forward, firing what comes due on the way, in deadline order.
     *
     * <p>No wake-up is lost to a racing schedule: this publishes the new time and then looks at
     * the queue again, while a schedule queues its task and then reads the time (scheduled), so
     * either this sees the task or the schedule sees the time and starts a catch-up.
     */
    void advance(long nanosToAdd) {
      advancing.lock();
      try {
        long target = nanos + nanosToAdd;
        do {
          for (long next; (next = queue.earliest(target + 1)) - target <= 0; ) {
            if (next - nanos > 0) {
              nanos = next;
            }
            queue.runDue(nanos);
          }
          nanos = target;
        } while (queue.earliest(target + 1) - target <= 0);
      } finally {
        advancing.unlock();
      }
    }

    @Override
    public long nanoTime() {
      return nanos;
    }

    @Override
    public Instant instantAt(long nanoTime) {
      return start.plusNanos(nanoTime);
    }

    @Override
    public TimerQueue queue() {
      return queue;
    }
  }
}
