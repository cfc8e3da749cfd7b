package dev.runnel.pipeline;

import dev.runnel.Channel;
import dev.runnel.ReceiveChannel;
import dev.runnel.context.Context;
import dev.runnel.time.Clock;
import dev.runnel.time.Ticker;
import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;
import java.util.stream.Stream;

/** The sources' goroutines: each sends its items on a channel it creates and closes. */
final class Sources {

  private Sources() {}

  static <T> Graph<T> iterable(Iterable<? extends T> items) {
    return (run, ctx, capacity) -> {
      Channel<T> out = Channel.make(capacity);
      run.go(
          ctx,
          () -> {
            for (T x : items) {
              out.send(ctx, Stages.nonNull(x, "the iterable"));
            }
          },
          out::close);
      return out;
    };
  }

  static <T> Graph<T> stream(Stream<? extends T> items) {
    return (run, ctx, capacity) -> {
      Channel<T> out = Channel.make(capacity);
      run.go(
          ctx,
          () -> {
            try (items) {
              for (Iterator<? extends T> it = items.iterator(); it.hasNext(); ) {
                out.send(ctx, Stages.nonNull(it.next(), "the stream"));
              }
            }
          },
          out::close);
      return out;
    };
  }

  @SuppressWarnings("unchecked") // only read: a channel of a subtype is a channel of T to a reader
  static <T> Graph<T> channel(ReceiveChannel<? extends T> ch) {
    return (run, ctx, capacity) -> (ReceiveChannel<T>) ch;
  }

  static Graph<java.time.Instant> tick(Clock clock, Duration period) {
    return (run, ctx, capacity) -> {
      Channel<java.time.Instant> out = Channel.make(capacity);
      Ticker ticker = (clock != null ? clock : Context.clockOf(ctx)).newTicker(period);
      run.go(
          ctx,
          () -> {
            try {
              while (true) {
                out.send(ctx, ticker.c().receive(ctx));
              }
            } finally {
              ticker.stop();
            }
          },
          out::close);
      return out;
    };
  }

  static <T> Graph<T> generate(Pipeline.Generator<T> generator) {
    return (run, ctx, capacity) -> {
      Channel<T> out = Channel.make(capacity);
      Emitter<T> emitter = item -> out.send(ctx, Objects.requireNonNull(item, "item"));
      run.go(
          ctx,
          () -> generator.run(ctx, emitter),
          out::close);
      return out;
    };
  }
}
