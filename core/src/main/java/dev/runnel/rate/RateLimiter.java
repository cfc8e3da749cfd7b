package dev.runnel.rate;

import dev.runnel.context.Context;
import dev.runnel.context.DeadlineExceededException;
import dev.runnel.internal.Access;
import dev.runnel.internal.TimeSource;
import dev.runnel.sync.Mutex;
import dev.runnel.time.Clock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * A token bucket: Go's {@code golang.org/x/time/rate.Limiter}. The bucket holds at most {@code
 * burst} tokens and refills at {@code limit} tokens per second; each event takes one (or {@code
 * n}).
 *
 * <table>
 *   <caption>Operations</caption>
 *   <tr><th>Go</th><th>here</th><th>when no token is free</th></tr>
 *   <tr><td>{@code Allow}, {@code AllowN}</td><td>{@link #allow()}, {@link #allowN}</td>
 *       <td>returns false, takes nothing</td></tr>
 *   <tr><td>{@code Reserve}, {@code ReserveN}</td><td>{@link #reserve()}, {@link #reserveN}</td>
 *       <td>takes the tokens ahead and says how long to wait</td></tr>
 *   <tr><td>{@code Wait}, {@code WaitN}</td><td>{@link #await}, {@link #awaitN}</td>
 *       <td>waits for them, or throws if the context would end first</td></tr>
 * </table>
 *
 * <p>The bucket starts full. The limit may be {@link #INF} (every event allowed, the burst
 * ignored) or zero (what is in the bucket, and nothing more until the limit is raised); a negative
 * limit acts as zero, as in Go; NaN is refused with {@link IllegalArgumentException}. {@link
 * #setLimit} and {@link #setBurst} change the bucket at run time, keeping the tokens accumulated
 * so far. The {@code ...At(Instant)} forms take the time explicitly, for deterministic use; the
 * others read the limiter's {@link Clock}, which tests can make a {@link
 * dev.runnel.time.ManualClock}.
 *
 * <p>Memory consistency effects: the limiter's methods are linearizable (one lock); a call that
 * observes tokens happens-after the calls that produced its state.
 *
 * <p>Go: the same arithmetic (floating-point tokens, the reservation cancel rules). {@code Wait}
 * throws instead of returning an error: {@link IllegalArgumentException} with Go's text when
 * {@code n} exceeds the burst, {@link DeadlineExceededException} with Go's text when the wait
 * would pass the context's deadline, and {@code ctx.err()} when the context ends the wait.
 *
 * {@snippet :
 * RateLimiter limiter = new RateLimiter(100, 10); // 100 events/s, bursts of 10
 * for (Request r : requests) {
 *   limiter.await(ctx);                           // blocks until the next token
 *   handle(r);
 * }
 * }
 */
public final class RateLimiter {

  /** The infinite rate: every event is allowed. Go's {@code rate.Inf}. */
  public static final double INF = Double.MAX_VALUE;

  /** The delay of a reservation that is not OK: Go's {@code rate.InfDuration}. */
  public static final Duration INF_DURATION = Duration.ofNanos(Long.MAX_VALUE);

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final Mutex mu = new Mutex();
  private final Clock clock;
  private final TimeSource time;
  /** Epoch nanoseconds minus the clock's nanoTime: converts one to the other. */
  private final long epochOffset;

  // Guarded by mu. Times are epoch nanoseconds.
  private double limit;
  private int burst;
  private double tokens;
  /** Long.MIN_VALUE: never, Go's zero time, so the first advance refills the bucket. */
  private long last = Long.MIN_VALUE;
  private long lastEvent = Long.MIN_VALUE;
  /**
   * A sequence lock over the fields above for allow's lock-free refusals: odd while a change is
   * being written (always under mu), bumped once more when it is done.
   */
  private volatile int version;

  private static final VarHandle VERSION;

  static {
    try {
      VERSION = MethodHandles.lookup().findVarHandle(RateLimiter.class, "version", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * A limiter on the system clock: Go's {@code rate.NewLimiter(r, b)}.
   *
   * @param perSecond the rate, events per second; {@link #INF} for no limit
   * @param burst the bucket size
   * @throws IllegalArgumentException {@code "rate: limit is NaN"} if {@code perSecond} is NaN
   */
  public RateLimiter(double perSecond, int burst) {
    this(perSecond, burst, Clock.system());
  }

  /**
   * A limiter that reads time from {@code clock}.
   *
   * @param perSecond the rate, events per second; {@link #INF} for no limit
   * @param burst the bucket size
   * @param clock the clock
   * @throws IllegalArgumentException {@code "rate: limit is NaN"} if {@code perSecond} is NaN
   */
  public RateLimiter(double perSecond, int burst, Clock clock) {
    this.limit = normalize(perSecond);
    this.burst = burst;
    this.tokens = burst; // "initially full", whatever the rate (Go since golang/go#68541)
    this.clock = Objects.requireNonNull(clock, "clock");
    this.time = Access.timeSource(clock);
    long n = time.nanoTime();
    this.epochOffset = epochNanos(time.instantAt(n)) - n;
  }

  /**
   * The limit for one event per {@code interval}: Go's {@code rate.Every}.
   *
   * @param interval the minimum time between events
   * @return events per second; {@link #INF} for a zero or negative interval
   */
  public static double every(Duration interval) {
    if (interval.isZero() || interval.isNegative()) {
      return INF;
    }
    return NANOS_PER_SECOND / (double) interval.toNanos();
  }

  // ---------------------------------------------------------------- allow

  /**
   * Takes one token if one is free now: Go's {@code lim.Allow()}.
   *
   * @return true if the event may happen now
   */
  public boolean allow() {
    return allowAt(now(), 1);
  }

  /**
   * Takes {@code n} tokens if they are free at {@code t}: Go's {@code lim.AllowN(t, n)}.
   *
   * @param t the time of the event
   * @param n the number of tokens
   * @return true if the event may happen at {@code t}
   */
  public boolean allowN(Instant t, int n) {
    return allowAt(epochNanos(t), n);
  }

  /**
   * reserveAt(t, n, 0).ok() without the reservation. A refusal changes nothing, so it is decided
   * first without the lock, on a snapshot the version check proves consistent; only an event that
   * may be allowed takes the lock.
   */
  private boolean allowAt(long t, int n) {
    int v = (int) VERSION.getAcquire(this);
    if ((v & 1) == 0) {
      double l = limit;
      int b = burst;
      double tok = tokens;
      long at = last;
      VarHandle.loadLoadFence(); // the field reads above stay before the second version read
      if ((int) VERSION.getAcquire(this) == v
          && l != INF
          && !fits(advanced(tok, at, l, b, t) - n, n, b, l)) {
        return false;
      }
    }
    mu.lock();
    try {
      if (limit == INF) {
        return true;
      }
      double left = advancedTokens(t) - n;
      if (!fits(left, n, burst, limit)) {
        return false;
      }
      beginWrite();
      last = t;
      tokens = left;
      lastEvent = t;
      endWrite();
      return true;
    } finally {
      mu.unlock();
    }
  }

  /** Whether an event leaving {@code left} tokens may happen now (no wait, within the burst). */
  private static boolean fits(double left, int n, int burst, double limit) {
    return n <= burst && waitNanos(left, limit) <= 0;
  }

  /** How long until an event that leaves {@code left} tokens may happen: Go's wait duration. */
  private static long waitNanos(double left, double limit) {
    return left < 0 ? nanosFromTokens(-left, limit) : 0;
  }

  // ---------------------------------------------------------------- reserve

  /**
   * Reserves one token: Go's {@code lim.Reserve()}.
   *
   * @return the reservation; not OK only if the burst is below 1 (with a zero limit and an empty
   *     bucket it is OK with an infinite delay, as in Go)
   */
  public Reservation reserve() {
    return reserveAt(now(), 1, Long.MAX_VALUE);
  }

  /**
   * Reserves {@code n} tokens at {@code t}: Go's {@code lim.ReserveN(t, n)}.
   *
   * @param t the time of the reservation
   * @param n the number of tokens
   * @return the reservation; not OK if {@code n} exceeds the burst
   */
  public Reservation reserveN(Instant t, int n) {
    return reserveAt(epochNanos(t), n, Long.MAX_VALUE);
  }

  // ---------------------------------------------------------------- wait

  /**
   * Waits for one token: Go's {@code lim.Wait(ctx)}.
   *
   * @param ctx the context whose cancellation ends the wait
   * @throws IllegalArgumentException as for {@link #awaitN}
   * @throws DeadlineExceededException as for {@link #awaitN}
   * @throws java.util.concurrent.CancellationException as for {@link #awaitN}
   * @throws InterruptedException if interrupted while waiting (the tokens are given back)
   */
  public void await(Context ctx) throws InterruptedException {
    await(ctx, 1, "await");
  }

  /**
   * Waits until {@code n} tokens are available and takes them: Go's {@code lim.WaitN(ctx, n)}.
   *
   * @param ctx the context whose cancellation ends the wait
   * @param n the number of tokens
   * @throws IllegalArgumentException {@code "rate: Wait(n=N) exceeds limiter's burst B (awaitN)"}
   *     if {@code n} exceeds the burst (and the limit is not {@link #INF}); {@code (await)} for
   *     {@link #await}
   * @throws DeadlineExceededException {@code "rate: Wait(n=N) would exceed context deadline
   *     (awaitN)"} if the wait would end after the context's deadline; nothing is taken
   * @throws java.util.concurrent.CancellationException {@code ctx.err()} if the context is done
   *     on entry or while waiting (the tokens are given back)
   * @throws InterruptedException if interrupted while waiting (the tokens are given back)
   */
  public void awaitN(Context ctx, int n) throws InterruptedException {
    await(ctx, n, "awaitN");
  }

  /** Go's {@code WaitN}; {@code method} names the Java method in the messages. */
  private void await(Context ctx, int n, String method) throws InterruptedException {
    int b;
    double l;
    mu.lock();
    try {
      b = burst;
      l = limit;
    } finally {
      mu.unlock();
    }
    if (n > b && l != INF) {
      throw new IllegalArgumentException(
          "rate: Wait(n=" + n + ") exceeds limiter's burst " + b + " (" + method + ")");
    }
    CancellationException err = ctx.err();
    if (err != null) {
      throw err;
    }
    long t = now();
    long waitLimit = Long.MAX_VALUE;
    Optional<Instant> deadline = ctx.deadline();
    if (deadline.isPresent()) {
      long d = epochNanos(deadline.get());
      waitLimit = d == Long.MAX_VALUE ? Long.MAX_VALUE : d - t;
    }
    Reservation r = reserveAt(t, n, waitLimit);
    if (!r.isOk()) {
      throw new DeadlineExceededException(
          "rate: Wait(n=" + n + ") would exceed context deadline (" + method + ")");
    }
    Duration delay = r.delayNanos(t);
    if (delay.isZero()) {
      return;
    }
    boolean slept = false;
    try {
      clock.sleep(ctx, delay);
      slept = true;
    } finally {
      if (!slept) {
        cancel(r, now());
      }
    }
  }

  // ---------------------------------------------------------------- settings

  /**
   * The current rate: Go's {@code lim.Limit()}.
   *
   * @return events per second
   */
  public double limit() {
    mu.lock();
    try {
      return limit;
    } finally {
      mu.unlock();
    }
  }

  /**
   * The bucket size: Go's {@code lim.Burst()}.
   *
   * @return the burst
   */
  public int burst() {
    mu.lock();
    try {
      return burst;
    } finally {
      mu.unlock();
    }
  }

  /**
   * The tokens available now: Go's {@code lim.Tokens()}.
   *
   * @return the tokens, negative while reservations wait for them
   */
  public double tokens() {
    return tokensAt(now());
  }

  /**
   * The tokens available at {@code t}: Go's {@code lim.TokensAt(t)}.
   *
   * @param t the time
   * @return the tokens at that time
   */
  public double tokensAt(Instant t) {
    return tokensAt(epochNanos(t));
  }

  private double tokensAt(long t) {
    mu.lock();
    try {
      return advancedTokens(t);
    } finally {
      mu.unlock();
    }
  }

  /**
   * Changes the rate, keeping the tokens accumulated so far: Go's {@code lim.SetLimit}.
   *
   * @param perSecond the new rate
   * @throws IllegalArgumentException {@code "rate: limit is NaN"} if {@code perSecond} is NaN;
   *     the limiter is then as it was
   */
  public void setLimit(double perSecond) {
    setLimitAt(now(), perSecond);
  }

  /**
   * As {@link #setLimit}, at time {@code t}: Go's {@code lim.SetLimitAt}.
   *
   * @param t the time of the change
   * @param perSecond the new rate
   * @throws IllegalArgumentException as for {@link #setLimit}
   */
  public void setLimitAt(Instant t, double perSecond) {
    setLimitAt(epochNanos(t), perSecond);
  }

  private void setLimitAt(long t, double perSecond) {
    double l = normalize(perSecond);
    mu.lock();
    try {
      beginWrite();
      advanceTo(t);
      limit = l;
      endWrite();
    } finally {
      mu.unlock();
    }
  }

  /**
   * Changes the bucket size, keeping the tokens accumulated so far: Go's {@code lim.SetBurst}.
   *
   * @param newBurst the new burst
   */
  public void setBurst(int newBurst) {
    setBurstAt(now(), newBurst);
  }

  private void setBurstAt(long t, int newBurst) {
    mu.lock();
    try {
      beginWrite();
      advanceTo(t);
      burst = newBurst;
      endWrite();
    } finally {
      mu.unlock();
    }
  }

  /**
   * As {@link #setBurst}, at time {@code t}: Go's {@code lim.SetBurstAt}.
   *
   * @param t the time of the change
   * @param newBurst the new burst
   */
  public void setBurstAt(Instant t, int newBurst) {
    setBurstAt(epochNanos(t), newBurst);
  }

  @Override
  public String toString() {
    mu.lock();
    try {
      return "RateLimiter[limit=" + (limit == INF ? "Inf" : limit) + "/s, burst=" + burst + "]";
    } finally {
      mu.unlock();
    }
  }

  // ---------------------------------------------------------------- the bucket

  /*
   * Implementation notes. Go's algorithm, in Runnel's words. The bucket's state is (tokens, last):
   * the tokens at time last. advancedTokens(t) is the tokens at t, refilled at limit per second
   * since last and capped at burst (a t before last counts as last). A reservation at t subtracts
   * n, possibly going negative: the wait is the time to refill back to zero, and it is OK only if
   * n <= burst and the wait is within the caller's maximum. lastEvent is the latest time to act
   * given out; a cancel gives back the tokens minus those that reservations made after it have
   * consumed (which it computes as the tokens the limit produces between the reservation's time
   * to act and lastEvent), and moves lastEvent back if it was the last one.
   */

  Reservation reserveAt(long t, int n, long maxWaitNanos) {
    mu.lock();
    try {
      if (limit == INF) {
        return new Reservation(this, true, n, t, limit);
      }
      double left = advancedTokens(t) - n;
      long wait = waitNanos(left, limit);
      boolean ok = n <= burst && wait <= maxWaitNanos;
      if (!ok) {
        return new Reservation(this, false, 0, 0, limit);
      }
      long timeToAct =
          wait == Long.MAX_VALUE || t > Long.MAX_VALUE - wait ? Long.MAX_VALUE : t + wait;
      beginWrite();
      last = t;
      tokens = left;
      lastEvent = timeToAct;
      endWrite();
      return new Reservation(this, true, n, timeToAct, limit);
    } finally {
      mu.unlock();
    }
  }

  void cancel(Reservation r, long t) {
    if (!r.isOk() || r.tokens() == 0 || r.timeToAct() < t) {
      return;
    }
    mu.lock();
    try {
      if (limit == INF) {
        return; // Go: nothing to give back to an unlimited bucket
      }
      double restore = r.tokens() - tokensFromNanos(lastEvent - r.timeToAct(), r.limit());
      if (restore <= 0) {
        return;
      }
      beginWrite();
      advanceTo(t);
      tokens = Math.min(tokens + restore, burst);
      if (r.timeToAct() == lastEvent) {
        long previous = r.timeToAct() - nanosFromTokens(r.tokens(), r.limit());
        if (previous >= t) {
          lastEvent = previous;
        }
      }
      endWrite();
    } finally {
      mu.unlock();
    }
  }

  /** Lock held: moves the state to {@code t} (Go's advance, then storing it). */
  private void advanceTo(long t) {
    tokens = advancedTokens(t);
    last = t;
  }

  /**
   * Lock held: the tokens at {@code t}, not stored. A {@code t} before {@code last} counts as
   * {@code last} (no refill); a limiter never advanced refills from the beginning of time, which
   * fills it unless the limit is zero.
   */
  private double advancedTokens(long t) {
    return advanced(tokens, last, limit, burst, t);
  }

  private static double advanced(double tokens, long last, double limit, int burst, long t) {
    long elapsed = last == Long.MIN_VALUE ? Long.MAX_VALUE : Math.max(0, t - last);
    double total = tokens + tokensFromNanos(elapsed, limit);
    return Math.min(total, burst);
  }

  /** Lock held: starts a change of the bucket; optimistic readers see an odd version. */
  private void beginWrite() {
    VERSION.setOpaque(this, version + 1);
    VarHandle.storeStoreFence(); // the field writes below stay after the odd version
  }

  /** Lock held: ends a change; the version is even again and different. */
  private void endWrite() {
    VERSION.setRelease(this, version + 1); // after the field writes; no full fence needed
  }

  private static double tokensFromNanos(long nanos, double perSecond) {
    if (perSecond <= 0) {
      return 0;
    }
    return nanos / (double) NANOS_PER_SECOND * perSecond;
  }


  private static long nanosFromTokens(double t, double perSecond) {
    if (perSecond <= 0) {
      return Long.MAX_VALUE;
    }
    double nanos = NANOS_PER_SECOND * (t / perSecond);
    return nanos >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) nanos;
  }

  /**
   * A limit as stored: infinity as {@link #INF}; NaN refused, as it would make the tokens NaN
   * (every comparison false: no event allowed), and no later limit could repair them.
   */
  private static double normalize(double perSecond) {
    if (Double.isNaN(perSecond)) {
      throw new IllegalArgumentException("rate: limit is NaN");
    }
    return perSecond == Double.POSITIVE_INFINITY ? INF : perSecond;
  }

  long now() {
    return epochOffset + time.nanoTime();
  }

  /** Epoch nanoseconds of {@code t}, saturating beyond the years 1677 and 2262. */
  static long epochNanos(Instant t) {
    long seconds = t.getEpochSecond();
    if (seconds >= Long.MAX_VALUE / NANOS_PER_SECOND) {
      return Long.MAX_VALUE;
    }
    if (seconds <= Long.MIN_VALUE / NANOS_PER_SECOND) {
      return Long.MIN_VALUE + 1;
    }
    return seconds * NANOS_PER_SECOND + t.getNano();
  }
}
