package dev.runnel.retry;

import dev.runnel.context.Context;
import dev.runnel.resilience.Policy;
import dev.runnel.structured.Task;
import dev.runnel.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Policy} that sends hedged requests: when an attempt has not returned after a delay, it
 * starts another, and the first success wins ("The Tail at Scale", Dean and Barroso; gRPC's
 * hedging policy).
 *
 * <p>Each call runs every attempt in its own goroutine, under one child of the caller's context.
 * Attempt k+1 starts when the hedge delay has passed since attempt k started, or at once when an
 * attempt fails, while fewer than {@code maxAttempts} have started and the caller's context
 * lives. The delay is fixed, or a percentile of the latencies of recent successful attempts (with
 * a fallback until enough are seen). A hedge that would exceed {@code maxHedgesInFlight} (across
 * all calls of this {@code Hedge}) is not started, and no later hedge of that call is; the
 * attempts already running go on.
 *
 * <p><b>The first success wins.</b> The call then cancels the attempts' context, so the losers
 * see it end, and <em>waits until every attempt has returned</em> before returning the winner's
 * result. No goroutine outlives the call and no failure is lost; the price is that a task that
 * ignores its context delays the call's return for as long as it runs, so hedging helps exactly
 * as much as the task honours cancellation. If every attempt fails, the call throws the first
 * failure received with the others suppressed. If the calling thread is interrupted, the
 * attempts are cancelled and awaited, and the call throws {@link InterruptedException}.
 *
 * <p>A hedged task must be safe to run more than once at the same time (idempotent reads, or
 * writes with an idempotency key).
 *
 * <p>Memory consistency effects: actions before {@code call} happen-before every attempt starts;
 * everything every attempt did happens-before {@code call} returns or throws.
 *
 * <p>Go: the shape of {@code cristalhq/hedgedhttp} and gRPC-Go's hedging, as a policy around any
 * call; those return at the first success and let the losers finish on their own.
 *
 * {@snippet :
 * Hedge hedge = Hedge.builder()
 *     .maxAttempts(3)
 *     .percentileDelay(95, 200, 20, Duration.ofMillis(50))
 *     .build();
 * Page page = hedge.call(ctx, c -> replica.read(c, key));
 * }
 */
public final class Hedge implements Policy {

  final int maxAttempts;
  /** The builder's clock, or null: each call's context's clock. */
  final Clock clock;
  private final long fixedDelay;
  private final LatencyWindow latencies;
  private final double percentile;
  private final int minSamples;
  private final int maxHedgesInFlight;

  /** Hedges (not first attempts) running now, across all calls; at most maxHedgesInFlight. */
  private final AtomicInteger hedgesInFlight = new AtomicInteger();

  private Hedge(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.clock = b.clock;
    this.fixedDelay = b.delay;
    this.latencies = b.window > 0 ? new LatencyWindow(b.window) : null;
    this.percentile = b.percentile;
    this.minSamples = b.minSamples;
    this.maxHedgesInFlight = b.maxHedgesInFlight;
  }

  /**
   * A builder with the defaults: 2 attempts, a fixed delay of 100 ms, no bound on hedges in
   * flight, the system clock.
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
    return new HedgedCall<>(this, ctx, clock != null ? clock : Context.clockOf(ctx), task).run();
  }

  /**
   * The delay before the next hedge now: the fixed delay, or the percentile of recent successful
   * latencies once there are enough of them.
   *
   * @return the delay
   */
  public Duration currentDelay() {
    if (latencies != null) {
      long p = latencies.percentile(percentile, minSamples);
      if (p >= 0) {
        return Duration.ofNanos(p);
      }
    }
    return Duration.ofNanos(fixedDelay);
  }

  /**
   * The hedges running now, across all calls.
   *
   * @return the count
   */
  public int hedgesInFlight() {
    return hedgesInFlight.get();
  }

  void recordLatency(long nanos) {
    if (latencies != null) {
      latencies.record(nanos);
    }
  }

  /** Takes a slot for a hedge, or returns false if {@code maxHedgesInFlight} are running. */
  boolean tryStartHedge() {
    for (int n = hedgesInFlight.get(); n < maxHedgesInFlight; n = hedgesInFlight.get()) {
      if (hedgesInFlight.compareAndSet(n, n + 1)) {
        return true;
      }
    }
    return false;
  }

  void hedgeEnded() {
    hedgesInFlight.decrementAndGet();
  }

  @Override
  public String toString() {
    return "Hedge(maxAttempts="
        + maxAttempts
        + ", delay="
        + (latencies != null ? "p" + percentile + " else " : "")
        + Duration.ofNanos(fixedDelay)
        + ")";
  }

  /** Options for a {@link Hedge}. Not thread-safe; each {@link #build()} takes a snapshot. */
  public static final class Builder {

    private int maxAttempts = 2;
    private long delay = Duration.ofMillis(100).toNanos();
    private int window;
    private double percentile;
    private int minSamples;
    private int maxHedgesInFlight = Integer.MAX_VALUE;
    private Clock clock;

    private Builder() {}

    /**
     * The most attempts per call, the first included.
     *
     * @param n at least 1 (1 sends no hedges)
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
     * A fixed delay between the start of one attempt and the next; replaces a percentile delay.
     *
     * @param d zero or positive
     * @return this builder
     */
    public Builder delay(Duration d) {
      this.delay = Delays.nonNegative(d, "delay");
      this.window = 0;
      return this;
    }

    /**
     * A delay that is the {@code percentile}-th percentile (nearest rank) of the latencies of the
     * last {@code window} successful attempts, or {@code fallback} until {@code minSamples} have
     * been seen.
     *
     * @param percentile in (0, 100], such as 95
     * @param window how many recent latencies count, at least 1
     * @param minSamples how many are needed before the percentile is used, in [1, window]
     * @param fallback the delay until then
     * @return this builder
     */
    public Builder percentileDelay(
        double percentile, int window, int minSamples, Duration fallback) {
      if (!(percentile > 0 && percentile <= 100)) {
        throw new IllegalArgumentException("percentile must be in (0, 100]: " + percentile);
      }
      if (window < 1) {
        throw new IllegalArgumentException("window must be at least 1: " + window);
      }
      if (minSamples < 1 || minSamples > window) {
        throw new IllegalArgumentException(
            "minSamples must be in [1, window=" + window + "]: " + minSamples);
      }
      this.delay = Delays.nonNegative(fallback, "fallback");
      this.percentile = percentile;
      this.window = window;
      this.minSamples = minSamples;
      return this;
    }

    /**
     * The most hedges (attempts after the first) running at once across all calls of the
     * policy; a hedge that would exceed it is not started.
     *
     * @param n at least 0 (0 sends no hedges)
     * @return this builder
     */
    public Builder maxHedgesInFlight(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("maxHedgesInFlight must be at least 0: " + n);
      }
      this.maxHedgesInFlight = n;
      return this;
    }

    /**
     * The clock that times hedge delays and latencies; by default the caller's context's ({@link
     * Context#clockOf}).
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
     * @return a new {@link Hedge} with these options
     */
    public Hedge build() {
      return new Hedge(this);
    }
  }
}
