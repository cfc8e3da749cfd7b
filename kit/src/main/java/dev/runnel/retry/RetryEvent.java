package dev.runnel.retry;

import java.time.Duration;

/**
 * What a {@link Retry} tells its listener after each attempt.
 *
 * @param attempt the attempt's number, 1 for the first
 * @param failure what the attempt threw, or null if it returned
 * @param result what the attempt returned, or null if it threw
 * @param nextDelay the wait before the next attempt, or null if there is none (the attempt
 *     succeeded, or the retry gives up after it)
 * @param elapsed the time since the call started, on the retry's clock
 */
public record RetryEvent(
    int attempt, Throwable failure, Object result, Duration nextDelay, Duration elapsed) {

  /**
   * Whether another attempt follows this one.
   *
   * @return {@code nextDelay() != null}
   */
  public boolean willRetry() {
    return nextDelay != null;
  }
}
