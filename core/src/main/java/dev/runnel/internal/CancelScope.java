package dev.runnel.internal;

import dev.runnel.context.Context;
import java.util.concurrent.CancellationException;

/**
 * What can end a wait from outside: a context's cancellation, as the blocking operations see it.
 *
 * <p>A blocking operation that takes a context asks {@link #of} for its scope, {@link #watch}es
 * its {@link Waiter} for the duration of the wait, and {@link #unwatch}es it after. If the scope
 * is cancelled meanwhile, the waiter is completed with {@link Waiter#CONTEXT_DONE} and woken, and
 * the operation throws {@code ctx.err()}. Completion is the waiter's usual CAS, so a cancellation
 * that loses to a hand-off or a grant has no effect.
 */
public interface CancelScope {

  /**
   * Completes {@code waiter} with {@link Waiter#CONTEXT_DONE} and wakes it when this scope is
   * cancelled; at once if it is already.
   *
   * @param waiter the current goroutine's waiter
   * @return what to pass to {@link #unwatch}
   */
  Object watch(Waiter waiter);

  /**
   * Stops watching; the waiter will not be completed by this scope afterwards.
   *
   * @param registration what {@link #watch} returned
   */
  void unwatch(Object registration);

  /**
   * The scope of a context.
   *
   * @param ctx a context
   * @return its scope, or null if it can never be cancelled
   */
  static CancelScope of(Context ctx) {
    if (ctx instanceof Source s) {
      return s.cancelScope();
    }
    return ForeignScope.of(ctx);
  }

  /**
   * The scope for a cancellable operation starting now: throws {@code ctx.err()} if the context
   * is done already, so a done context fails an operation even when it could complete at once.
   *
   * @param ctx the operation's context
   * @return its scope, or null if it can never be cancelled
   * @throws CancellationException {@code ctx.err()} if the context is done
   */
  static CancelScope enter(Context ctx) {
    CancellationException err = ctx.err();
    if (err != null) {
      throw err;
    }
    return of(ctx);
  }

  /**
   * The exception for an operation whose wait {@code ctx}'s cancellation ended.
   *
   * @param ctx the operation's context
   * @return {@code ctx.err()}
   */
  static CancellationException cancelled(Context ctx) {
    CancellationException err = ctx.err();
    return err != null ? err : new CancellationException("context done but err() is null: " + ctx);
  }

  /** Implemented by Runnel's contexts: the scope, found without a goroutine. */
  interface Source {
    /**
     * The nearest cancellable context at or above this one.
     *
     * @return the scope, or null if this context can never be cancelled
     */
    CancelScope cancelScope();
  }
}
