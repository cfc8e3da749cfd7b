package dev.runnel.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * A policy refused a call without running it: an open circuit breaker, a full bulkhead that was
 * asked not to wait, a retry budget that is spent. The task did not run, so trying again at once
 * cannot help; {@link #retryAfter()} says when trying again may.
 *
 * <p>A retry does not spin on this exception: it fails at once, or waits at least {@link
 * #retryAfter()} when that fits its own limits.
 */
public class CallRejectedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Duration retryAfter;

  /**
   * A refusal with a hint of when a call may be accepted.
   *
   * @param message what refused the call and why
   * @param retryAfter how long until a call may be accepted; {@link Duration#ZERO} if unknown
   */
  public CallRejectedException(String message, Duration retryAfter) {
    super(message, null, false, false);
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter is negative: " + retryAfter);
    }
    this.retryAfter = retryAfter;
  }

  /**
   * How long until a call may be accepted, as the refusing policy saw it when it refused; {@link
   * Duration#ZERO} if it cannot tell.
   *
   * @return the hint, never negative
   */
  public Duration retryAfter() {
    return retryAfter;
  }
}
