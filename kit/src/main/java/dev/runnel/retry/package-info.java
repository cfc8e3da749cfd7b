/**
 * Retries with backoff, hedged requests and a retry budget, as {@link
 * dev.runnel.resilience.Policy} implementations that compose with the circuit breaker, bulkhead,
 * rate limit and timeout.
 *
 * <p>Happens-before:
 *
 * <ul>
 *   <li>{@link dev.runnel.retry.Retry}: each attempt happens-before the listener's event for it,
 *       which happens-before the next attempt.
 *   <li>{@link dev.runnel.retry.Hedge}: actions before {@code call} happen-before every attempt;
 *       every attempt's actions happen-before {@code call} returns or throws.
 *   <li>{@link dev.runnel.retry.RetryBudget}: a deposit or withdrawal happens-before every later
 *       withdrawal or balance that accounts for it.
 * </ul>
 */
package dev.runnel.retry;
