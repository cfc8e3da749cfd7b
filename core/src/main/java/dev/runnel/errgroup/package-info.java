/**
 * Go's {@code golang.org/x/sync/errgroup}: {@link dev.runnel.errgroup.ErrGroup}, goroutines
 * working on one task, with the first failure as the result and cancellation of the rest.
 *
 * <h2>Happens-before</h2>
 *
 * <ul>
 *   <li>Actions before {@code go(f)} happen-before {@code f} runs.
 *   <li>Actions in every goroutine of the group happen-before {@code await} returns or throws.
 *   <li>A goroutine's failure happens-before the group's context is observed cancelled.
 * </ul>
 */
package dev.runnel.errgroup;
