/**
 * Go's {@code golang.org/x/sync/semaphore}: {@link dev.runnel.semaphore.WeightedSemaphore}, a
 * FIFO semaphore with weighted, context-cancellable acquires.
 *
 * <h2>Happens-before</h2>
 *
 * <ul>
 *   <li>Actions before a {@code release(n)} happen-before an {@code acquire} or {@code
 *       tryAcquire} that takes any of those units returns.
 * </ul>
 */
package dev.runnel.semaphore;
