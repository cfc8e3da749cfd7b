package dev.runnel.pipeline;

import dev.runnel.ReceiveChannel;
import dev.runnel.SendChannel;
import dev.runnel.context.Context;
import dev.runnel.rate.RateLimiter;
import dev.runnel.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A typed chain of stages joined by channels: Go's pipeline (a source, stages that each receive,
 * work and send, a sink), with the close-when-done, the cancellation and the fan-in bookkeeping
 * written once.
 *
 * <p>A {@code Pipeline} is an immutable, lazy description: the static factories make a source,
 * each stage method returns a new {@code Pipeline}, and nothing runs until a terminal call. Each
 * run starts its own goroutines (one per stage; {@code n} for an unordered {@link #mapParallel},
 * {@code n + 2} for an ordered one), joined by channels of {@value #DEFAULT_CAPACITY} items unless
 * {@link #buffer} says otherwise.
 *
 * <table class="striped">
 *   <caption>The operations</caption>
 *   <tr><th>sources</th><td>{@link #of}, {@link #from(Iterable)}, {@link #from(Stream)}, {@link
 *       #from(ReceiveChannel)}, {@link #from(Flow.Publisher)}, {@link #tick}, {@link #generate},
 *       {@link #merge(List)}</td></tr>
 *   <tr><th>stages</th><td>{@link #map}, {@link #filter}, {@link #flatMap}, {@link
 *       #mapParallel}, {@link #batch}, {@link #throttle}, {@link #take}, {@link #drop}, {@link
 *       #peek}, {@link #mergeWith}, {@link #zip}, {@link #broadcast}, {@link #buffer}</td></tr>
 *   <tr><th>terminals</th><td>{@link #toList}, {@link #forEach}, {@link #fold}, {@link #reduce},
 *       {@link #count}, {@link #sendTo}, {@link #start}, {@link #toPublisher}</td></tr>
 * </table>
 *
 * <p><b>Errors.</b> Every run has its own context, derived from the terminal call's. The first
 * failure of any stage cancels it, so every stage stops, and the terminal call throws a {@link
 * CompletionException} whose cause is that failure (later ones suppressed): unchecked, as {@code
 * Scope.join}'s. A stage stopped by the cancellation is not a failure. If the terminal's context
 * ends first, the terminal throws its {@code err()}. The cancellation is immediate (Go's {@code
 * select} on {@code ctx.Done()}): items produced before the failure and not yet consumed may never
 * reach the consumer. The function-taking stages also accept an
 * {@link OnItemFailure}, which takes an item the function failed on out of the stream instead, and
 * the run goes on.
 *
 * <p><b>Shutdown.</b> Every terminal call returns only after every goroutine of its run has ended,
 * whether the run completed, failed, was cancelled or the caller was interrupted. {@link #take}
 * cancels everything upstream of it as soon as it has its items.
 *
 * <p>Memory consistency effects: actions before a terminal call happen-before every stage starts;
 * a stage's actions before it sends an item happen-before the next stage's actions after it
 * receives it; every stage's actions happen-before the terminal call returns.
 *
 * <p>Go: the pipeline of the Go blog's "Pipelines and cancellation": each stage closes its
 * outbound channel when its sends are done, and a context stops every stage. Peers: jox's {@code
 * Flow}, kotlinx.coroutines' {@code Flow}, Java's {@code Stream} (which has no time, cancellation
 * or bounded concurrency per stage).
 *
 * {@snippet :
 * List<List<Row>> batches =
 *     Pipeline.from(Files.lines(path))
 *         .mapParallel(4, true, Row::parse)            // 4 at once, in input order
 *         .filter(Row::valid)
 *         .batch(500, Duration.ofSeconds(1))           // 500 rows or 1 s, whichever first
 *         .toList(ctx);                                // the first failure cancels all, is thrown
 * }
 *
 * @param <T> the item type
 */
public final class Pipeline<T> {

  /**
   * The capacity of the channel after each stage unless {@link #buffer} sets another: enough for
   * a stage to run ahead of its reader for a while (each item over an unbuffered channel costs a
   * park and an unpark of both stages), small enough to bound memory. jox uses 16 too.
   */
  public static final int DEFAULT_CAPACITY = 16;

  /**
   * A stage's function, which may throw: Go's {@code func(T) (R, error)}.
   *
   * @param <T> the input type
   * @param <R> the result type
   */
  @FunctionalInterface
  public interface ItemFunction<T, R> {
    /**
     * Computes the result for one item.
     *
     * @param item the item
     * @return the result, not null
     * @throws Exception to fail the run, or hand the item to the stage's {@link OnItemFailure}
     */
    R apply(T item) throws Exception;
  }

  /**
   * A consumer of items, which may throw.
   *
   * @param <T> the item type
   */
  @FunctionalInterface
  public interface ItemConsumer<T> {
    /**
     * Consumes one item.
     *
     * @param item the item
     * @throws Exception to fail the run
     */
    void accept(T item) throws Exception;
  }

  /**
   * A source that emits items until it returns: Go's generator goroutine.
   *
   * @param <T> the item type
   */
  @FunctionalInterface
  public interface Generator<T> {
    /**
     * Emits the items.
     *
     * @param ctx the source's context: done when the run is cancelled or {@code take} has enough
     * @param out where to emit; its {@code emit} throws the context's error once it is done
     * @throws Exception to fail the run
     */
    void run(Context ctx, Emitter<T> out) throws Exception;
  }

  private final Graph<T> graph;
  private final int capacity;

  Pipeline(Graph<T> graph, int capacity) {
    this.graph = graph;
    this.capacity = capacity;
  }

  private static <T> Pipeline<T> source(Graph<T> graph) {
    return new Pipeline<>(graph, DEFAULT_CAPACITY);
  }

  private <R> Pipeline<R> then(Graph<R> graph) {
    return new Pipeline<>(graph, DEFAULT_CAPACITY);
  }

  /** Starts this pipeline's stages in {@code run} and returns the last one's output. */
  ReceiveChannel<T> startIn(Run run, Context ctx) {
    return graph.start(run, ctx, capacity);
  }

  /** The capacity of this pipeline's output channel. */
  int capacity() {
    return capacity;
  }

  // ================================================================ sources

  /**
   * A source of the given items, in order.
   *
   * @param <T> the item type
   * @param items the items, none null
   * @return the pipeline
   * @throws NullPointerException if {@code items} or one of them is null
   */
  @SafeVarargs
  public static <T> Pipeline<T> of(T... items) {
    List<T> list = List.of(items); // refuses nulls
    return from(list);
  }

  /**
   * A source of the items of {@code items}, iterated anew by each run.
   *
   * @param <T> the item type
   * @param items the items; a null item fails the run
   * @return the pipeline
   */
  public static <T> Pipeline<T> from(Iterable<? extends T> items) {
    return source(Sources.iterable(Objects.requireNonNull(items, "items")));
  }

  /**
   * A source of the items of {@code items}, closed when the source ends. A stream can be consumed
   * once: a second run fails with the stream's {@code IllegalStateException}.
   *
   * @param <T> the item type
   * @param items the stream
   * @return the pipeline
   */
  public static <T> Pipeline<T> from(Stream<? extends T> items) {
    return source(Sources.stream(Objects.requireNonNull(items, "items")));
  }

  /**
   * A source that reads {@code channel} until it is closed. No goroutine is started for it and
   * the pipeline never closes it: its owner does.
   *
   * @param <T> the item type
   * @param channel the channel
   * @return the pipeline
   */
  public static <T> Pipeline<T> from(ReceiveChannel<? extends T> channel) {
    return source(Sources.channel(Objects.requireNonNull(channel, "channel")));
  }

  /**
   * A source that subscribes to {@code publisher} when the run starts and honours its demand
   * protocol: it requests as many items as the output channel holds (at least one), and one more
   * each time it has passed one downstream, so a publisher that sends only what was requested is
   * never overrun. A publisher that sends more fails the run with {@link IllegalStateException};
   * its {@code onError} fails the run; its {@code onComplete} ends the source. The subscription is
   * cancelled when the run ends.
   *
   * @param <T> the item type
   * @param publisher the publisher
   * @return the pipeline
   */
  public static <T> Pipeline<T> from(Flow.Publisher<? extends T> publisher) {
    return source(PublisherSource.of(Objects.requireNonNull(publisher, "publisher")));
  }

  /**
   * An endless source of the times of a {@code clock.newTicker(period)}: Go's {@code
   * time.Tick}. End it with {@link #take} or by cancelling the context; the ticker is stopped when
   * the source ends. Ticks the pipeline is too slow for are dropped, as Go's ticker drops them.
   *
   * @param clock the clock (a {@code ManualClock} in tests)
   * @param period the period, positive
   * @return the pipeline
   * @throws IllegalArgumentException if {@code period} is not positive
   */
  public static Pipeline<Instant> tick(Clock clock, Duration period) {
    Objects.requireNonNull(clock, "clock");
    return tickOn(clock, period);
  }

  /**
   * As {@link #tick(Clock, Duration)}, on the clock of the terminal call's context ({@link
   * Context#clockOf}).
   *
   * @param period the period, positive
   * @return the pipeline
   * @throws IllegalArgumentException if {@code period} is not positive
   */
  public static Pipeline<Instant> tick(Duration period) {
    return tickOn(null, period);
  }

  private static Pipeline<Instant> tickOn(Clock clock, Duration period) {
    if (Objects.requireNonNull(period, "period").isNegative() || period.isZero()) {
      throw new IllegalArgumentException("pipeline: non-positive tick period " + period);
    }
    return source(Sources.tick(clock, period));
  }

  /**
   * A source whose items a generator emits, in a goroutine of the run, until it returns.
   *
   * @param <T> the item type
   * @param generator the generator
   * @return the pipeline
   */
  public static <T> Pipeline<T> generate(Generator<T> generator) {
    return source(Sources.generate(Objects.requireNonNull(generator, "generator")));
  }

  /**
   * The items of every input, in the order they arrive (fan-in); ends when every input has ended.
   *
   * @param <T> the item type
   * @param inputs the pipelines, at least one
   * @return the pipeline
   * @throws IllegalArgumentException if {@code inputs} is empty
   */
  public static <T> Pipeline<T> merge(List<? extends Pipeline<? extends T>> inputs) {
    List<Pipeline<? extends T>> copy = List.copyOf(inputs);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("pipeline: merge of no pipelines");
    }
    return source(Stages.merge(copy));
  }

  /**
   * The items of every input, in the order they arrive: {@link #merge(List)}.
   *
   * @param <T> the item type
   * @param inputs the pipelines, at least one
   * @return the pipeline
   */
  @SafeVarargs
  public static <T> Pipeline<T> merge(Pipeline<? extends T>... inputs) {
    return merge(Arrays.asList(inputs));
  }

  // ================================================================ stages

  /**
   * Applies {@code f} to each item; a failure fails the run.
   *
   * @param <R> the result type
   * @param f the function; returning null fails the run
   * @return the pipeline
   */
  public <R> Pipeline<R> map(ItemFunction<? super T, ? extends R> f) {
    return then(Stages.map(this, Objects.requireNonNull(f, "f"), null));
  }

  /**
   * Applies {@code f} to each item; an item {@code f} throws on goes to {@code onFailure} instead
   * of downstream, and the run goes on.
   *
   * @param <R> the result type
   * @param f the function
   * @param onFailure where failed items go
   * @return the pipeline
   */
  public <R> Pipeline<R> map(
      ItemFunction<? super T, ? extends R> f, OnItemFailure<? super T> onFailure) {
    return then(
        Stages.map(
            this,
            Objects.requireNonNull(f, "f"),
            Objects.requireNonNull(onFailure, "onFailure")));
  }

  /**
   * Keeps the items {@code keep} accepts.
   *
   * @param keep the predicate; an exception from it fails the run
   * @return the pipeline
   */
  public Pipeline<T> filter(Predicate<? super T> keep) {
    return then(Stages.filter(this, Objects.requireNonNull(keep, "keep")));
  }

  /**
   * Replaces each item by the items {@code f} returns for it, in order.
   *
   * @param <R> the result type
   * @param f the function
   * @return the pipeline
   */
  public <R> Pipeline<R> flatMap(ItemFunction<? super T, ? extends Iterable<? extends R>> f) {
    return then(Stages.flatMap(this, Objects.requireNonNull(f, "f"), null));
  }

  /**
   * Replaces each item by the items {@code f} returns for it; an item {@code f} throws on goes to
   * {@code onFailure}.
   *
   * @param <R> the result type
   * @param f the function
   * @param onFailure where failed items go
   * @return the pipeline
   */
  public <R> Pipeline<R> flatMap(
      ItemFunction<? super T, ? extends Iterable<? extends R>> f,
      OnItemFailure<? super T> onFailure) {
    return then(
        Stages.flatMap(
            this,
            Objects.requireNonNull(f, "f"),
            Objects.requireNonNull(onFailure, "onFailure")));
  }

  /**
   * Applies {@code f} to each item in {@code workers} goroutines at once. Ordered: the results
   * leave in input order (a slow item holds back the ones after it); unordered: as they are ready.
   * Exactly {@code workers} calls of {@code f} run at once at most.
   *
   * @param <R> the result type
   * @param workers how many goroutines apply {@code f}, at least 1
   * @param ordered whether results keep the input order
   * @param f the function; a failure fails the run
   * @return the pipeline
   * @throws IllegalArgumentException if {@code workers < 1}
   */
  public <R> Pipeline<R> mapParallel(
      int workers, boolean ordered, ItemFunction<? super T, ? extends R> f) {
    return then(Stages.mapParallel(this, checkWorkers(workers), ordered, f(f), null));
  }

  /**
   * As {@link #mapParallel(int, boolean, ItemFunction)}, with failed items going to {@code
   * onFailure}.
   *
   * @param <R> the result type
   * @param workers how many goroutines apply {@code f}, at least 1
   * @param ordered whether results keep the input order
   * @param f the function
   * @param onFailure where failed items go
   * @return the pipeline
   * @throws IllegalArgumentException if {@code workers < 1}
   */
  public <R> Pipeline<R> mapParallel(
      int workers,
      boolean ordered,
      ItemFunction<? super T, ? extends R> f,
      OnItemFailure<? super T> onFailure) {
    return then(
        Stages.mapParallel(
            this,
            checkWorkers(workers),
            ordered,
            f(f),
            Objects.requireNonNull(onFailure, "onFailure")));
  }

  /**
   * Groups items into lists of {@code size}, or fewer when the oldest item of a list has waited
   * {@code maxAge} on the clock of the terminal call's context ({@link Context#clockOf}: the
   * system clock unless a {@code Context.withClock} set one), whichever comes first; the last list holds what is left
   * when the input ends. Never emits an empty list.
   *
   * @param size the most items in a list, at least 1
   * @param maxAge how long the first item of a list may wait, positive
   * @return the pipeline
   * @throws IllegalArgumentException if {@code size < 1} or {@code maxAge} is not positive
   */
  public Pipeline<List<T>> batch(int size, Duration maxAge) {
    return batch(size, maxAge, null);
  }

  /**
   * As {@link #batch(int, Duration)}, with ages measured on {@code clock}.
   *
   * @param size the most items in a list, at least 1
   * @param maxAge how long the first item of a list may wait, positive
   * @param clock the clock; null for the terminal call's context's
   * @return the pipeline
   * @throws IllegalArgumentException if {@code size < 1} or {@code maxAge} is not positive
   */
  public Pipeline<List<T>> batch(int size, Duration maxAge, Clock clock) {
    if (size < 1) {
      throw new IllegalArgumentException("pipeline: batch size " + size + " < 1");
    }
    if (Objects.requireNonNull(maxAge, "maxAge").isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("pipeline: non-positive batch age " + maxAge);
    }
    return then(Stages.batch(this, size, maxAge, clock));
  }

  /**
   * Passes items on no faster than {@code limiter} allows: one {@code limiter.await(ctx)} per item.
   *
   * @param limiter the rate limiter (it may be shared with other users)
   * @return the pipeline
   */
  public Pipeline<T> throttle(RateLimiter limiter) {
    return then(Stages.throttle(this, Objects.requireNonNull(limiter, "limiter")));
  }

  /**
   * Passes on the first {@code n} items, then ends and cancels every stage upstream of it.
   *
   * @param n how many, at least 0
   * @return the pipeline
   * @throws IllegalArgumentException if {@code n < 0}
   */
  public Pipeline<T> take(long n) {
    return then(Stages.take(this, checkCount(n, "take")));
  }

  /**
   * Drops the first {@code n} items and passes on the rest.
   *
   * @param n how many, at least 0
   * @return the pipeline
   * @throws IllegalArgumentException if {@code n < 0}
   */
  public Pipeline<T> drop(long n) {
    return then(Stages.drop(this, checkCount(n, "drop")));
  }

  /**
   * Calls {@code action} on each item as it passes.
   *
   * @param action the action; a failure fails the run
   * @return the pipeline
   */
  public Pipeline<T> peek(ItemConsumer<? super T> action) {
    return then(Stages.peek(this, Objects.requireNonNull(action, "action")));
  }

  /**
   * The items of this pipeline and of {@code other}, as they arrive: {@link #merge(List)}.
   *
   * @param other the other pipeline
   * @return the pipeline
   */
  public Pipeline<T> mergeWith(Pipeline<? extends T> other) {
    return merge(List.of(this, Objects.requireNonNull(other, "other")));
  }

  /**
   * Pairs the n-th item of this pipeline with the n-th of {@code other}; ends when either ends,
   * and then cancels both.
   *
   * @param <U> the other's item type
   * @param <R> the result type
   * @param other the other pipeline
   * @param f combines a pair; returning null fails the run
   * @return the pipeline
   */
  public <U, R> Pipeline<R> zip(
      Pipeline<U> other, BiFunction<? super T, ? super U, ? extends R> f) {
    return then(
        Stages.zip(this, Objects.requireNonNull(other, "other"), Objects.requireNonNull(f, "f")));
  }

  /**
   * Tee: sends every item to every branch, and merges the branches' outputs. A branch is a
   * function from its input pipeline to its output pipeline ({@code in -> in.map(...)}); the
   * slowest branch sets the pace (no unbounded queue); a branch that stops reading (its {@code
   * take} had enough) is left out from then on.
   *
   * @param <R> the branches' item type
   * @param branches the branches, at least one
   * @return the pipeline
   * @throws IllegalArgumentException if {@code branches} is empty
   */
  public <R> Pipeline<R> broadcast(
      List<? extends Function<Pipeline<T>, Pipeline<? extends R>>> branches) {
    List<Function<Pipeline<T>, Pipeline<? extends R>>> copy = List.copyOf(branches);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("pipeline: broadcast to no branches");
    }
    return then(Stages.broadcast(this, copy));
  }

  /**
   * Sets the capacity of the channel after the last stage: 0 is Go's unbuffered channel (the
   * stage waits for its reader at every item).
   *
   * @param capacity the capacity, at least 0
   * @return the pipeline
   * @throws IllegalArgumentException if {@code capacity < 0}
   */
  public Pipeline<T> buffer(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("pipeline: negative buffer capacity " + capacity);
    }
    return new Pipeline<>(graph, capacity);
  }

  // ================================================================ terminals

  /**
   * Starts a run whose output is read through the returned handle; close it to end the run.
   *
   * @param ctx the context whose end cancels the run
   * @return the running pipeline
   */
  public RunningPipeline<T> start(Context ctx) {
    Run run = new Run(Objects.requireNonNull(ctx, "ctx"));
    ReceiveChannel<T> out;
    try {
      out = startIn(run, run.ctx);
    } catch (Throwable t) { // a source or branch refused to start: stop what did start
      run.fail(t);
      run.end();
      run.throwFailures();
      throw new AssertionError(t);
    }
    return new RunningPipeline<>(run, out);
  }

  /**
   * Runs the pipeline and collects every item.
   *
   * @param ctx the context whose end cancels the run
   * @return the items, in the order they left the last stage
   * @throws InterruptedException if interrupted; the run is cancelled and has ended
   * @throws CompletionException the first failure of the run as its cause
   * @throws CancellationException {@code ctx.err()} if it ended the run
   */
  public List<T> toList(Context ctx) throws InterruptedException {
    List<T> items = new ArrayList<>();
    drain(ctx, (c, x) -> items.add(x));
    return items;
  }

  /**
   * Runs the pipeline and calls {@code action} on each item, in the calling thread.
   *
   * @param ctx the context whose end cancels the run
   * @param action the action; a failure fails the run
   * @throws InterruptedException if interrupted; the run is cancelled and has ended
   * @throws CompletionException the first failure of the run as its cause
   * @throws CancellationException {@code ctx.err()} if it ended the run
   */
  public void forEach(Context ctx, ItemConsumer<? super T> action) throws InterruptedException {
    Objects.requireNonNull(action, "action");
    drain(ctx, (c, x) -> action.accept(x));
  }

  /**
   * Runs the pipeline and folds its items, in the calling thread.
   *
   * @param <A> the accumulator type
   * @param ctx the context whose end cancels the run
   * @param initial the initial value
   * @param f the accumulator function
   * @return the folded value
   * @throws InterruptedException if interrupted; the run is cancelled and has ended
   * @throws CompletionException the first failure of the run as its cause
   * @throws CancellationException {@code ctx.err()} if it ended the run
   */
  public <A> A fold(Context ctx, A initial, BiFunction<A, ? super T, A> f)
      throws InterruptedException {
    Objects.requireNonNull(f, "f");
    List<A> acc = new ArrayList<>(1);
    acc.add(initial);
    drain(ctx, (c, x) -> acc.set(0, f.apply(acc.get(0), x)));
    return acc.get(0);
  }

  /**
   * Runs the pipeline and reduces its items with {@code op}.
   *
   * @param ctx the context whose end cancels the run
   * @param op the operator
   * @return the result, or empty if there were no items
   * @throws InterruptedException if interrupted; the run is cancelled and has ended
   * @throws CompletionException the first failure of the run as its cause
   * @throws CancellationException {@code ctx.err()} if it ended the run
   */
  public Optional<T> reduce(Context ctx, BinaryOperator<T> op) throws InterruptedException {
    Objects.requireNonNull(op, "op");
    List<T> acc = new ArrayList<>(1);
    drain(
        ctx,
        (c, x) -> {
          if (acc.isEmpty()) {
            acc.add(x);
          } else {
            acc.set(0, op.apply(acc.get(0), x));
          }
        });
    return acc.isEmpty() ? Optional.empty() : Optional.of(acc.get(0));
  }

  /**
   * Runs the pipeline and counts its items.
   *
   * @param ctx the context whose end cancels the run
   * @return how many items left the last stage
   * @throws InterruptedException if interrupted; the run is cancelled and has ended
   * @throws CompletionException the first failure of the run as its cause
   * @throws CancellationException {@code ctx.err()} if it ended the run
   */
  public long count(Context ctx) throws InterruptedException {
    long[] n = new long[1];
    drain(ctx, (c, x) -> n[0]++);
    return n[0];
  }

  /**
   * Runs the pipeline and sends every item on {@code channel}, blocking while it is full. The
   * channel is not closed: its owner closes it, as in Go.
   *
   * @param ctx the context whose end cancels the run
   * @param channel where the items go
   * @throws InterruptedException if interrupted; the run is cancelled and has ended
   * @throws CompletionException the first failure of the run as its cause
   * @throws CancellationException {@code ctx.err()} if it ended the run
   */
  public void sendTo(Context ctx, SendChannel<? super T> channel) throws InterruptedException {
    Objects.requireNonNull(channel, "channel");
    drain(ctx, (c, x) -> channel.send(c, x));
  }

  /**
   * This pipeline as a {@link Flow.Publisher}: each subscription starts its own run under {@code
   * ctx}, and items are sent only against the subscriber's demand ({@code request(n)}), from one
   * goroutine per subscription. The run's end is {@code onComplete}; its first failure is {@code
   * onError} with that failure (not wrapped); the end of {@code ctx} is {@code onError} with its
   * error; a request of zero or fewer items is {@code onError} with {@link
   * IllegalArgumentException}. {@code cancel} ends the run; the terminal signal comes after every
   * goroutine of the run has ended. A subscriber that neither requests nor cancels holds its run
   * until {@code ctx} ends.
   *
   * @param ctx the context whose end ends every subscription's run
   * @return the publisher
   */
  public Flow.Publisher<T> toPublisher(Context ctx) {
    return new PublisherSink<>(this, Objects.requireNonNull(ctx, "ctx"));
  }

  /** The consumer of a terminal call, given the run's context. */
  @FunctionalInterface
  private interface Sink<T> {
    void accept(Context runCtx, T item) throws Exception;
  }

  private void drain(Context ctx, Sink<? super T> sink) throws InterruptedException {
    try (RunningPipeline<T> run = start(ctx)) {
      for (T x; (x = run.receive()) != null; ) {
        try {
          sink.accept(run.context(), x);
        } catch (InterruptedException e) {
          throw e;
        } catch (CancellationException e) {
          if (run.context().err() == null) {
            run.fail(e);
            break;
          }
          run.stopped();
        } catch (Exception e) {
          run.fail(e);
          break;
        }
      }
    }
  }

  private static int checkWorkers(int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("pipeline: mapParallel with " + workers + " workers");
    }
    return workers;
  }

  private static long checkCount(long n, String stage) {
    if (n < 0) {
      throw new IllegalArgumentException("pipeline: " + stage + " of a negative count " + n);
    }
    return n;
  }

  private static <F> F f(F f) {
    return Objects.requireNonNull(f, "f");
  }
}
