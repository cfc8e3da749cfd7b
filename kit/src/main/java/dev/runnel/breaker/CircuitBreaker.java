package dev.runnel.breaker;

import dev.runnel.Go;
import dev.runnel.context.Context;
import dev.runnel.resilience.Policy;
import dev.runnel.structured.Task;
import dev.runnel.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A circuit breaker: a {@link Policy} that stops calling a failing dependency for a while, so
 * callers fail fast (or degrade to a {@link Fallback}) and the dependency gets room to recover.
 *
 * <p>States and the exact rules:
 *
 * <ul>
 *   <li>{@link State#CLOSED}: every call is permitted and its outcome goes into a sliding window (the
 *       last N calls, or the calls of the last period on the breaker's clock). Once the window holds
 *       at least {@code minimumCalls} outcomes, the breaker opens when the failure rate reaches the
 *       failure threshold or the slow-call rate reaches the slow threshold.
 *   <li>{@link State#OPEN}: every call is refused with {@link CircuitOpenException}, whose {@code
 *       retryAfter()} is the wait left. The wait is fixed or grows by a multiplier, up to a cap, with
 *       each re-opening from half-open; closing resets it. After the wait the breaker is half-open
 *       (at the next call, {@link #state()} or {@link #metrics()}: no timer runs).
 *   <li>{@link State#HALF_OPEN}: at most {@code probes} calls are permitted in this period; any
 *       further call is refused. Once {@code probes} of them have completed with a recorded outcome,
 *       the breaker closes if their failure rate is below the failure threshold and their slow rate
 *       below the slow threshold, and re-opens otherwise. A probe whose outcome is ignored gives its
 *       slot back. The closed state's window and {@code minimumCalls} play no part here. With {@code
 *       maxWaitInHalfOpen}, probes that have not all completed in time re-open the breaker at the
 *       next refused call.
 *   <li>{@link State#FORCED_OPEN} refuses every call, {@link State#DISABLED} permits every call and
 *       records nothing, {@link State#METRICS_ONLY} records but never opens. Only {@link
 *       #forceOpen()}, {@link #disable()}, {@link #metricsOnly()} enter them and {@link #reset()}
 *       leaves them.
 * </ul>
 *
 * <p>Every transition starts a new epoch. A permission belongs to the epoch it was given in, and an
 * outcome is recorded only while the breaker is still in that epoch: a result that arrives after
 * the state changed is dropped (and counted in {@link Metrics#lateResults()}), so it cannot corrupt
 * the new state's window or probe count.
 *
 * <p>Which outcomes count: an exception matching {@code ignoreOn} is neither a success nor a
 * failure; then one matching {@code failOn} (by default, every exception) is a failure, and any
 * other is a success. An exception thrown once the caller's context has ended, an {@link
 * InterruptedException} and an {@link Error} are not recorded: the caller ended, not the
 * dependency.
 *
 * <table>
 *   <caption>Operations</caption>
 *   <tr><th>form</th><th>methods</th></tr>
 *   <tr><td>as a policy</td><td>{@link #call(Context, Task)}, {@link #call(Context, Task,
 *       Fallback)}</td></tr>
 *   <tr><td>low level</td><td>{@link #tryAcquirePermission()}, {@link #acquirePermission()}, then
 *       {@link #onSuccess}, {@link #onError} or {@link #releasePermission}</td></tr>
 *   <tr><td>operator</td><td>{@link #forceOpen()}, {@link #disable()}, {@link #metricsOnly()},
 *       {@link #reset()}</td></tr>
 *   <tr><td>observing</td><td>{@link #state()}, {@link #metrics()}, {@link #onStateChange}</td></tr>
 * </table>
 *
 * <p>Memory consistency effects: actions before a transition happen-before a state-change listener
 * is called for it and before any call that observes the new state; actions before an outcome is
 * recorded ({@code onSuccess}, {@code onError}, the end of a {@code call}) happen-before a {@link
 * #metrics()} that counts it.
 *
 * <p>Go: there is no breaker in Go's standard library; this follows the shape of {@code
 * sony/gobreaker} (states, counts, a state-change callback) with Resilience4j's windows and names.
 *
 * {@snippet :
 * CircuitBreaker breaker = CircuitBreaker.builder().name("prices").countWindow(50)
 *     .minimumCalls(20).failureRateThreshold(50).waitInOpen(ofSeconds(1), 2, ofMinutes(1)).build();
 * Price p = breaker.call(ctx, c -> prices.get(c, sku), failure -> Price.lastKnown(sku));
 * }
 */
public final class CircuitBreaker implements Policy {

  /** What {@link #tryAcquirePermission()} returns when the call is refused. */
  public static final long NOT_PERMITTED = -1;

  /** A breaker's state. */
  public enum State {
    /** Calls are permitted and recorded. */
    CLOSED,
    /** Calls are refused until the open wait has passed. */
    OPEN,
    /** A bounded number of probe calls decides between closing and re-opening. */
    HALF_OPEN,
    /** Calls are refused until {@link #reset()}. */
    FORCED_OPEN,
    /** Calls are permitted and not recorded, until {@link #reset()}. */
    DISABLED,
    /** Calls are permitted and recorded, the breaker never opens, until {@link #reset()}. */
    METRICS_ONLY
  }

  /**
   * A transition, as listeners see it.
   *
   * @param from the state left
   * @param to the state entered
   * @param epoch the epoch the new state starts
   */
  public record StateChange(State from, State to, long epoch) {}

  /**
   * A snapshot of a breaker.
   *
   * @param state the state
   * @param failureRate percentage of failures among the buffered calls; -1 while fewer than the
   *     rule needs (closed: {@code minimumCalls}; half-open: one completed probe)
   * @param slowCallRate percentage of slow calls among the buffered calls; -1 as above
   * @param bufferedCalls outcomes in the window (closed, metrics-only, open), or completed probes
   *     (half-open); zero when forced open or disabled
   * @param failedCalls failures among them
   * @param slowCalls slow calls among them
   * @param notPermittedCalls calls refused since the breaker was built
   * @param lateResults outcomes dropped since the breaker was built because the state had changed
   */
  public record Metrics(
      State state,
      double failureRate,
      double slowCallRate,
      int bufferedCalls,
      int failedCalls,
      int slowCalls,
      long notPermittedCalls,
      long lateResults) {}

  private static final int IGNORED = -1;

  private final String name;
  private final Clock clock;
  private final long origin;
  private final int minimumCalls;
  private final double failureThreshold;
  private final double slowThreshold;
  private final long slowNanos;
  private final int probes;
  private final long maxWaitInHalfOpenNanos;
  private final long openWaitNanos;
  private final double openWaitMultiplier;
  private final long maxOpenWaitNanos;
  private final Predicate<? super Throwable> ignoreOn;
  private final Predicate<? super Throwable> failOn;

  /** Guards {@link #window}, the probe counters of the current phase, and writes of {@link #phase}. */
  private final ReentrantLock lock = new ReentrantLock();

  private final OutcomeWindow window;

  /** The current phase: read with one volatile load on every permission check and record. */
  private volatile Phase phase;

  /**
   * Whether the count window is full and holds only fast successes, as of the last critical
   * section: then recording another fast success changes nothing (one leaves, one enters), and
   * {@link #record} skips the lock. Written under {@link #lock}, before any phase it precedes.
   */
  private volatile boolean saturatedClean;

  /** Whether calls are timed: only to tell slow calls. */
  private final boolean timed;

  private final LongAdder notPermitted = new LongAdder();
  private final LongAdder late = new LongAdder();
  private final List<Consumer<? super StateChange>> listeners = new CopyOnWriteArrayList<>();

  /** Transitions not yet delivered to listeners, in the order they happened (added under lock). */
  private final ConcurrentLinkedQueue<StateChange> events = new ConcurrentLinkedQueue<>();

  /** Whether a thread is delivering {@link #events}: at most one does, so order is kept. */
  private final AtomicBoolean delivering = new AtomicBoolean();

  CircuitBreaker(CircuitBreakerBuilder b) {
    name = b.name;
    clock = b.clock;
    origin = clock.nanoTime();
    minimumCalls = b.minimumCalls;
    failureThreshold = b.failureThreshold;
    slowThreshold = b.slowThreshold;
    slowNanos = b.slowNanos;
    timed = slowNanos != Long.MAX_VALUE;
    probes = b.probes;
    maxWaitInHalfOpenNanos = b.maxWaitInHalfOpenNanos;
    openWaitNanos = b.openWaitNanos;
    openWaitMultiplier = b.openWaitMultiplier;
    maxOpenWaitNanos = b.maxOpenWaitNanos;
    ignoreOn = b.ignoreOn;
    failOn = b.failOn;
    window =
        b.countWindow > 0
            ? new CountWindow(b.countWindow)
            : new TimeWindow(b.bucketNanos, b.buckets, 0);
    listeners.addAll(b.listeners);
    phase = new Phase(State.CLOSED, 0, 0, 0, 0);
  }

  /**
   * A builder with the defaults: a window of the last 100 calls, 20 calls before the rates count,
   * 50% failure threshold, slow calls off, 60 s fixed open wait, 10 probes, no half-open limit,
   * every exception a failure, the system clock.
   *
   * @return a new builder
   */
  public static CircuitBreakerBuilder builder() {
    return new CircuitBreakerBuilder();
  }

  // ---------------------------------------------------------------- the policy form

  /**
   * Runs {@code task} if the breaker permits it, and records its outcome.
   *
   * @param ctx the caller's context, passed to the task
   * @param task the call
   * @param <T> the result type
   * @return what the task returned
   * @throws CircuitOpenException if the breaker refused the call; the task did not run
   * @throws Exception what the task threw
   */
  @Override
  public <T> T call(Context ctx, Task<T> task) throws Exception {
    return run(ctx, task, null);
  }

  /**
   * As {@link #call(Context, Task)}, but returns {@code fallback.recover(e)} when the breaker
   * refuses ({@code e} is the {@link CircuitOpenException}) or the task fails with an exception
   * recorded as a failure. Ignored exceptions and the caller's own ending are thrown as they are.
   *
   * @param ctx the caller's context, passed to the task
   * @param task the call
   * @param fallback the degraded answer
   * @param <T> the result type
   * @return what the task or the fallback returned
   * @throws Exception what the fallback threw, or an exception that is not a failure
   */
  public <T> T call(Context ctx, Task<T> task, Fallback<T> fallback) throws Exception {
    return run(ctx, task, Objects.requireNonNull(fallback, "fallback"));
  }

  private <T> T run(Context ctx, Task<T> task, Fallback<T> fallback) throws Exception {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(task, "task");
    long permit = tryAcquirePermission();
    if (permit < 0) {
      CircuitOpenException refused = refusal();
      if (fallback != null) {
        return fallback.recover(refused);
      }
      throw refused;
    }
    long start = timed ? clock.nanoTime() : 0;
    T result;
    try {
      result = task.run(ctx);
    } catch (Throwable e) {
      int outcome = classify(ctx, e);
      if (outcome == IGNORED) {
        releasePermission(permit);
      } else {
        record(permit, timed ? clock.nanoTime() - start : 0, outcome);
      }
      if (fallback != null && outcome == OutcomeWindow.FAILED) {
        return fallback.recover((Exception) e); // only Exceptions are classified as failures
      }
      throw e;
    }
    record(permit, timed ? clock.nanoTime() - start : 0, 0);
    return result;
  }

  private int classify(Context ctx, Throwable e) {
    if (e instanceof Error
        || e instanceof InterruptedException
        || (e instanceof CancellationException && ctx.err() != null)) {
      return IGNORED;
    }
    return classify(e);
  }

  private int classify(Throwable e) {
    if (ignoreOn.test(e)) {
      return IGNORED;
    }
    return failOn.test(e) ? OutcomeWindow.FAILED : 0;
  }

  // ---------------------------------------------------------------- the low-level form

  /**
   * Asks for permission to make one call, without blocking. A permitted call must be followed by
   * exactly one of {@link #onSuccess}, {@link #onError} or {@link #releasePermission} with the
   * returned permit; in half-open state a permit that is never reported holds a probe slot (see
   * {@code maxWaitInHalfOpen}).
   *
   * @return the permit (the current epoch, never negative), or {@link #NOT_PERMITTED}
   */
  public long tryAcquirePermission() {
    Phase p = phase;
    if (p.permitsAll) {
      return p.epoch;
    }
    return acquireSlow(p);
  }

  /**
   * As {@link #tryAcquirePermission()}, throwing when refused.
   *
   * @return the permit
   * @throws CircuitOpenException if the call is refused
   */
  public long acquirePermission() {
    long permit = tryAcquirePermission();
    if (permit < 0) {
      throw refusal();
    }
    return permit;
  }

  /**
   * Records a successful call.
   *
   * @param permit what {@link #tryAcquirePermission()} returned for the call
   * @param duration how long the call took (slow when above the slow-call threshold)
   * @throws IllegalArgumentException if {@code permit} is negative
   */
  public void onSuccess(long permit, Duration duration) {
    record(checkPermit(permit), duration.toNanos(), 0);
  }

  /**
   * Records a call that threw {@code failure}: a failure, a success or nothing, as {@code
   * ignoreOn} and {@code failOn} classify it.
   *
   * @param permit what {@link #tryAcquirePermission()} returned for the call
   * @param duration how long the call took
   * @param failure what it threw
   * @throws IllegalArgumentException if {@code permit} is negative
   */
  public void onError(long permit, Duration duration, Throwable failure) {
    checkPermit(permit);
    Objects.requireNonNull(failure, "failure");
    int outcome = classify(failure);
    if (outcome == IGNORED) {
      releasePermission(permit);
    } else {
      record(permit, duration.toNanos(), outcome);
    }
  }

  /**
   * Gives a permission back without recording anything: the call was not made, or its outcome says
   * nothing about the dependency. In half-open state the probe slot is freed for another call.
   *
   * @param permit what {@link #tryAcquirePermission()} returned
   * @throws IllegalArgumentException if {@code permit} is negative
   */
  public void releasePermission(long permit) {
    Phase p = phase;
    if (p.epoch == checkPermit(permit) && p.state == State.HALF_OPEN) {
      p.releaseProbe();
    }
  }

  private static long checkPermit(long permit) {
    if (permit < 0) {
      throw new IllegalArgumentException("breaker: permit is negative (the call was refused)");
    }
    return permit;
  }

  // ---------------------------------------------------------------- operator and observer

  /** Refuses every call until {@link #reset()}. */
  public void forceOpen() {
    moveManually(State.FORCED_OPEN);
  }

  /** Permits every call and records nothing until {@link #reset()}. */
  public void disable() {
    moveManually(State.DISABLED);
  }

  /** Records every call and never opens until {@link #reset()}; starts with an empty window. */
  public void metricsOnly() {
    moveManually(State.METRICS_ONLY);
  }

  /** Closes the breaker with an empty window and the open wait back at its initial value. */
  public void reset() {
    moveManually(State.CLOSED);
  }

  /**
   * The current state; an open breaker whose wait has passed becomes half-open here.
   *
   * @return the state
   */
  public State state() {
    return current().state;
  }

  /**
   * A snapshot of the state, the buffered outcomes and the counters.
   *
   * @return the metrics
   */
  public Metrics metrics() {
    boolean moved = false;
    lock.lock();
    try {
      long now = now();
      Phase p = phase;
      if (p.state == State.OPEN && now - p.openUntil >= 0) {
        move(p, State.HALF_OPEN, now); // as current() would, but atomic with the snapshot
        moved = true;
        p = phase;
      }
      int calls = 0;
      int failed = 0;
      int slow = 0;
      int needed = minimumCalls;
      switch (p.state) {
        case HALF_OPEN -> {
          calls = p.probesDone;
          failed = p.probeFailures;
          slow = p.probeSlow;
          needed = 1;
        }
        case CLOSED, METRICS_ONLY, OPEN -> {
          window.expire(now);
          calls = window.calls;
          failed = window.failures;
          slow = window.slow;
        }
        default -> {}
      }
      boolean rated = calls > 0 && calls >= needed;
      return new Metrics(
          p.state,
          rated ? 100.0 * failed / calls : -1,
          rated ? 100.0 * slow / calls : -1,
          calls,
          failed,
          slow,
          notPermitted.sum(),
          late.sum());
    } finally {
      lock.unlock();
      if (moved) {
        deliver();
      }
    }
  }

  /**
   * Adds a listener for state changes. Listeners get every transition in the order it happened,
   * never under the breaker's lock, possibly on another thread than the one that caused it; an
   * exception a listener throws is reported as a goroutine panic ({@link Go#reportPanic}) and not
   * thrown to any caller.
   *
   * @param listener the listener
   */
  public void onStateChange(Consumer<? super StateChange> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * The breaker's name.
   *
   * @return the name given to the builder
   */
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return "breaker(" + name + ", " + phase.state + ")";
  }

  // ---------------------------------------------------------------- machinery

  /* Implementation notes.
   *
   * The state word is `phase`, an immutable Phase per epoch, replaced only under `lock`. The
   * permission check reads it once: closed, disabled and metrics-only permit at that read (the
   * linearization point); half-open permits at the CAS that takes a probe slot of that phase
   * (a slot taken in a phase that has just been replaced is taken in the old period, whose
   * decision is already made, and its result will be late); open becomes half-open under the lock.
   *
   * A record re-reads `phase` under `lock` and compares epochs there (the linearization point), so
   * a result for an earlier epoch never reaches the window or the probe counters.
   *
   * The healthy steady state skips the lock: once a count window is full of fast successes, one
   * more fast success leaves it as it was, so record() only checks, without the lock, that the
   * phase is a recording one, `saturatedClean` is set, and the phase is still the one it read
   * (linearization point: the read of `saturatedClean`). The flag is written under the lock after
   * the window changes and before a transition publishes a new phase, so a reader that sees it
   * set and the same phase after it is ordered before any record that changed the window since. Transitions
   * enqueue their StateChange under the lock, so the queue's order is the transitions' order;
   * delivery happens after unlocking (see deliver()).
   */

  private long now() {
    return clock.nanoTime() - origin;
  }

  private long acquireSlow(Phase p) {
    for (; ; ) {
      switch (p.state) {
        case OPEN -> {
          if (now() - p.openUntil < 0) {
            notPermitted.increment();
            return NOT_PERMITTED;
          }
          p = halfOpen(p);
        }
        case HALF_OPEN -> {
          if (p.takeProbe(probes)) {
            return p.epoch;
          }
          if (maxWaitInHalfOpenNanos > 0 && now() - p.since >= maxWaitInHalfOpenNanos) {
            moveIf(p, State.OPEN);
          }
          notPermitted.increment();
          return NOT_PERMITTED;
        }
        case FORCED_OPEN -> {
          notPermitted.increment();
          return NOT_PERMITTED;
        }
        default -> {
          return p.epoch;
        }
      }
    }
  }

  /** The current phase, after moving an open breaker whose wait has passed to half-open. */
  private Phase current() {
    Phase p = phase;
    return p.state == State.OPEN && now() - p.openUntil >= 0 ? halfOpen(p) : p;
  }

  /** Moves {@code open} to half-open if it is still current; returns the current phase. */
  private Phase halfOpen(Phase open) {
    moveIf(open, State.HALF_OPEN);
    return phase;
  }

  private void moveIf(Phase expected, State to) {
    lock.lock();
    try {
      if (phase != expected) {
        return;
      }
      move(expected, to, now());
    } finally {
      lock.unlock();
    }
    deliver();
  }

  private void moveManually(State to) {
    lock.lock();
    try {
      move(phase, to, now());
    } finally {
      lock.unlock();
    }
    deliver();
  }

  private CircuitOpenException refusal() {
    Phase p = phase;
    Duration after =
        p.state == State.OPEN ? Duration.ofNanos(Math.max(0, p.openUntil - now())) : Duration.ZERO;
    return new CircuitOpenException(name, p.state, after);
  }

  private void record(long permit, long nanos, int failed) {
    Phase p = phase;
    if (p.epoch != permit) {
      late.increment();
      return;
    }
    if (p.state == State.DISABLED) {
      return;
    }
    int outcome = failed | (nanos > slowNanos ? OutcomeWindow.SLOW : 0);
    if (outcome == 0 && p.permitsAll && saturatedClean && phase == p) {
      return; // a fast success into a full window of them: no change (see the notes)
    }
    boolean moved = false;
    lock.lock();
    try {
      long now = now(); // under the lock, so the window and any transition see one instant
      p = phase;
      if (p.epoch != permit) {
        late.increment();
        return;
      }
      switch (p.state) {
        case HALF_OPEN -> moved = recordProbe(p, outcome, now);
        case CLOSED, METRICS_ONLY -> {
          window.record(now, outcome);
          boolean clean = window.saturatedClean();
          if (clean != saturatedClean) {
            saturatedClean = clean;
          }
          if (p.state == State.CLOSED && tripped()) {
            move(p, State.OPEN, now);
            moved = true;
          }
        }
        default -> {} // no permit is given in open and forced-open phases
      }
    } finally {
      lock.unlock();
    }
    if (moved) {
      deliver();
    }
  }

  private boolean tripped() {
    int calls = window.calls;
    return calls >= minimumCalls
        && (100.0 * window.failures >= failureThreshold * calls
            || 100.0 * window.slow >= slowThreshold * calls);
  }

  /** Counts a probe; after the last one, closes or re-opens. Under lock. */
  private boolean recordProbe(Phase p, int outcome, long now) {
    p.probesDone++;
    p.probeFailures += outcome & OutcomeWindow.FAILED;
    p.probeSlow += (outcome & OutcomeWindow.SLOW) >>> 1;
    if (p.probesDone < probes) {
      return false;
    }
    boolean healthy =
        100.0 * p.probeFailures < failureThreshold * p.probesDone
            && 100.0 * p.probeSlow < slowThreshold * p.probesDone;
    move(p, healthy ? State.CLOSED : State.OPEN, now);
    return true;
  }

  /** Installs the next phase in state {@code to}. Under lock; the caller calls deliver() after. */
  private void move(Phase from, State to, long now) {
    int reopenings = 0;
    long openUntil = 0;
    switch (to) {
      case OPEN -> {
        reopenings = from.state == State.HALF_OPEN ? from.reopenings + 1 : 0;
        openUntil = now + openWait(reopenings);
      }
      case HALF_OPEN -> reopenings = from.reopenings;
      case CLOSED, METRICS_ONLY -> {
        window.clear();
        saturatedClean = false;
      }
      default -> {}
    }
    Phase next = new Phase(to, from.epoch + 1, now, openUntil, reopenings);
    phase = next;
    if (from.state != to) {
      events.add(new StateChange(from.state, to, next.epoch));
    }
  }

  /** The open wait after {@code reopenings} re-openings: initial * multiplier^k, capped. */
  private long openWait(int reopenings) {
    double wait = openWaitNanos * Math.pow(openWaitMultiplier, reopenings);
    return wait >= maxOpenWaitNanos ? maxOpenWaitNanos : (long) wait;
  }

  /**
   * Delivers queued transitions to the listeners, outside the lock. At most one thread delivers at
   * a time; one that finds another delivering leaves its events to it, and the deliverer checks
   * the queue again after giving up the role, so no event is left behind.
   */
  private void deliver() {
    while (!events.isEmpty() && delivering.compareAndSet(false, true)) {
      try {
        for (StateChange c = events.poll(); c != null; c = events.poll()) {
          for (Consumer<? super StateChange> l : listeners) {
            try {
              l.accept(c);
            } catch (Throwable t) {
              Go.reportPanic(t);
            }
          }
        }
      } finally {
        delivering.set(false);
      }
    }
  }
}
