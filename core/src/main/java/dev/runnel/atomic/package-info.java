/**
 * Go's {@code sync/atomic.Value}: {@link dev.runnel.atomic.AtomicValue}.
 *
 * <h2>Happens-before</h2>
 *
 * <ul>
 *   <li>A {@code store}, {@code swap} or successful {@code compareAndSwap} happens-before every
 *       operation that observes the value it wrote.
 * </ul>
 */
package dev.runnel.atomic;
