package dev.runnel.workerpool;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.GoFunc;
import dev.runnel.Received;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.kit.internal.Uninterruptibly;
import dev.runnel.structured.Task;
import dev.runnel.sync.Mutex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A pool of at most {@code maxWorkers} goroutines running jobs from a queue of at most {@code
 * queueCapacity} waiting jobs: the worker pool of Go programs, with a Java executor's contracts.
 *
 * <table>
 *   <caption>Submitting</caption>
 *   <tr><th>blocks while full</th><th>gives up when a context ends</th><th>never blocks</th>
 *       <th>no future</th></tr>
 *   <tr><td>{@link #submit(Task)}</td><td>{@link #submit(Context, Task)}</td>
 *       <td>{@link #trySubmit(Task)}</td><td>{@link #go(GoFunc)}</td></tr>
 * </table>
 *
 * <p>Each form takes a {@link Task} (a job that gets its context) or a {@code Callable}; {@code
 * submit} also takes a job with no result ({@code GoFunc}).
 *
 * <ul>
 *   <li><b>Workers are goroutines started on demand</b>, up to {@code maxWorkers}; a worker runs
 *       jobs while there are any and returns once it has waited {@link Builder#keepAlive} (1 s by
 *       default) for one in vain, so a pool of 10,000 workers costs nothing while idle. {@link
 *       #setMaxWorkers} changes the limit while the pool runs.
 *   <li><b>Backpressure</b>: the pool holds at most {@code maxWorkers + queueCapacity} jobs that
 *       have not finished; a submit waits (or gives up, or refuses) while it is full. A queue
 *       capacity of 0 is a hand-off: a job is accepted only when a worker can start it.
 *   <li><b>Results</b> are {@link Job}s ({@link CompletableFuture}s). Cancelling a queued job
 *       removes it; cancelling a running one cancels its context (the job sees it end, as in Go;
 *       its thread is not interrupted).
 *   <li><b>Failures are never lost and never kill a worker</b>: a submitted job's exception
 *       completes its future exceptionally; a job given to {@link #go} has no future, so its
 *       exception is reported as a goroutine's panic ({@link Go#reportPanic}). A job that ends with
 *       its own context's error after that context was cancelled counts as cancelled.
 *   <li><b>Shutdown loses nothing</b>: {@link #close()} stops intake, runs every queued job and
 *       waits for all; {@link #shutdown(Context)} does the same until the context ends, then takes
 *       the jobs that never started out of the queue and returns them (their futures cancelled);
 *       {@link #shutdownNow()} also cancels the running jobs' contexts. Submits after shutdown,
 *       and submits that were waiting for room when it began, throw {@link
 *       RejectedExecutionException}. Every accepted job ends exactly once as completed, failed,
 *       cancelled or returned unstarted.
 * </ul>
 *
 * <p>Memory consistency effects: actions before a submit happen-before the job runs; a job's
 * actions happen-before its future completes, and before {@link #close()} or {@link
 * #shutdown(Context)} returns.
 *
 * <p>Go: the shape of {@code pond}'s and {@code ants}' pools (on-demand workers, a bounded queue,
 * resizing) and of the classic job-queue dispatcher, whose worker registration this replaces.
 *
 * {@snippet :
 * try (WorkerPool pool = WorkerPool.create(8, 100)) {
 *   WorkerPool.Job<String> page = pool.submit(ctx -> fetch(ctx, url));
 *   System.out.println(page.get());
 * } // close(): runs what is queued, then returns
 * }
 */
public final class WorkerPool implements AutoCloseable {

  /*
   * Implementation notes.
   *
   * room: a non-fair Semaphore of maxWorkers + queueCapacity permits, one per job that has not
   * ended: a submit takes one (blocking, bridged to a context by interruptOnCancel, or try) and a
   * job gives it back when it ends. A CAS when there is room, as the JDK's executors cost; no FIFO
   * among waiting submitters is promised. Resizing adds permits or takes them away (the count may
   * go below zero until running jobs end); shutdown adds a multitude, so that waiting submits
   * wake at once and are refused.
   *
   * pending: the jobs accepted and not ended, with CLOSED in a high bit once intake stops. A submit
   * increments it only while CLOSED is clear (so no job is accepted after shutdown began); the
   * end of the last job after CLOSED, or a shutdown that finds none pending, opens `terminated`.
   *
   * queue: a channel of capacity queueCapacity + maxWorkers, so that a job holding a unit of room
   * always fits (after a resize beyond that, a send may wait for workers that are draining it).
   * Idle workers wait on it with a timeout (keepAlive); close() of the queue after the last job
   * tells them the pool has terminated.
   *
   * Workers: `workers` counts the goroutines that run jobs. A submit starts one after queueing its
   * job if there are fewer than maxWorkers. A worker whose wait timed out first decrements the
   * count, then polls once more, and goes on (incrementing again) if that poll found a job. The
   * channel's lock and the count are sequentially consistent, so either the submitter sees the
   * decremented count and starts a worker, or the worker's poll sees the job: no job is stranded.
   * The count may exceed maxWorkers for a moment by those racing workers.
   */

  /** How long an idle worker waits for a job, unless the builder sets it. */
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(1);

  private static final long CLOSED = 1L << 62;

  /** The waiting jobs; idle workers wait on it for up to keepAlive. */
  private final Channel<Job<?>> queue;
  private final AtomicInteger workers = new AtomicInteger();
  /** Jobs started and jobs that returned: running is their difference (no shared counter). */
  private final LongAdder started = new LongAdder();
  private final LongAdder returned = new LongAdder();
  private final AtomicLong pending = new AtomicLong();
  /** Closed when the pool is shut down and every accepted job has ended. */
  private final Channel<Void> terminated = Channel.make();
  private final Room room;
  private final CancelContext root;
  private final String name;
  private final int queueCapacity;
  private final Duration keepAlive;
  private volatile int maxWorkers;

  private final LongAdder completed = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder cancelled = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder queueWaitNanos = new LongAdder();
  private final AtomicLong maxQueueWaitNanos = new AtomicLong();
  private final Mutex resizing = new Mutex();

  private WorkerPool(Builder b) {
    this.name = b.name;
    this.queueCapacity = b.queueCapacity;
    this.maxWorkers = b.maxWorkers;
    this.keepAlive = b.keepAlive;
    this.queue = Channel.make(b.queueCapacity + b.maxWorkers);
    this.root = Context.withCancel(b.context);
    this.room = new Room(Math.addExact(b.maxWorkers, b.queueCapacity));
  }

  /**
   * A pool of at most {@code maxWorkers} workers and {@code queueCapacity} waiting jobs.
   *
   * @param maxWorkers the most jobs run at once, at least 1
   * @param queueCapacity the most jobs waiting for a worker, at least 0
   * @return the pool
   * @throws IllegalArgumentException if a bound is out of range
   */
  public static WorkerPool create(int maxWorkers, int queueCapacity) {
    return builder().maxWorkers(maxWorkers).queueCapacity(queueCapacity).build();
  }

  /**
   * A builder: 1 worker, a queue of 0, the background context, unless set.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- submitting

  /**
   * Queues {@code task}, waiting while the pool is full.
   *
   * @param <T> the result type
   * @param task the job, which gets its context
   * @return the job's future
   * @throws InterruptedException if interrupted while waiting; then nothing was queued
   * @throws RejectedExecutionException if the pool is shut down, or shuts down while waiting
   */
  public <T> Job<T> submit(Task<T> task) throws InterruptedException {
    return submit(new Job<>(task, true, false), null);
  }

  /**
   * Queues {@code task}, waiting while the pool is full.
   *
   * @param <T> the result type
   * @param task the job
   * @return the job's future
   * @throws InterruptedException if interrupted while waiting; then nothing was queued
   * @throws RejectedExecutionException if the pool is shut down, or shuts down while waiting
   */
  public <T> Job<T> submit(Callable<T> task) throws InterruptedException {
    return submit(new Job<>(ignoring(task), false, false), null);
  }

  /**
   * Queues {@code task}, a job with no result, waiting while the pool is full.
   *
   * @param task the job
   * @return the job's future, completed with null when it returns
   * @throws InterruptedException if interrupted while waiting; then nothing was queued
   * @throws RejectedExecutionException if the pool is shut down, or shuts down while waiting
   */
  public Job<Void> submit(GoFunc task) throws InterruptedException {
    return submit(new Job<>(ignoring(task), false, false), null);
  }

  /**
   * Queues {@code task}, waiting while the pool is full, or until {@code ctx} ends.
   *
   * @param <T> the result type
   * @param ctx the context whose end stops the wait (not the job's context)
   * @param task the job, which gets its context
   * @return the job's future
   * @throws InterruptedException if interrupted while waiting; then nothing was queued
   * @throws CancellationException {@code ctx.err()} if it ended first; then nothing was queued
   * @throws RejectedExecutionException if the pool is shut down, or shuts down while waiting
   */
  public <T> Job<T> submit(Context ctx, Task<T> task) throws InterruptedException {
    return submit(new Job<>(task, true, false), Objects.requireNonNull(ctx, "ctx"));
  }

  /**
   * Queues {@code task}, waiting while the pool is full, or until {@code ctx} ends.
   *
   * @param <T> the result type
   * @param ctx the context whose end stops the wait
   * @param task the job
   * @return the job's future
   * @throws InterruptedException if interrupted while waiting; then nothing was queued
   * @throws CancellationException {@code ctx.err()} if it ended first; then nothing was queued
   * @throws RejectedExecutionException if the pool is shut down, or shuts down while waiting
   */
  public <T> Job<T> submit(Context ctx, Callable<T> task) throws InterruptedException {
    return submit(
        new Job<>(ignoring(task), false, false), Objects.requireNonNull(ctx, "ctx"));
  }

  /**
   * Queues {@code task} if the pool has room now.
   *
   * @param <T> the result type
   * @param task the job, which gets its context
   * @return the job's future; null if the pool is full (counted as rejected)
   * @throws RejectedExecutionException if the pool is shut down
   */
  public <T> Job<T> trySubmit(Task<T> task) {
    return trySubmit(new Job<>(task, true, false));
  }

  /**
   * Queues {@code task} if the pool has room now.
   *
   * @param <T> the result type
   * @param task the job
   * @return the job's future; null if the pool is full (counted as rejected)
   * @throws RejectedExecutionException if the pool is shut down
   */
  public <T> Job<T> trySubmit(Callable<T> task) {
    return trySubmit(new Job<>(ignoring(task), false, false));
  }

  /**
   * Queues {@code f} with no future, waiting while the pool is full: a failure is reported as a
   * goroutine's panic is ({@link Go#reportPanic}), and the worker goes on.
   *
   * @param f the job
   * @throws InterruptedException if interrupted while waiting; then nothing was queued
   * @throws RejectedExecutionException if the pool is shut down, or shuts down while waiting
   */
  public void go(GoFunc f) throws InterruptedException {
    submit(new Job<>(ignoring(f), false, true), null);
  }

  private static <T> Task<T> ignoring(Callable<T> task) {
    Objects.requireNonNull(task, "task");
    return ctx -> task.call();
  }

  private static Task<Void> ignoring(GoFunc f) {
    Objects.requireNonNull(f, "task");
    return ctx -> {
      f.run();
      return null;
    };
  }

  /** Waits for room (until {@code ctx} ends, if not null), then queues the job. */
  private <T> Job<T> submit(Job<T> job, Context ctx) throws InterruptedException {
    if (ctx != null) {
      CancellationException err = ctx.err();
      if (err == null && !room.tryAcquire()) {
        try {
          Context.interruptOnCancel(
              ctx,
              () -> {
                room.acquire();
                return null;
              });
        } catch (CancellationException e) {
          err = e;
        }
      }
      if (err != null) {
        rejected.increment();
        throw err;
      }
    } else {
      room.acquire();
    }
    return enqueue(job);
  }

  private <T> Job<T> trySubmit(Job<T> job) {
    if (!room.tryAcquire()) {
      rejected.increment();
      if (isShutdown()) {
        throw new RejectedExecutionException("workerpool: " + this + " is shut down");
      }
      return null;
    }
    return enqueue(job);
  }

  /** Holding one unit of room: accepts the job, or refuses it if intake has stopped. */
  private <T> Job<T> enqueue(Job<T> job) {
    long p;
    do {
      p = pending.get();
      if ((p & CLOSED) != 0) {
        room.release();
        rejected.increment();
        throw new RejectedExecutionException("workerpool: " + this + " is shut down");
      }
    } while (!pending.compareAndSet(p, p + 1));
    job.enqueuedAt = System.nanoTime();
    if (!queue.trySend(job)) {
      sendAfterResize(job);
    }
    startWorkerIfNeeded();
    return job;
  }

  /**
   * The queue can be full only after the limit grew beyond the capacity it was made with; workers
   * are then draining it. The job is accepted already, so the wait is uninterruptible.
   */
  private void sendAfterResize(Job<?> job) {
    Uninterruptibly.await(() -> queue.send(job));
  }

  // ---------------------------------------------------------------- workers

  private void startWorkerIfNeeded() {
    for (int w; (w = workers.get()) < maxWorkers; ) {
      if (workers.compareAndSet(w, w + 1)) {
        Go.go(this::work);
        return;
      }
    }
  }

  private void work() {
    for (; ; ) {
      Received<Job<?>> r;
      try {
        r = queue.receive(keepAlive);
      } catch (InterruptedException e) { // nobody interrupts a worker; if one did, it leaves
        workers.decrementAndGet();
        startWorkerIfNeeded();
        return;
      }
      if (r == null) { // idle for keepAlive: leave, unless a job came as we decided to
        workers.decrementAndGet();
        r = queue.tryReceive(); // seen now, or the submitter sees our decrement and starts one
        if (r == null) {
          return;
        }
        workers.incrementAndGet();
      }
      if (!r.ok()) { // closed and drained: the pool has terminated
        workers.decrementAndGet();
        return;
      }
      run(r.value());
      for (int w; (w = workers.get()) > maxWorkers; ) { // shrunk: the extra workers leave
        if (workers.compareAndSet(w, w - 1)) {
          return;
        }
      }
    }
  }

  private <T> void run(Job<T> job) {
    long waited = System.nanoTime() - job.enqueuedAt;
    queueWaitNanos.add(waited);
    if (waited > maxQueueWaitNanos.get()) { // a CAS only for a new maximum
      maxQueueWaitNanos.accumulateAndGet(waited, Math::max);
    }
    try {
      Context ctx = job.start(root);
      if (ctx == null) {
        cancelled.increment(); // cancelled while queued
        return;
      }
      started.increment();
      try {
        T value = job.task.run(ctx);
        if (job.complete(value)) {
          completed.increment();
        } else {
          cancelled.increment();
        }
      } catch (Throwable t) {
        if (job.isCancelled() || t == ctx.err()) { // stopped through its context
          job.cancel(false);
          cancelled.increment();
        } else {
          failed.increment();
          job.completeExceptionally(t);
          if (job.reportFailure) {
            Go.reportPanic(t);
          }
        }
      } finally {
        returned.increment();
        job.finish();
      }
    } finally {
      ended();
    }
  }

  /** A job ended: gives back its room, and closes the queue after the last one. */
  private void ended() {
    room.release();
    if (pending.decrementAndGet() == CLOSED) {
      terminate();
    }
  }

  // ---------------------------------------------------------------- resizing and metrics

  /**
   * Changes the most jobs run at once. More workers start at once if jobs are waiting; when it
   * shrinks, the extra workers finish their job and return. The pool's room changes by the same
   * amount (the queue capacity stays).
   *
   * @param n the new limit, at least 1
   * @throws IllegalArgumentException if {@code n} is less than 1
   */
  public void setMaxWorkers(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("workerpool: maxWorkers must be at least 1: " + n);
    }
    resizing.lock();
    try {
      int old = maxWorkers;
      if (!isShutdown()) {
        if (n > old) {
          room.release(n - old);
        } else {
          room.shrink(old - n);
        }
      }
      maxWorkers = n;
    } finally {
      resizing.unlock();
    }
    while (queue.size() > 0 && workers.get() < n) {
      int before = workers.get();
      startWorkerIfNeeded();
      if (workers.get() == before) {
        break;
      }
    }
  }

  /**
   * The most jobs run at once.
   *
   * @return the limit
   */
  public int maxWorkers() {
    return maxWorkers;
  }

  /**
   * What the pool is doing and has done, read without stopping it: each number is exact, the set
   * of them only approximately one moment's. A job is counted once its worker is done with it,
   * which may be just after its future completed; after {@link #close()} every job is counted.
   *
   * @return a snapshot
   */
  public Stats stats() {
    long ended = completed.sum() + failed.sum() + cancelled.sum();
    return new Stats(
        maxWorkers,
        workers.get(),
        (int) (started.sum() - returned.sum()),
        queue.size(),
        completed.sum(),
        failed.sum(),
        cancelled.sum(),
        rejected.sum(),
        ended == 0 ? Duration.ZERO : Duration.ofNanos(queueWaitNanos.sum() / Math.max(1, ended)),
        Duration.ofNanos(maxQueueWaitNanos.get()));
  }

  /**
   * A snapshot of a pool.
   *
   * @param maxWorkers the limit on jobs run at once
   * @param workers the workers alive (running a job or looking for one)
   * @param running the jobs running now
   * @param queued the jobs waiting for a worker
   * @param completed the jobs that returned a result
   * @param failed the jobs that threw
   * @param cancelled the jobs cancelled while queued or running, including those returned
   *     unstarted by a shutdown
   * @param rejected the submits refused: the pool was full (a try or a context's end) or shut down
   * @param meanQueueWait the mean time a job waited for a worker
   * @param maxQueueWait the longest time a job waited for a worker
   */
  public record Stats(
      int maxWorkers,
      int workers,
      int running,
      int queued,
      long completed,
      long failed,
      long cancelled,
      long rejected,
      Duration meanQueueWait,
      Duration maxQueueWait) {}

  // ---------------------------------------------------------------- shutdown

  /**
   * Whether intake has stopped ({@link #close}, {@link #shutdown} or {@link #shutdownNow}).
   *
   * @return true once shut down
   */
  public boolean isShutdown() {
    return (pending.get() & CLOSED) != 0;
  }

  /**
   * Whether the pool is shut down and every accepted job has ended.
   *
   * @return true once terminated
   */
  public boolean isTerminated() {
    return terminated.tryReceive() != null;
  }

  /**
   * Stops intake, runs every queued job and returns when all have ended. Waits uninterruptibly,
   * as {@code ExecutorService.close} does: an interrupt is kept for after the wait.
   */
  @Override
  public void close() {
    stopIntake();
    Uninterruptibly.await(terminated::receive);
    root.cancel();
  }

  /**
   * Stops intake and runs the queued jobs until all have ended or {@code ctx} ends. When {@code
   * ctx} ends first, the jobs that never started are taken out of the queue, their futures
   * cancelled, and returned, so the caller can keep them (resubmit them elsewhere, store them);
   * running jobs go on.
   *
   * @param ctx the deadline of the shutdown
   * @return the jobs that never started; empty if all ran
   * @throws InterruptedException if interrupted while waiting; then the queue is as it was
   */
  public List<Job<?>> shutdown(Context ctx) throws InterruptedException {
    Objects.requireNonNull(ctx, "ctx");
    stopIntake();
    try {
      terminated.receive(ctx);
    } catch (CancellationException deadline) {
      return drainUnstarted();
    }
    root.cancel();
    return List.of();
  }

  /**
   * Stops intake, cancels the running jobs' contexts, and returns the jobs that never started
   * (their futures cancelled). Returns at once; {@link #close()} afterwards waits for the running
   * jobs to end.
   *
   * @return the jobs that never started
   */
  public List<Job<?>> shutdownNow() {
    stopIntake();
    List<Job<?>> unstarted = drainUnstarted();
    root.cancel();
    return unstarted;
  }

  private void stopIntake() {
    long p = pending.getAndUpdate(x -> x | CLOSED);
    if ((p & CLOSED) == 0) {
      resizing.lock();
      try {
        room.release(Integer.MAX_VALUE / 2); // wakes every waiting submit, which is refused
      } finally {
        resizing.unlock();
      }
      if (p == 0) {
        terminate();
      }
    }
  }

  /** After the last job: idle workers see the queue closed and return. */
  private void terminate() {
    queue.close();
    terminated.close();
  }

  private List<Job<?>> drainUnstarted() {
    List<Job<?>> unstarted = new ArrayList<>();
    for (Received<Job<?>> r; (r = queue.tryReceive()) != null && r.ok(); ) {
      Job<?> job = r.value();
      if (job.cancel(false)) {
        unstarted.add(job);
      }
      cancelled.increment();
      ended();
    }
    return unstarted;
  }

  @Override
  public String toString() {
    return "WorkerPool[" + name + ", workers=" + workers.get() + "/" + maxWorkers
        + ", queued=" + queue.size() + "/" + queueCapacity + "]";
  }

  // ---------------------------------------------------------------- jobs and the builder

  /**
   * A job's future: completes with the job's result or exception, or is cancelled. {@link
   * #cancel} of a queued job removes it (it never runs); of a running job it cancels the job's
   * context.
   *
   * @param <T> the result type
   */
  public static final class Job<T> extends CompletableFuture<T> {
    private final Task<T> task;
    /** Whether the job gets a context of its own (a {@link Task}); a callable ignores it. */
    private final boolean ownContext;
    /** A job given to {@code go}: no future to hold its failure, which is reported instead. */
    private final boolean reportFailure;
    private long enqueuedAt;
    /** The running job's own context; null while queued, or when it has none. */
    private volatile CancelContext context;

    Job(Task<T> task, boolean ownContext, boolean reportFailure) {
      this.task = Objects.requireNonNull(task, "task");
      this.ownContext = ownContext;
      this.reportFailure = reportFailure;
    }

    /**
     * The job, to submit again (for one returned unstarted by a shutdown).
     *
     * @return the task
     */
    public Task<T> task() {
      return task;
    }

    /** The context to run with; null if the job was cancelled while queued. */
    Context start(CancelContext root) {
      if (isDone()) {
        return null;
      }
      if (!ownContext) {
        return root;
      }
      CancelContext c = Context.withCancel(root);
      context = c;
      if (isCancelled()) { // cancelled between the check and the publication
        c.cancel();
      }
      return c;
    }

    /** The job has returned: its own context is released. */
    void finish() {
      CancelContext c = context;
      if (c != null) {
        c.cancel();
      }
    }

    /**
     * Cancels the job: one still queued never runs; one running has its context cancelled (a job
     * submitted as a {@code Callable} has none, and runs to its end).
     *
     * @param mayInterruptIfRunning ignored: a running job is stopped through its context
     * @return true if this call cancelled the future
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      CancelContext c = context;
      if (cancelled && c != null) {
        c.cancel();
      }
      return cancelled;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new CompletableFuture<>();
    }
  }

  /** The room for jobs: a semaphore whose permits resizing can take away. */
  private static final class Room extends Semaphore {
    private static final long serialVersionUID = 1L;

    Room(int permits) {
      super(permits);
    }

    void shrink(int n) {
      reducePermits(n);
    }
  }

  /** Builds a {@link WorkerPool}. */
  public static final class Builder {
    private int maxWorkers = 1;
    private int queueCapacity;
    private Context context = Context.background();
    private String name = "pool";
    private Duration keepAlive = DEFAULT_KEEP_ALIVE;

    Builder() {}

    /**
     * The most jobs run at once.
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder maxWorkers(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("workerpool: maxWorkers must be at least 1: " + n);
      }
      maxWorkers = n;
      return this;
    }

    /**
     * The most jobs waiting for a worker; 0 for a hand-off.
     *
     * @param n at least 0
     * @return this builder
     */
    public Builder queueCapacity(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("workerpool: queueCapacity must not be negative: " + n);
      }
      queueCapacity = n;
      return this;
    }

    /**
     * The pool's context: every job's context derives from it, so its end cancels them all.
     *
     * @param ctx the parent context
     * @return this builder
     */
    public Builder context(Context ctx) {
      context = Objects.requireNonNull(ctx, "ctx");
      return this;
    }

    /**
     * How long an idle worker waits for a job before it returns ({@link #DEFAULT_KEEP_ALIVE}
     * unless set): a steady stream of jobs then costs no goroutine start per job, and an idle
     * pool has no goroutine once it has passed.
     *
     * @param keepAlive positive
     * @return this builder
     */
    public Builder keepAlive(Duration keepAlive) {
      if (keepAlive.isNegative() || keepAlive.isZero()) {
        throw new IllegalArgumentException("workerpool: keepAlive must be positive: " + keepAlive);
      }
      this.keepAlive = keepAlive;
      return this;
    }

    /**
     * A name for {@code toString} and dumps.
     *
     * @param name the name
     * @return this builder
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Builds the pool; no goroutine starts until a job is submitted.
     *
     * @return the pool
     */
    public WorkerPool build() {
      return new WorkerPool(this);
    }
  }
}
