package dev.runnel.internal;

import dev.runnel.Channel;
import dev.runnel.ReceiveChannel;
import dev.runnel.Select;
import dev.runnel.context.Context;

/**
 * The scope of a {@link Context} implemented outside Runnel: only its {@code done()} channel can
 * say it was cancelled, so each watch runs a helper virtual thread selecting on that channel and
 * on a stop channel (Go starts such a goroutine too, in {@code propagateCancel}).
 */
final class ForeignScope implements CancelScope {

  private final ReceiveChannel<?> done;

  private ForeignScope(ReceiveChannel<?> done) {
    this.done = done;
  }

  static CancelScope of(Context ctx) {
    ReceiveChannel<?> done = ctx.done();
    return done == null ? null : new ForeignScope(done);
  }

  @Override
  public Object watch(Waiter waiter) {
    Channel<Boolean> stop = Channel.make();
    Select select =
        Select.select()
            .onReceive(done, ignored -> waiter.completeAndWake(Waiter.CONTEXT_DONE))
            .onReceive(stop, ignored -> {});
    Thread.ofVirtual()
        .name("runnel-context-watch")
        .start(
            () -> {
              try {
                select.run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    return stop;
  }

  @Override
  public void unwatch(Object registration) {
    ((Channel<?>) registration).close();
  }
}
