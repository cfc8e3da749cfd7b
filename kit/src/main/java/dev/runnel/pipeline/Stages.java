package dev.runnel.pipeline;

import dev.runnel.Channel;
import dev.runnel.ReceiveChannel;
import dev.runnel.Received;
import dev.runnel.Select;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.rate.RateLimiter;
import dev.runnel.time.Clock;
import dev.runnel.time.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The stages' goroutines. Every stage reads its input until it is closed, sends on an output it
 * created, and closes that output when it returns, however it returns; every blocking operation
 * takes the stage's context, so cancelling the run stops every stage wherever it is blocked.
 */
final class Stages {

  private Stages() {}

  /** A one-goroutine stage's loop. */
  @FunctionalInterface
  interface Body<T, R> {
    void run(Context ctx, ReceiveChannel<T> in, Channel<R> out) throws Exception;
  }

  /** A stage of one goroutine after {@code up}. */
  static <T, R> Graph<R> oneGoroutine(Pipeline<T> up, Body<T, R> body) {
    return (run, ctx, capacity) -> {
      ReceiveChannel<T> in = up.startIn(run, ctx);
      Channel<R> out = Channel.make(capacity);
      run.go(ctx, () -> body.run(ctx, in, out), out::close);
      return out;
    };
  }

  /** Whether {@code e} is the stage being stopped, not a failure of the item. */
  static boolean stopped(Exception e, Context ctx) {
    return e instanceof CancellationException && ctx.err() != null;
  }

  static <T> void route(OnItemFailure<T> onFailure, Context ctx, T item, Exception e)
      throws Exception {
    onFailure.handle(ctx, new ItemFailure<>(item, e));
  }

  static <R> R nonNull(R r, String stage) {
    if (r == null) {
      throw new NullPointerException("pipeline: " + stage + " returned null (null is not an item)");
    }
    return r;
  }

  // ---------------------------------------------------------------- one item in, some out

  static <T, R> Graph<R> map(
      Pipeline<T> up,
      Pipeline.ItemFunction<? super T, ? extends R> f,
      OnItemFailure<? super T> onFailure) {
    return oneGoroutine(
        up,
        (ctx, in, out) -> {
          for (T x; (x = in.receive(ctx)) != null; ) {
            R r;
            try {
              r = f.apply(x);
            } catch (Exception e) {
              if (onFailure == null || stopped(e, ctx)) {
                throw e;
              }
              route(onFailure, ctx, x, e);
              continue;
            }
            out.send(ctx, nonNull(r, "map"));
          }
        });
  }

  static <T> Graph<T> filter(Pipeline<T> up, Predicate<? super T> keep) {
    return oneGoroutine(
        up,
        (ctx, in, out) -> {
          for (T x; (x = in.receive(ctx)) != null; ) {
            if (keep.test(x)) {
              out.send(ctx, x);
            }
          }
        });
  }

  static <T, R> Graph<R> flatMap(
      Pipeline<T> up,
      Pipeline.ItemFunction<? super T, ? extends Iterable<? extends R>> f,
      OnItemFailure<? super T> onFailure) {
    return oneGoroutine(
        up,
        (ctx, in, out) -> {
          for (T x; (x = in.receive(ctx)) != null; ) {
            Iterable<? extends R> rs;
            try {
              rs = f.apply(x);
            } catch (Exception e) {
              if (onFailure == null || stopped(e, ctx)) {
                throw e;
              }
              route(onFailure, ctx, x, e);
              continue;
            }
            for (R r : nonNull(rs, "flatMap")) {
              out.send(ctx, nonNull(r, "flatMap's iterable"));
            }
          }
        });
  }

  static <T> Graph<T> peek(Pipeline<T> up, Pipeline.ItemConsumer<? super T> action) {
    return oneGoroutine(
        up,
        (ctx, in, out) -> {
          for (T x; (x = in.receive(ctx)) != null; ) {
            action.accept(x);
            out.send(ctx, x);
          }
        });
  }

  static <T> Graph<T> throttle(Pipeline<T> up, RateLimiter limiter) {
    return oneGoroutine(
        up,
        (ctx, in, out) -> {
          for (T x; (x = in.receive(ctx)) != null; ) {
            limiter.await(ctx);
            out.send(ctx, x);
          }
        });
  }

  static <T> Graph<T> drop(Pipeline<T> up, long n) {
    return oneGoroutine(
        up,
        (ctx, in, out) -> {
          long seen = 0;
          for (T x; (x = in.receive(ctx)) != null; ) {
            if (seen < n) {
              seen++;
            } else {
              out.send(ctx, x);
            }
          }
        });
  }

  /** Forwards n items, then closes its output and cancels everything upstream of it. */
  static <T> Graph<T> take(Pipeline<T> up, long n) {
    return (run, ctx, capacity) -> {
      CancelContext upstream = Context.withCancel(ctx);
      ReceiveChannel<T> in = up.startIn(run, upstream);
      Channel<T> out = Channel.make(capacity);
      run.go(
          ctx,
          () -> {
            T x;
            for (long i = 0; i < n && (x = in.receive(ctx)) != null; i++) {
              out.send(ctx, x);
            }
          },
          () -> {
            upstream.cancel();
            out.close();
          });
      return out;
    };
  }

