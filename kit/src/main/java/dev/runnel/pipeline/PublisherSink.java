package dev.runnel.pipeline;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pipeline as a {@link Flow.Publisher}: each subscription starts its own run, and one goroutine
 * per subscription sends every signal (so they are serial, Reactive Streams rule 1.3), an {@code
 * onNext} only against demand (rule 1.1).
 *
 * <p>The goroutine ends, and the run with it, when the run completes or fails, when the
 * subscriber cancels, or when the context ends; the terminal signal ({@code onComplete} or {@code
 * onError}) is sent after every goroutine of the run has ended.
 *
 * @param <T> the item type
 */
final class PublisherSink<T> implements Flow.Publisher<T> {

  private final Pipeline<T> pipeline;
  private final Context ctx;

  PublisherSink(Pipeline<T> pipeline, Context ctx) {
    this.pipeline = pipeline;
    this.ctx = ctx;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber"); // rule 1.9
    Subscription<T> s = new Subscription<>(Context.withCancel(ctx));
    Go.go(() -> s.serve(pipeline, subscriber));
  }

  private static final class Subscription<T> implements Flow.Subscription {

    private final CancelContext ctx;
    /** Items requested and not yet sent; {@code Long.MAX_VALUE} is unbounded (rule 3.17). */
    private final AtomicLong demand = new AtomicLong();
    /** Signalled when demand rises. */
    private final Channel<Boolean> wake = Channel.make(1);
    /** A request of a non-positive count, to be reported as onError (rule 3.9). */
    private volatile IllegalArgumentException badRequest;
    /** Whether the subscriber cancelled: then no more signals are sent (rule 3.7). */
    private volatile boolean cancelled;

    Subscription(CancelContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        badRequest =
            new IllegalArgumentException("pipeline: request of " + n + " items (rule 3.9)");
        ctx.cancel();
        return;
      }
      demand.accumulateAndGet(n, (d, m) -> d + m < 0 ? Long.MAX_VALUE : d + m);
      wake.trySend(true);
    }

    @Override
    public void cancel() {
      cancelled = true;
      ctx.cancel();
    }

    void serve(Pipeline<T> pipeline, Flow.Subscriber<? super T> subscriber) {
      Throwable failure = null;
      try {
        subscriber.onSubscribe(this);
        try (RunningPipeline<T> run = pipeline.start(ctx)) {
          while (true) {
            while (demand.get() == 0) {
              wake.receive(ctx);
            }
            T x = run.receive();
            if (x == null) {
              break;
            }
            if (demand.get() != Long.MAX_VALUE) {
              demand.decrementAndGet();
            }
            subscriber.onNext(x);
          }
        }
      } catch (CompletionException e) {
        failure = e.getCause();
      } catch (CancellationException e) {
        failure = badRequest != null ? badRequest : e;
      } catch (InterruptedException e) {
        failure = e;
      } finally {
        ctx.cancel();
      }
      if (cancelled) {
        return;
      }
      if (failure == null) {
        subscriber.onComplete();
      } else {
        subscriber.onError(failure);
      }
    }
  }
}
