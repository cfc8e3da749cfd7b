package dev.runnel.breaker;

import dev.runnel.resilience.CallRejectedException;
import java.time.Duration;

/**
 * A {@link CircuitBreaker} refused a call without running it: it is open, forced open, or half-open
 * with every probe slot taken. {@link #retryAfter()} is the time left in the open state, or zero
 * when the breaker cannot tell (half-open, forced open). Carries no stack trace: refusals are the
 * breaker's fast path.
 */
public final class CircuitOpenException extends CallRejectedException {

  private static final long serialVersionUID = 1L;

  /** The state that refused the call. */
  private final CircuitBreaker.State state;

  CircuitOpenException(String name, CircuitBreaker.State state, Duration retryAfter) {
    super("breaker " + name + " is " + state + "; retry after " + retryAfter, retryAfter);
    this.state = state;
  }

  /**
   * The breaker's state when the refusal was made: {@code OPEN}, {@code HALF_OPEN} or {@code
   * FORCED_OPEN}, or, if the state changed between the refusal and this exception (another
   * goroutine's call decided a half-open period), the state it changed to.
   *
   * @return the state
   */
  public CircuitBreaker.State state() {
    return state;
  }
}