  // ---------------------------------------------------------------- batch

  private static final Object TICK = new Object();

  static <T> Graph<List<T>> batch(Pipeline<T> up, int size, Duration maxAge, Clock clock) {
    return oneGoroutine(
        up,
        (ctx, in, out) -> {
          List<T> batch = new ArrayList<>(size);
          Clock ages = clock != null ? clock : Context.clockOf(ctx);
          Timer age = null; // armed while batch is not empty
          try {
            while (true) {
              if (batch.isEmpty()) {
                T x = in.receive(ctx);
                if (x == null) {
                  return;
                }
                batch.add(x);
                if (batch.size() < size) {
                  if (age == null) {
                    age = ages.newTimer(maxAge);
                  } else {
                    age.reset(maxAge);
                  }
                  continue;
                }
              } else {
                Object r =
                    Select.<Object>expression()
                        .onReceiveOk(in, got -> got)
                        .onReceive(age.c(), t -> TICK)
                        .run(ctx);
                if (r != TICK) {
                  @SuppressWarnings("unchecked")
                  Received<T> got = (Received<T>) r;
                  if (!got.ok()) {
                    break;
                  }
                  batch.add(got.value());
                  if (batch.size() < size) {
                    continue;
                  }
                }
              }
              if (age != null) {
                age.stop();
              }
              out.send(ctx, batch);
              batch = new ArrayList<>(size);
            }
            if (!batch.isEmpty()) {
              out.send(ctx, batch);
            }
          } finally {
            if (age != null) {
              age.stop();
            }
          }
        });
  }

  // ---------------------------------------------------------------- parallel map

  private static final Object SKIPPED = new Object();

  static <T, R> Graph<R> mapParallel(
      Pipeline<T> up,
      int workers,
      boolean ordered,
      Pipeline.ItemFunction<? super T, ? extends R> f,
      OnItemFailure<? super T> onFailure) {
    return ordered
        ? orderedMapParallel(up, workers, f, onFailure)
        : (run, ctx, capacity) -> {
          ReceiveChannel<T> in = up.startIn(run, ctx);
          Channel<R> out = Channel.make(capacity);
          AtomicInteger running = new AtomicInteger(workers);
          for (int w = 0; w < workers; w++) {
            run.go(
                ctx,
                () -> {
                  for (T x; (x = in.receive(ctx)) != null; ) {
                    Object r = apply(ctx, f, onFailure, x);
                    if (r != SKIPPED) {
                      @SuppressWarnings("unchecked")
                      R value = (R) r;
                      out.send(ctx, value);
                    }
                  }
                },
                () -> {
                  if (running.decrementAndGet() == 0) {
                    out.close(); // the last worker out closes: Go's WaitGroup-then-close
                  }
                });
          }
          return out;
        };
  }

  /** An item or a result, and its input position. */
  private record Numbered(long ticket, Object value) {}

  /**
   * Ordered parallel map: a reorder window. A dispatcher takes a credit, numbers the next item
   * with its ticket (its input position) and hands it to the workers; each worker applies {@code
   * f} and sends the numbered result to {@code results} (fan-in, any order). A collector puts each
   * result in {@code window} at {@code ticket % size}, sends the results that are next in order,
   * and returns one credit per result it has passed on (or skipped).
   *
   * <p>Invariant: {@code credits} starts with {@code size} credits, so at most {@code size}
   * tickets are handed out and not yet passed on; they lie in {@code [emitted, emitted + size)},
   * so their window slots differ. Credits never exceed {@code size}, so the collector's {@code
   * trySend} of a credit never fails. Exactly {@code workers} calls of {@code f} run at once at
   * most; a slow item holds back at most {@code size} results behind it.
   *
   * <p>Rejected: workers that number items themselves under a lock around the input's receive
   * (no dispatcher). Under contention every worker parks on the lock at every item; the
   * dispatcher's buffered hand-off is cheaper.
   */
  private static <T, R> Graph<R> orderedMapParallel(
      Pipeline<T> up,
      int workers,
      Pipeline.ItemFunction<? super T, ? extends R> f,
      OnItemFailure<? super T> onFailure) {
    return (run, ctx, capacity) -> {
      ReceiveChannel<T> in = up.startIn(run, ctx);
      Channel<R> out = Channel.make(capacity);
      int size = 4 * workers;
      Channel<Boolean> credits = Channel.make(size);
      for (int i = 0; i < size; i++) {
        credits.trySend(true);
      }
      Channel<Numbered> jobs = Channel.make(workers);
      Channel<Numbered> results = Channel.make(size);
      run.go(
          ctx,
          () -> {
            long ticket = 0;
            while (true) {
              credits.receive(ctx);
              T x = in.receive(ctx);
              if (x == null) {
                return;
              }
              jobs.send(ctx, new Numbered(ticket++, x));
            }
          },
          jobs::close);
      AtomicInteger running = new AtomicInteger(workers);
      for (int w = 0; w < workers; w++) {
        run.go(
            ctx,
            () -> {
              for (Numbered job; (job = jobs.receive(ctx)) != null; ) {
                @SuppressWarnings("unchecked")
                T x = (T) job.value();
                results.send(ctx, new Numbered(job.ticket(), apply(ctx, f, onFailure, x)));
              }
            },
            () -> {
              if (running.decrementAndGet() == 0) {
                results.close();
              }
            });
      }
      run.go(
          ctx,
          () -> {
            Object[] window = new Object[size];
            long emitted = 0;
            for (Numbered n; (n = results.receive(ctx)) != null; ) {
              window[(int) (n.ticket() % size)] = n.value();
              for (int i; window[i = (int) (emitted % size)] != null; emitted++) {
                Object r = window[i];
                window[i] = null;
                if (r != SKIPPED) {
                  @SuppressWarnings("unchecked")
                  R value = (R) r;
                  out.send(ctx, value);
                }
                credits.trySend(true);
              }
            }
          },
          out::close);
      return out;
    };
  }

