package dev.runnel.retry;

import dev.runnel.context.Context;
import dev.runnel.resilience.CallRejectedException;
import dev.runnel.resilience.Policy;
import dev.runnel.structured.Task;
import dev.runnel.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * A {@link Policy} that calls a task again when it fails, waiting a {@link Backoff} between
 * attempts, within limits on attempts, elapsed time and delay, and optionally within a shared
 * {@link RetryBudget}.
 *
 * <p><b>What is retried.</b> A failure is retried when it is not an {@link InterruptedException},
 * not a {@link CancellationException} while the caller's context is done (an inner timeout's
 * {@code DeadlineExceededException} is retried while the caller's context lives), and the {@link
 * Builder#retryOn} predicate accepts it. An {@link Error} is never caught. A result is retried
 * when the {@link Builder#retryOnResult} predicate accepts it.
 *
 * <p><b>Rejections.</b> A {@link CallRejectedException} (an open breaker, a spent budget) means
 * the task did not run. The retry waits the larger of the backoff's delay and the rejection's
 * {@code retryAfter()}, if that fits its limits; if there is nothing to wait for (both zero), or
 * {@code retryAfter()} exceeds {@code maxDelay}, it fails at once. It never calls a refusing
 * policy again before the time it asked for has passed.
 *
 * <p><b>Giving up.</b> The call throws the last failure, with the earlier ones (the last 64 at
 * most, each instance once) added as suppressed. When the context ends during a wait, the wait
 * ends at once and {@code ctx.err()} is added after them; when the budget refuses a retry, a
 * {@link CallRejectedException} is. An interrupt during a wait throws {@link
 * InterruptedException} with the last failure (carrying the earlier ones) suppressed. When the
 * last outcome was a result the predicate rejected, giving up returns that result, except that a
 * context ending during the wait throws {@code ctx.err()}.
 *
 * <p><b>Time.</b> Waits, elapsed time and the budget run on the builder's {@link Clock} (the
 * system clock by default); with a {@link dev.runnel.time.ManualClock}, tests advance time by
 * hand. A wait is {@code clock.sleep(ctx, delay)}.
 *
 * <p>A {@code Retry} is immutable and may be shared by any number of concurrent calls.
 *
 * <p>Memory consistency effects: actions of an attempt happen-before the listener's event for it,
 * and the event happens-before the next attempt starts.
 *
 * <p>Go: there is no retry in Go's standard library; this is the shape of {@code
 * cenkalti/backoff}'s {@code Retry(ctx, op, opts...)} and {@code avast/retry-go}, with the
 * context's error joined to the last failure as {@code cenkalti/backoff} v5 does.
 *
 * {@snippet :
 * Retry retry = Retry.builder()
 *     .maxAttempts(5)
 *     .backoff(Backoff.exponentialFullJitter(Duration.ofMillis(100), Duration.ofSeconds(5)))
 *     .retryOn(e -> !(e instanceof ClientErrorException)) // a 4xx is not retried
 *     .build();
 * Response r = Policy.chain(retry, breaker, Policy.timeout(Duration.ofSeconds(2)))
 *     .call(ctx, c -> client.get(c, url));
 * }
 */
public final class Retry implements Policy {

  /** How many earlier failures a thrown failure carries as suppressed, at most. */
  static final int MAX_SUPPRESSED = 64;

  private final int maxAttempts;
  private final long maxElapsed;
  private final long maxDelay;
  private final Backoff backoff;
  private final Predicate<? super Exception> retryOn;
  private final Predicate<Object> retryOnResult;
  private final Consumer<? super RetryEvent> listener;
  private final RetryBudget budget;
  private final RandomGenerator random;
  /** The builder's clock, or null: each call's context's clock. */
  private final Clock clock;

  /** Whether the call must read the clock before its first attempt. */
  private final boolean timed;

  private Retry(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.maxElapsed = b.maxElapsed;
    this.maxDelay = b.maxDelay;
    this.backoff = b.backoff;
    this.retryOn = b.retryOn;
    this.retryOnResult = b.retryOnResult;
    this.listener = b.listener;
    this.budget = b.budget;
    this.random = b.random;
    this.clock = b.clock;
    this.timed = b.listener != null || b.maxElapsed != Delays.MAX;
  }

