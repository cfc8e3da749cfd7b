/**
 * The circuit breaker ({@link dev.runnel.breaker.CircuitBreaker}), a {@link
 * dev.runnel.resilience.Policy} that stops calling a failing dependency for a while, and typed
 * degradation ({@link dev.runnel.breaker.Fallback}).
 *
 * <p>Happens-before:
 *
 * <ul>
 *   <li>a state transition happens-before every state-change listener call for it, and before any
 *       permission check that observes the new state;
 *   <li>recording an outcome (the end of a {@code call}, {@code onSuccess}, {@code onError})
 *       happens-before a {@code metrics()} that counts it and a transition it causes.
 * </ul>
 */
package dev.runnel.breaker;
