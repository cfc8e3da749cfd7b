package dev.runnel.internal;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;

/**
 * The scope of a context that Runnel neither implemented nor can look through to one of its own:
 * only its {@code done()} channel can say it was cancelled. A wait with it hangs on a Runnel child
 * made by {@code Context.withCancel}, the one way Runnel follows such a context: the child's
 * goroutine (Go's {@code propagateCancel}) cancels the child when the foreign {@code done()}
 * closes, and ends when the child is cancelled, which {@link #unwatch} does.
 */
final class ForeignScope implements CancelScope {

  private final Context ctx;

  ForeignScope(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Object watch(Waiter waiter) {
    CancelContext child = Context.withCancel(ctx);
    CancelScope.of(child).watch(waiter);
    return child;
  }

  /** The waiter has completed by now, so the child's cancellation cannot complete it. */
  @Override
  public void unwatch(Object registration) {
    ((CancelContext) registration).cancel();
  }
}
