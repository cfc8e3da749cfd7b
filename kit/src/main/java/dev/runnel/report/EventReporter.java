package dev.runnel.report;

import dev.runnel.Channel;
import dev.runnel.ChannelClosedException;
import dev.runnel.Go;
import dev.runnel.Received;
import dev.runnel.Select;
import dev.runnel.SelectExpression;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.resilience.CallRejectedException;
import dev.runnel.resilience.Policy;
import dev.runnel.sync.WaitGroup;
import dev.runnel.time.Clock;
import dev.runnel.time.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reports events without blocking the caller for long, and loses none silently: Go's "event
 * tracker" (a buffered channel, sender goroutines that deliver in batches, a shutdown with a
 * deadline), with the accounting a production service needs.
 *
 * <pre>{@code
 * EventReporter<Event> events = EventReporter.builder(sink)
 *     .delivery(Policy.chain(retry, breaker))
 *     .build();
 * events.report(requestCtx, new Event("purchase", user));  // waits at most until requestCtx ends
 * ...
 * List<Event> notDelivered = events.shutdown(Context.withTimeout(bg, ofSeconds(10)));
 * }</pre>
 *
 * <ul>
 *   <li><b>Intake.</b> {@link #report} waits while the buffer is full, until its context ends;
 *       {@link #tryReport} never waits and, when the buffer is full, drops the new event and counts
 *       it ({@link Stats#dropped}). Both refuse with {@link RejectedExecutionException} once the
 *       shutdown began.
 *   <li><b>Delivery.</b> Sender goroutines deliver batches of up to {@link Builder#batchSize}
 *       events, sent when full or when the first event is {@link Builder#maxBatchAge} old, through
 *       the {@link Builder#delivery} policy. A batch the policy gives up on is kept and delivered
 *       again after {@link Builder#redeliveryDelay} (or the refusal's {@link
 *       CallRejectedException#retryAfter()}, if longer); it is never dropped.
 *   <li><b>Shutdown.</b> {@link #shutdown} stops intake and returns once everything taken was
 *       delivered, or, when its context ends first, stops the senders and returns exactly the
 *       events not delivered (after offering them to the {@link Builder#fallback} sink, if any).
 * </ul>
 *
 * <p>At every moment {@code reported = delivered + returned + dropped + pending}; once {@link
 * #shutdown} has returned, {@code pending} is 0.
 *
 * <p>Memory consistency effects: actions before {@code report} or {@code tryReport} takes an event
 * happen-before the sink's {@code deliver} of the batch that holds it; every {@code deliver} that
 * returned happens-before {@code shutdown} returns.
 *
 * @param <E> the event type
 */
public final class EventReporter<E> implements AutoCloseable {

  private final EventSink<? super E> sink;
  private final EventSink<? super E> fallback;
  private final Policy delivery;
  private final Clock clock;
  private final int batchSize;
  private final Duration maxBatchAge;
  private final Duration redeliveryDelay;
  private final Duration closeTimeout;

  /** The buffer; closed when the shutdown begins, which is what refuses later reports. */
  private final Channel<E> buffer;

  /** The senders' context: cancelled only when a shutdown's deadline passes. */
  private final CancelContext root;

  private final WaitGroup senders = new WaitGroup();

  /** Events a sender held (in a batch being filled or delivered) when it was stopped. */
  private final ConcurrentLinkedQueue<E> stranded = new ConcurrentLinkedQueue<>();

  private final ReentrantLock shutdownLock = new ReentrantLock();
  private boolean intakeStopped; // guarded by shutdownLock
  private boolean terminated; // guarded by shutdownLock

  private final LongAdder reported = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder returned = new LongAdder();
  private final LongAdder failedDeliveries = new LongAdder();

  private EventReporter(Builder<E> b) {
    this.sink = b.sink;
    this.fallback = b.fallback;
    this.delivery = b.delivery;
    this.clock = b.clock;
    this.batchSize = b.batchSize;
    this.maxBatchAge = b.maxBatchAge;
    this.redeliveryDelay = b.redeliveryDelay;
    this.closeTimeout = b.closeTimeout;
    this.buffer = Channel.make(b.capacity);
    this.root = Context.withCancel(Context.withClock(Context.background(), clock));
    for (int i = 0; i < b.senders; i++) {
      senders.go(this::send);
    }
  }

  /**
   * A builder for a reporter that delivers to {@code sink}.
   *
   * @param sink where batches go
   * @param <E> the event type
   * @return a builder with the defaults
   */
  public static <E> Builder<E> builder(EventSink<? super E> sink) {
    return new Builder<>(Objects.requireNonNull(sink, "sink"));
  }

  /**
   * Takes {@code event}, waiting while the buffer is full until {@code ctx} ends.
   *
   * @param ctx bounds the wait
   * @param event the event
   * @throws CancellationException {@code ctx.err()} if it ended first; the event was not taken
   * @throws RejectedExecutionException if the shutdown began; the event was not taken
   * @throws InterruptedException if interrupted while waiting; the event was not taken
   */
  public void report(Context ctx, E event) throws InterruptedException {
    Objects.requireNonNull(event, "event");
    try {
      buffer.send(ctx, event);
    } catch (ChannelClosedException shutDown) {
      throw refused();
    }
    reported.increment();
  }

  /**
   * Takes {@code event} if the buffer has room; otherwise drops it and counts the drop.
   *
   * @param event the event
   * @return true if taken; false if dropped (counted in {@link Stats#dropped})
   * @throws RejectedExecutionException if the shutdown began; the event was not taken or counted
   */
  public boolean tryReport(E event) {
    Objects.requireNonNull(event, "event");
    boolean taken;
    try {
      taken = buffer.trySend(event);
    } catch (ChannelClosedException shutDown) {
      throw refused();
    }
    reported.increment();
    if (!taken) {
      dropped.increment();
    }
    return taken;
  }

  private static RejectedExecutionException refused() {
    return new RejectedExecutionException("event reporter is shut down");
  }

  /**
   * Stops intake and delivers everything taken. Returns an empty list once all of it was
   * delivered. If {@code ctx} ends first, stops the senders (their context is cancelled, so a
   * delivery in progress should end), waits for them to return, and gathers every event not
   * delivered; those are offered to the fallback sink, and what it did not take is returned.
   * A later call returns an empty list at once.
   *
   * @param ctx bounds the graceful part
   * @return the events not delivered, oldest batches first; empty when nothing was lost
   * @throws InterruptedException if interrupted while waiting; the shutdown goes on, and a later
   *     call returns what is left
   */
  public List<E> shutdown(Context ctx) throws InterruptedException {
    Objects.requireNonNull(ctx, "ctx");
    shutdownLock.lockInterruptibly();
    try {
      if (terminated) {
        return List.of();
      }
      if (!intakeStopped) {
        intakeStopped = true;
        buffer.close();
      }
      try {
        senders.await(ctx);
      } catch (CancellationException deadline) {
        root.cancel();
        senders.await();
      }
      terminated = true;
      root.cancel();
      return handBack(ctx);
    } finally {
      shutdownLock.unlock();
    }
  }

  /** After the senders ended: what they held and what is still buffered, offered to fallback. */
  private List<E> handBack(Context ctx) {
    List<E> left = new ArrayList<>(stranded);
    stranded.clear();
    for (Received<E> r; (r = buffer.tryReceive()) != null && r.ok(); ) {
      left.add(r.value());
    }
    if (left.isEmpty()) {
      return List.of();
    }
    returned.add(left.size());
    if (fallback != null) {
      try {
        fallback.deliver(Context.withoutCancel(ctx), List.copyOf(left));
        return List.of();
      } catch (Exception e) {
        Go.reportPanic(e);
      }
    }
    return left;
  }

  /**
   * {@link #shutdown} with the builder's {@link Builder#closeTimeout}, for try-with-resources.
   *
   * @throws IllegalStateException if events were left undelivered (and not taken by the fallback
   *     sink): it has nowhere to return them, so it says how many
   * @throws InterruptedException if interrupted while waiting
   */
  @Override
  public void close() throws InterruptedException {
    List<E> left;
    try (CancelContext ctx = Context.withTimeout(Context.withClock(Context.background(), clock),
        closeTimeout)) {
      left = shutdown(ctx);
    }
    if (!left.isEmpty()) {
      throw new IllegalStateException(
          "event reporter: " + left.size() + " events not delivered within " + closeTimeout);
    }
  }

  /**
   * The counters, read without stopping the reporter.
   *
   * @return a snapshot
   */
  public Stats stats() {
    long d = delivered.sum();
    long r = returned.sum();
    long x = dropped.sum();
    long all = reported.sum();
    return new Stats(all, d, x, r, failedDeliveries.sum(), Math.max(0, all - d - r - x));
  }

  /**
   * A snapshot of a reporter's counters.
   *
   * @param reported events taken or dropped by the buffer
   * @param delivered events in batches the sink returned normally from
   * @param dropped events {@link #tryReport} dropped because the buffer was full
   * @param returned events a shutdown handed back or gave to the fallback sink
   * @param failedDeliveries deliveries the policy gave up on (each batch is delivered again)
   * @param pending events taken and neither delivered nor returned yet
   */
  public record Stats(
      long reported,
      long delivered,
      long dropped,
      long returned,
      long failedDeliveries,
      long pending) {}

  // ---------------------------------------------------------------- senders

  private void send() throws InterruptedException {
    List<E> batch = new ArrayList<>(batchSize);
    try {
      while (fill(batch)) {
        deliver(List.copyOf(batch));
        batch.clear();
      }
    } catch (CancellationException stopped) {
      // the shutdown's deadline passed: what this sender holds goes back to the caller
    } finally {
      stranded.addAll(batch);
    }
  }

  /** Fills {@code batch}; false if the buffer is closed and drained and nothing was taken. */
  private boolean fill(List<E> batch) throws InterruptedException {
    Received<E> first = buffer.receiveOk(root);
    if (!first.ok()) {
      return false;
    }
    batch.add(first.value());
    if (batchSize == 1) {
      return true;
    }
    Timer age = clock.newTimer(maxBatchAge);
    try {
      SelectExpression<Boolean> more =
          Select.<Boolean>expression()
              .onReceiveOk(buffer, r -> r.ok() && batch.add(r.value()))
              .onReceive(age.c(), t -> false);
      while (batch.size() < batchSize) {
        Received<E> r = buffer.tryReceive();
        if (r != null ? !(r.ok() && batch.add(r.value())) : !more.run(root)) {
          break;
        }
      }
    } finally {
      age.stop();
    }
    return true;
  }

  /** Delivers {@code batch}, again and again if need be, until it is delivered or stopped. */
  private void deliver(List<E> batch) throws InterruptedException {
    for (; ; ) {
      try {
        delivery.call(
            root,
            c -> {
              sink.deliver(c, batch);
              return null;
            });
        delivered.add(batch.size());
        return;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception failed) {
        if (root.err() != null) {
          throw root.err();
        }
        failedDeliveries.increment();
        Duration wait = redeliveryDelay;
        if (failed instanceof CallRejectedException r && r.retryAfter().compareTo(wait) > 0) {
          wait = r.retryAfter();
        }
        clock.sleep(root, wait);
      }
    }
  }

  /**
   * Options for an {@link EventReporter}.
   *
   * @param <E> the event type
   */
  public static final class Builder<E> {
    private final EventSink<? super E> sink;
    private EventSink<? super E> fallback;
    private Policy delivery = Policy.none();
    private Clock clock = Clock.system();
    private int capacity = 1024;
    private int batchSize = 100;
    private int senders = 1;
    private Duration maxBatchAge = Duration.ofSeconds(1);
    private Duration redeliveryDelay = Duration.ofSeconds(1);
    private Duration closeTimeout = Duration.ofSeconds(30);

    private Builder(EventSink<? super E> sink) {
      this.sink = sink;
    }

    /**
     * How many events the buffer holds (1024 by default).
     *
     * @param capacity at least 1
     * @return this builder
     */
    public Builder<E> capacity(int capacity) {
      this.capacity = atLeastOne(capacity, "capacity");
      return this;
    }

    /**
     * The most events in one delivery (100 by default).
     *
     * @param batchSize at least 1
     * @return this builder
     */
    public Builder<E> batchSize(int batchSize) {
      this.batchSize = atLeastOne(batchSize, "batchSize");
      return this;
    }

    /**
     * How long the first event of a batch waits for the batch to fill (1 s by default).
     *
     * @param maxBatchAge positive
     * @return this builder
     */
    public Builder<E> maxBatchAge(Duration maxBatchAge) {
      this.maxBatchAge = positive(maxBatchAge, "maxBatchAge");
      return this;
    }

    /**
     * How many goroutines deliver batches at once (1 by default). With more than one, batches
     * may reach the sink out of order.
     *
     * @param senders at least 1
     * @return this builder
     */
    public Builder<E> senders(int senders) {
      this.senders = atLeastOne(senders, "senders");
      return this;
    }

    /**
     * The policy each delivery runs under, typically {@code Policy.chain(retry, breaker)}
     * ({@link Policy#none()} by default).
     *
     * @param delivery the policy
     * @return this builder
     */
    public Builder<E> delivery(Policy delivery) {
      this.delivery = Objects.requireNonNull(delivery, "delivery");
      return this;
    }

    /**
     * How long a sender waits before delivering again a batch the policy gave up on (1 s by
     * default); a refusal's longer {@code retryAfter()} wins.
     *
     * @param redeliveryDelay positive
     * @return this builder
     */
    public Builder<E> redeliveryDelay(Duration redeliveryDelay) {
      this.redeliveryDelay = positive(redeliveryDelay, "redeliveryDelay");
      return this;
    }

    /**
     * A sink for what a shutdown could not deliver in time (none by default: those events are
     * returned by {@link EventReporter#shutdown}). It gets them in one batch, with a context that
     * is not cancelled; if it throws, the events are returned instead.
     *
     * @param fallback the sink of last resort, such as a local file
     * @return this builder
     */
    public Builder<E> fallback(EventSink<? super E> fallback) {
      this.fallback = Objects.requireNonNull(fallback, "fallback");
      return this;
    }

    /**
     * The clock of batch ages, redelivery waits and {@link EventReporter#close}'s timeout (the
     * system clock by default).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder<E> clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How long {@link EventReporter#close} tries to deliver what is buffered (30 s by default).
     *
     * @param closeTimeout positive
     * @return this builder
     */
    public Builder<E> closeTimeout(Duration closeTimeout) {
      this.closeTimeout = positive(closeTimeout, "closeTimeout");
      return this;
    }

    /**
     * Builds the reporter and starts its senders.
     *
     * @return the reporter
     */
    public EventReporter<E> build() {
      return new EventReporter<>(this);
    }

    private static int atLeastOne(int n, String what) {
      if (n < 1) {
        throw new IllegalArgumentException(what + " must be at least 1: " + n);
      }
      return n;
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(what + " must be positive: " + d);
      }
      return d;
    }
  }
}
