package dev.runnel.demo;

import dev.runnel.breaker.CircuitBreaker;
import dev.runnel.resilience.CallRejectedException;
import dev.runnel.resilience.Policy;
import dev.runnel.retry.Backoff;
import dev.runnel.retry.Retry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * What stands around every storage write: a retry outside a circuit breaker, so that each
 * attempt asks the breaker, and an open breaker's refusal ({@code CircuitOpenException}, a {@code
 * CallRejectedException}) tells the retry how long to wait instead of letting it spin.
 *
 * <p>The breaker opens when half of the last 40 writes failed (at least 20 recorded), which the
 * random 5% of failures never reaches and an outage reaches within a few writes; it stays open
 * 250 ms, doubling on each failed probe round up to 2 s, and lets 3 probes through when
 * half-open. The retry makes up to 40 attempts within 10 s, with full-jitter backoff from 10 ms
 * to 500 ms, retrying I/O failures and the breaker's refusals (waiting at least the refusal's
 * {@code retryAfter()}), so a payload outlives an outage rather than being parked.
 */
final class StorageGuard {

  private final LongAdder retries = new LongAdder();
  private final LongAdder openings = new LongAdder();
  private final CircuitBreaker breaker;
  private final Policy policy;

  /** The breaker and the retry described above, composed. */
  StorageGuard() {
    this.breaker = CircuitBreaker.builder()
        .name("storage")
        .countWindow(40)
        .minimumCalls(20)
        .failureRateThreshold(50)
        .waitInOpen(Duration.ofMillis(250), 2, Duration.ofSeconds(2))
        .probes(3)
        .failOn(e -> e instanceof IOException)
        .onStateChange(change -> {
          if (change.to() == CircuitBreaker.State.OPEN) {
            openings.increment();
          }
        })
        .build();
    Retry retry = Retry.builder()
        .maxAttempts(40)
        .backoff(Backoff.exponentialFullJitter(Duration.ofMillis(10), Duration.ofMillis(500)))
        .maxElapsed(Duration.ofSeconds(10))
        .retryOn(e -> e instanceof IOException || e instanceof CallRejectedException)
        .listener(event -> {
          if (event.willRetry()) {
            retries.increment();
          }
        })
        .build();
    this.policy = Policy.chain(retry, breaker);
  }

  /**
   * The composed policy.
   *
   * @return retry, then breaker
   */
  Policy policy() {
    return policy;
  }

  /**
   * The breaker's state, for the progress line and the metrics.
   *
   * @return its name ({@code CLOSED}, {@code OPEN}, {@code HALF_OPEN})
   */
  String breakerState() {
    return breaker.state().name();
  }

  /**
   * The breaker, for its meters.
   *
   * @return the breaker
   */
  CircuitBreaker breaker() {
    return breaker;
  }

  /**
   * How many times the breaker has opened.
   *
   * @return the count
   */
  long breakerOpenings() {
    return openings.sum();
  }

  /**
   * Retries decided, over all calls.
   *
   * @return the count
   */
  long retries() {
    return retries.sum();
  }
}
