/**
 * What stands around a call: {@link dev.runnel.resilience.Policy} and the small policies built
 * from core's primitives (timeout, bulkhead, rate limit). Retry and the circuit breaker are
 * policies too, so all of them compose in one chain in the order the user chooses.
 */
package dev.runnel.resilience;