  /**
   * A builder with the defaults: 3 attempts, full-jitter backoff from 100 ms capped at 10 s, no
   * elapsed-time or delay limit, every exception retried (but see the class doc), no budget, the
   * system clock.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public <T> T call(Context ctx, Task<T> task) throws Exception {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(task, "task");
    Clock clock = clock(ctx);
    long start = timed ? clock.nanoTime() : 0;
    if (budget != null) {
      budget.deposit();
    }
    T result;
    try {
      result = task.run(ctx);
    } catch (Exception e) {
      return retrying(ctx, clock, task, start, e, null);
    }
    if (retryOnResult != null && retryOnResult.test(result)) {
      return retrying(ctx, clock, task, start, null, result);
    }
    if (listener != null) {
      listener.accept(new RetryEvent(1, null, result, null, elapsed(clock, start)));
    }
    return result;
  }

  /** The slow path: attempt 1 has failed with {@code failure}, or returned a retryable result. */
  private <T> T retrying(
      Context ctx, Clock clock, Task<T> task, long start, Exception failure, T result)
      throws Exception {
    RandomGenerator rnd = random != null ? random : ThreadLocalRandom.current();
    ArrayDeque<Exception> earlier = new ArrayDeque<>();
    Exception last = null;
    Duration previous = Duration.ZERO;
    for (int attempt = 1; ; attempt++) {
      if (failure != null) {
        if (last != null) {
          if (earlier.size() == MAX_SUPPRESSED) {
            earlier.removeFirst();
          }
          earlier.addLast(last);
        }
        last = failure;
      }
      Duration delay = nextDelay(ctx, clock, attempt, previous, rnd, start, failure);
      boolean budgetSpent = delay != null && budget != null && !budget.tryWithdraw();
      if (budgetSpent) {
        delay = null;
      }
      if (listener != null) {
        listener.accept(new RetryEvent(attempt, failure, result, delay, elapsed(clock, start)));
      }
      if (delay == null) {
        if (failure == null) {
          return result;
        }
        throw Failures.join(
            last,
            earlier,
            budgetSpent
                ? new CallRejectedException("retry budget spent: " + budget, Duration.ZERO)
                : null,
            ctx);
      }
      try {
        if (ctx.err() != null) {
          throw ctx.err();
        }
        clock.sleep(ctx, delay);
      } catch (CancellationException ended) {
        if (failure == null) {
          throw ended;
        }
        throw Failures.join(last, earlier, ended, ctx);
      } catch (InterruptedException interrupted) {
        if (last != null) {
          interrupted.addSuppressed(Failures.join(last, earlier, null, ctx));
        }
        throw interrupted;
      }
      previous = delay;
      failure = null;
      result = null;
      try {
        result = task.run(ctx);
      } catch (Exception e) {
        failure = e;
        continue;
      }
      if (retryOnResult == null || !retryOnResult.test(result)) {
        if (listener != null) {
          listener.accept(new RetryEvent(attempt + 1, null, result, null, elapsed(clock, start)));
        }
        return result;
      }
    }
  }

  /**
   * The wait before attempt {@code attempt + 1}, or null if there is none: the outcome is not
   * retryable, or a limit forbids it.
   */
  private Duration nextDelay(
      Context ctx,
      Clock clock,
      int attempt,
      Duration previous,
      RandomGenerator rnd,
      long start,
      Exception failure) {
    if (attempt >= maxAttempts || (failure != null && !retryable(ctx, failure))) {
      return null;
    }
    long d = Math.max(0, Delays.nanos(backoff.delay(attempt, previous, rnd)));
    if (failure instanceof CallRejectedException rejected) {
      long after = Delays.nanos(rejected.retryAfter());
      if (after > maxDelay) {
        return null;
      }
      d = Math.max(d, after);
      if (d == 0) {
        return null; // nothing to wait for: trying again at once would spin
      }
    }
    d = Math.min(d, maxDelay);
    if (maxElapsed != Delays.MAX && Delays.saturatedAdd(clock.nanoTime() - start, d) > maxElapsed) {
      return null;
    }
    return Duration.ofNanos(d);
  }

