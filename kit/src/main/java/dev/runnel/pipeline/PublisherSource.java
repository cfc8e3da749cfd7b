package dev.runnel.pipeline;

import dev.runnel.Channel;
import dev.runnel.ChannelClosedException;
import dev.runnel.context.Context;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Flow.Publisher} as a pipeline source.
 *
 * <p>Demand protocol: the subscriber requests {@code window} items (the output's capacity, at
 * least one) at first, and one more each time the forwarding goroutine has taken one out of
 * {@code delivered} and sent it downstream. So items delivered and not yet forwarded never exceed
 * {@code window}, and {@code delivered} (of capacity {@code window}) always has room for an
 * {@code onNext} that the publisher was entitled to: a full {@code delivered} means the publisher
 * sent more than was requested, which fails the run.
 *
 * @param <T> the item type
 */
final class PublisherSource<T> implements Flow.Subscriber<T> {

  /** Installed in {@link #subscription} when the run has ended: a late subscription is cancelled. */
  private static final Flow.Subscription ENDED =
      new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      };

  private final Channel<T> delivered;
  /** Receives one signal when {@link #subscription} is set. */
  private final Channel<Boolean> subscribed = Channel.make(1);

  private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
  /** Guards the one close of {@link #delivered}: complete, error and overrun race to it. */
  private final AtomicBoolean closed = new AtomicBoolean();
  /** The publisher's error, or the overrun; written before {@link #delivered} is closed. */
  private volatile Throwable error;

  private PublisherSource(int window) {
    this.delivered = Channel.make(window);
  }

  static <T> Graph<T> of(Flow.Publisher<? extends T> publisher) {
    return (run, ctx, capacity) -> {
      int window = Math.max(1, capacity);
      PublisherSource<T> source = new PublisherSource<>(window);
      Channel<T> out = Channel.make(capacity);
      run.go(ctx, () -> source.forward(ctx, window, out), out::close);
      publisher.subscribe(source);
      return out;
    };
  }

  private void forward(Context ctx, int window, Channel<T> out) throws Exception {
    try {
      subscribed.receive(ctx);
      Flow.Subscription s = subscription.get();
      s.request(window);
      for (T x; (x = delivered.receive(ctx)) != null; ) {
        out.send(ctx, x);
        s.request(1);
      }
      Throwable e = error;
      if (e instanceof Exception ex) {
        throw ex;
      } else if (e != null) {
        throw (Error) e;
      }
    } finally {
      Flow.Subscription s = subscription.getAndSet(ENDED);
      if (s != null && s != ENDED) {
        s.cancel();
      }
    }
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    if (subscription.compareAndSet(null, s)) {
      subscribed.trySend(true);
    } else {
      s.cancel(); // a second subscription (rule 2.5), or the run has ended
    }
  }

  @Override
  public void onNext(T item) {
    if (item == null) {
      end(new NullPointerException("pipeline: the publisher sent null (rule 2.13)"));
      return;
    }
    try {
      if (!delivered.trySend(item)) {
        end(
            new IllegalStateException(
                "pipeline: the publisher sent more items than were requested (rule 1.1)"));
      }
    } catch (ChannelClosedException e) {
      // after onComplete, onError or an overrun: nothing more is taken
    }
  }

  @Override
  public void onError(Throwable t) {
    end(t == null ? new NullPointerException("pipeline: onError(null) (rule 2.13)") : t);
  }

  @Override
  public void onComplete() {
    end(null);
  }

  private void end(Throwable t) {
    if (closed.compareAndSet(false, true)) {
      error = t;
      delivered.close();
    }
  }
}