  /** The function's result, or {@link #SKIPPED} if it failed and the failure was routed. */
  private static <T> Object apply(
      Context ctx,
      Pipeline.ItemFunction<? super T, ?> f,
      OnItemFailure<? super T> onFailure,
      T x)
      throws Exception {
    Object r;
    try {
      r = f.apply(x);
    } catch (Exception e) {
      if (onFailure == null || stopped(e, ctx)) {
        throw e;
      }
      route(onFailure, ctx, x, e);
      return SKIPPED;
    }
    return nonNull(r, "mapParallel");
  }

  // ---------------------------------------------------------------- several pipelines

  /** Fan-in: one goroutine per input forwards into the output; the last one out closes it. */
  static <T> Graph<T> merge(List<Pipeline<? extends T>> inputs) {
    return (run, ctx, capacity) -> {
      Channel<T> out = Channel.make(capacity);
      if (inputs.isEmpty()) {
        out.close();
        return out;
      }
      AtomicInteger running = new AtomicInteger(inputs.size());
      for (Pipeline<? extends T> p : inputs) {
        ReceiveChannel<? extends T> in = p.startIn(run, ctx);
        run.go(
            ctx,
            () -> {
              for (T x; (x = in.receive(ctx)) != null; ) {
                out.send(ctx, x);
              }
            },
            () -> {
              if (running.decrementAndGet() == 0) {
                out.close();
              }
            });
      }
      return out;
    };
  }

  /** Pairs items until either input ends, then cancels both inputs. */
  static <T, U, R> Graph<R> zip(
      Pipeline<T> left, Pipeline<U> right, BiFunction<? super T, ? super U, ? extends R> f) {
    return (run, ctx, capacity) -> {
      CancelContext upstream = Context.withCancel(ctx);
      ReceiveChannel<T> a = left.startIn(run, upstream);
      ReceiveChannel<U> b = right.startIn(run, upstream);
      Channel<R> out = Channel.make(capacity);
      run.go(
          ctx,
          () -> {
            for (T x; (x = a.receive(ctx)) != null; ) {
              U y = b.receive(ctx);
              if (y == null) {
                break;
              }
              out.send(ctx, nonNull(f.apply(x, y), "zip"));
            }
          },
          () -> {
            upstream.cancel();
            out.close();
          });
      return out;
    };
  }

  /**
   * Tee: a distributor sends every item to every branch's input in turn; a branch whose context
   * ends (its {@code take} had enough) is left out from then on; the branches' outputs are merged.
   */
  static <T, R> Graph<R> broadcast(
      Pipeline<T> up, List<? extends Function<Pipeline<T>, Pipeline<? extends R>>> branches) {
    return (run, ctx, capacity) -> {
      ReceiveChannel<T> in = up.startIn(run, ctx);
      int n = branches.size();
      List<Channel<T>> inputs = new ArrayList<>(n);
      Context[] branchCtx = new Context[n];
      List<Pipeline<? extends R>> outputs = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        Channel<T> c = Channel.make(up.capacity());
        inputs.add(c);
        int index = i;
        Pipeline<T> source =
            new Pipeline<>(
                (r, bctx, cap) -> {
                  branchCtx[index] = bctx; // before the distributor starts: a happens-before edge
                  return c;
                },
                up.capacity());
        outputs.add(
            Objects.requireNonNull(
                branches.get(i).apply(source), "pipeline: a broadcast branch returned null"));
      }
      ReceiveChannel<R> out = merge(outputs).start(run, ctx, capacity);
      run.go(
          ctx,
          () -> {
            boolean[] gone = new boolean[n];
            for (T x; (x = in.receive(ctx)) != null; ) {
              for (int i = 0; i < n; i++) {
                if (gone[i] || branchCtx[i] == null) {
                  continue; // gone, or a branch that ignores its input
                }
                try {
                  inputs.get(i).send(branchCtx[i], x);
                } catch (CancellationException e) {
                  if (ctx.err() != null) {
                    throw e;
                  }
                  gone[i] = true; // that branch stopped reading; the others go on
                }
              }
            }
          },
          () -> {
            for (Channel<T> c : inputs) {
              c.close();
            }
          });
      return out;
    };
  }
}
