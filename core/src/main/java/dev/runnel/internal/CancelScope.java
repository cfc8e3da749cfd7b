package dev.runnel.internal;

import dev.runnel.ReceiveChannel;
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
   * The scope of a context: Go's {@code propagateCancel} deciding how to follow a parent.
   *
   * <p>Runnel's contexts know their scope: the nearest cancellable Runnel context, or none. Any
   * other context is asked through its methods. A {@code done()} that is null or Go's nil channel
   * (as {@code background()}'s is) means it is never cancelled. A context that answers {@code
   * value(}{@link Source#KEY}{@code )} with a Runnel context whose {@code done()} is the very
   * channel its own {@code done()} returns wraps that context, delegating to it, and shares its
   * scope (Go's {@code parentCancelCtx}); so cancellation reaches its children and waiters
   * synchronously, without a goroutine. Any other context is foreign: a {@link ForeignScope}.
   *
   * @param ctx a context
   * @return its scope, or null if it can never be cancelled
   */
  static CancelScope of(Context ctx) {
    if (ctx instanceof Source s) {
      return s.cancelScope();
    }
    ReceiveChannel<?> done = ctx.done();
    if (done == null || done == Access.channels().nil()) {
      return null;
    }
    if (ctx.value(Source.KEY) instanceof Source s && s.done() == done) {
      return s.cancelScope();
    }
    return new ForeignScope(ctx);
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
     * The key that a Runnel context's {@code value} answers with the context itself (null for a
     * context that is never cancelled), so that a context wrapping it can be followed to its
     * scope: Go's {@code cancelCtxKey}. Compared by identity; in a package the module does not
     * export.
     */
    Object KEY =
        new Object() {
          @Override
          public String toString() {
            return "runnel.cancelScopeKey";
          }
        };

    /**
     * The nearest cancellable context at or above this one.
     *
     * @return the scope, or null if this context can never be cancelled
     */
    CancelScope cancelScope();

    /**
     * This context's done channel, which a wrapper's must be to share the scope.
     *
     * @return {@code Context.done()}
     */
    ReceiveChannel<?> done();
  }
}