  private boolean retryable(Context ctx, Exception failure) {
    if (failure instanceof InterruptedException) {
      return false;
    }
    if (failure instanceof CancellationException && ctx.err() != null) {
      return false;
    }
    return retryOn.test(failure);
  }

  private static Duration elapsed(Clock clock, long start) {
    return Duration.ofNanos(clock.nanoTime() - start);
  }

  private Clock clock(Context ctx) {
    return clock != null ? clock : Context.clockOf(ctx);
  }

  @Override
  public String toString() {
    return "Retry(maxAttempts=" + maxAttempts + ", backoff=" + backoff + ")";
  }

  /**
   * Options for a {@link Retry}. Not thread-safe; each {@link #build()} takes a snapshot.
   */
  public static final class Builder {

    private int maxAttempts = 3;
    private long maxElapsed = Delays.MAX;
    private long maxDelay = Delays.MAX;
    private Backoff backoff =
        Backoff.exponentialFullJitter(Duration.ofMillis(100), Duration.ofSeconds(10));
    private Predicate<? super Exception> retryOn = e -> true;
    private Predicate<Object> retryOnResult;
    private Consumer<? super RetryEvent> listener;
    private RetryBudget budget;
    private RandomGenerator random;
    private Clock clock;

    private Builder() {}

    /**
     * The most attempts per call, the first included.
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder maxAttempts(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1: " + n);
      }
      this.maxAttempts = n;
      return this;
    }

    /**
     * The most time a call may spend: no retry is started whose wait would end after it.
     *
     * @param d zero or positive
     * @return this builder
     */
    public Builder maxElapsed(Duration d) {
      this.maxElapsed = Delays.nonNegative(d, "maxElapsed");
      return this;
    }

    /**
     * The longest wait between attempts: a longer backoff delay is shortened to it, and a
     * rejection asking for longer ends the call.
     *
     * @param d zero or positive
     * @return this builder
     */
    public Builder maxDelay(Duration d) {
      this.maxDelay = Delays.nonNegative(d, "maxDelay");
      return this;
    }

    /**
     * The waits between attempts.
     *
     * @param backoff the backoff
     * @return this builder
     */
    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * Which failures may be retried, on top of the built-in rules in {@link Retry}'s class doc.
     *
     * @param predicate true for a failure to retry
     * @return this builder
     */
    public Builder retryOn(Predicate<? super Exception> predicate) {
      this.retryOn = Objects.requireNonNull(predicate, "predicate");
      return this;
    }

    /**
     * Which results are retried as if they failed (a "pending" status, an empty page).
     *
     * @param predicate true for a result to retry; it gets the task's result, which may be null
     * @return this builder
     */
    public Builder retryOnResult(Predicate<Object> predicate) {
      this.retryOnResult = Objects.requireNonNull(predicate, "predicate");
      return this;
    }

    /**
     * A function told of every attempt, in the calling thread, before the wait that follows it.
     * It must not block; what it throws propagates out of the call.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(Consumer<? super RetryEvent> listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * A budget shared with other retries: each call deposits once, each retry withdraws once, and
     * a spent budget ends the call.
     *
     * @param budget the budget
     * @return this builder
     */
    public Builder budget(RetryBudget budget) {
      this.budget = Objects.requireNonNull(budget, "budget");
      return this;
    }

    /**
     * The random source for jitter, shared by every call: it must be safe for concurrent use
     * (a seeded {@link java.util.Random} is). By default each call uses {@link
     * ThreadLocalRandom}.
     *
     * @param random the source
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * The clock that times waits and elapsed time; by default the caller's context's ({@link
     * Context#clockOf}), so a test that sets a {@code ManualClock} on its context drives the
     * retry too.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The policy.
     *
     * @return a new {@link Retry} with these options
     */
    public Retry build() {
      return new Retry(this);
    }
  }
}
