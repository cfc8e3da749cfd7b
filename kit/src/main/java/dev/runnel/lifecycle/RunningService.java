package dev.runnel.lifecycle;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.Select;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * {@link Service#running}: a body run in one goroutine from start until its context ends.
 *
 * <p>Implementation notes: the body's failure is reported exactly once, either to the app as an
 * early end (the body returned while its context was live) or by {@link #stop} (thrown there).
 * {@link #ended} is closed after {@link #failure} and {@link #reportedEarly} are written, so a
 * stop that sees it closed sees both.
 */
final class RunningService implements Service {

  private final String name;
  private final Hook body;
  private final AtomicBoolean started = new AtomicBoolean();
  /** Closed when the body has returned. */
  private final Channel<Object> ended = Channel.make();
  /** The body's context; set by start before the goroutine starts. */
  private volatile CancelContext ctx;
  /** What the body threw, unless it was its context's error after the cancellation. */
  private volatile Throwable failure;
  /** Whether the end was reported to the app as an early end; then stop does not throw it. */
  private volatile boolean reportedEarly;

  RunningService(String name, Hook body) {
    this.name = name;
    this.body = body;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void start(Context parent) {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("lifecycle: service " + name + " started twice");
    }
    CancelContext c = Context.withCancel(parent);
    ctx = c;
    @SuppressWarnings("unchecked")
    BiConsumer<String, Throwable> app =
        parent.value(App.ENDED_KEY) instanceof BiConsumer<?, ?> l
            ? (BiConsumer<String, Throwable>) l
            : null;
    Go.go(
        () -> {
          Throwable f = null;
          try {
            body.run(c);
          } catch (Throwable t) {
            f = t instanceof CancellationException && c.err() != null ? null : t;
          }
          failure = f;
          if (app != null && c.err() == null) {
            reportedEarly = true;
            app.accept(name, f);
          }
          ended.close();
        });
  }

  @Override
  public void stop(Context stopCtx) throws Exception {
    CancelContext c = ctx;
    if (c == null) {
      return; // never started
    }
    c.cancel();
    try {
      Select.select().onReceive(ended, x -> {}).run(stopCtx);
    } catch (CancellationException late) {
      if (ended.tryReceive() == null) { // both may be ready at once: an ended body wins
        throw late;
      }
    }
    Throwable f = failure;
    if (f == null || reportedEarly) {
      return;
    }
    if (f instanceof Exception e) {
      throw e;
    }
    throw (Error) f;
  }

  @Override
  public String toString() {
    return "Service[" + name + "]";
  }
}
