/**
 * Go's {@code golang.org/x/sync/singleflight}: {@link dev.runnel.singleflight.SingleFlight},
 * duplicate call suppression per key.
 *
 * <h2>Happens-before</h2>
 *
 * <ul>
 *   <li>Actions in the function of a flight happen-before every caller of that flight returns, and
 *       before its {@code callAsync} outcome is received.
 * </ul>
 */
package dev.runnel.singleflight;
