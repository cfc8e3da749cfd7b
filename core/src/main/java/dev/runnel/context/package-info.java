/**
 * Go's {@code context} package: cancellation trees, deadlines and request-scoped values ({@link
 * dev.runnel.context.Context}, {@link dev.runnel.context.CancelContext}), and the cancellation of
 * Runnel's blocking operations by a context.
 *
 * <p>Every blocking operation of Runnel that can wait for a long time has a form taking a {@code
 * Context} first, as Go functions do: {@code ch.send(ctx, v)}, {@code ch.receive(ctx)}, {@code
 * mutex.lock(ctx)}, {@code wg.await(ctx)}, {@code cond.await(ctx)}, {@code Time.sleep(ctx, d)}. A
 * context that is done on entry fails the call at once with {@code ctx.err()}, even if the call
 * could complete; one cancelled during the wait ends it with {@code ctx.err()} and leaves the
 * object as if the call had not been made. The waiting goroutine registers with its nearest
 * cancellable context, so cancellation wakes it directly: no helper goroutine, no polling. That
 * holds through a context of another implementation that wraps a Runnel one; only a context
 * foreign to Runnel is watched by a goroutine, which ends with the call.
 *
 * <h2>Happens-before</h2>
 *
 * <ul>
 *   <li>Actions before a context is cancelled ({@code cancel}, {@code close}, its deadline
 *       passing, its parent's cancellation) happen-before {@code done()} is observed closed and
 *       before {@code err()} is observed non-null, in that context and every descendant.
 *   <li>They also happen-before a blocking operation that the cancellation ended throws {@code
 *       ctx.err()}, and before an {@code afterFunc} function starts.
 *   <li>Actions before {@code withValue(parent, k, v)} returns happen-before {@code value(k)}
 *       returns {@code v} in any goroutine the derived context was passed to through a
 *       happens-before edge (a channel send, a goroutine start).
 * </ul>
 */
package dev.runnel.context;
