package dev.runnel.schedule;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.ReceiveChannel;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.kit.internal.Uninterruptibly;
import dev.runnel.time.Clock;
import java.time.Instant;
import java.util.concurrent.CancellationException;

/**
 * A running schedule: the handle {@link Scheduler} returns, to stop it, wait for it to end and
 * read its counts.
 *
 * <p>A schedule is one goroutine that waits on the scheduler's clock for each run and runs the
 * task in itself, so runs of one schedule never overlap. It ends when its context is cancelled
 * (by {@link #cancel()}, or by the context it was made with), when its plan has no more runs (a
 * one-shot schedule after its run), or when a run throws an {@link Error}.
 *
 * <table>
 *   <caption>Operations</caption>
 *   <tr><th>what</th><th>blocks</th><th>never blocks</th></tr>
 *   <tr><td>stop</td><td>{@link #close()} (stop, then wait)</td><td>{@link #cancel()}</td></tr>
 *   <tr><td>wait for the end</td><td>{@link #await()}</td><td>{@link #done()} (for a {@code
 *       Select}), {@link #isDone()}</td></tr>
 * </table>
 *
 * <p>Cancelling stops the schedule at once: no run starts after the cancellation is seen, and a
 * run in progress is interrupted (as {@link Context#interruptOnCancel} does), so a task blocked
 * in an interruptible call returns; a task that ignores interrupts finishes its run, and {@link
 * #await()} waits for it. A run that ends with an exception because of that cancellation is not
 * a failure.
 *
 * <p>Failures: an {@link Exception} thrown by a run is reported as a goroutine's panic is ({@link
 * Go#reportPanic}, routed by {@link Go#setPanicHandler}), counted in {@link #failures()}, and the
 * schedule goes on; an {@link Error} is reported, counted, and ends the schedule. A task that
 * should stop its schedule on failure cancels its context.
 *
 * <p>Memory consistency effects: actions before the {@code Scheduler} call that made the schedule
 * happen-before its first run; actions in a run happen-before the next run, and happen-before
 * {@link #await()} returns, {@link #done()} closes and {@link #isDone()} returns true for the
 * end that follows them.
 *
 * <p>Go: no equivalent type; Go code writes the goroutine, ticker and {@code select} on {@code
 * ctx.Done()} by hand. {@code cancel} is the context's {@code cancel}; {@code await} is waiting
 * on a {@code done} channel the goroutine closes.
 *
 * {@snippet :
 * try (Schedule s = scheduler.atFixedRate(ctx, Duration.ZERO, Duration.ofMinutes(1), this::poll)) {
 *   // ... the schedule runs until this block ends
 * }
 * }
 */
public final class Schedule implements AutoCloseable {

  /** A run; gets the instant it was scheduled for. */
  @FunctionalInterface
  interface Run {
    void run(Instant scheduled) throws Exception;
  }

  private final CancelContext ctx;
  private final Clock clock;
  private final Plan plan;
  private final Run task;
  private final Runnable onEnd;
  // Closed by the schedule's goroutine as its last action.
  private final Channel<Object> done = Channel.make();
  // Written only by the schedule's goroutine.
  private volatile long runs;
  private volatile long failures;
  private volatile Instant nextRun;

  Schedule(Context parent, Clock clock, Plan plan, Run task, Runnable onEnd) {
    this.ctx = Context.withCancel(parent);
    this.clock = clock;
    this.plan = plan;
    this.task = task;
    this.onEnd = onEnd;
  }

  /** Starts the schedule's goroutine; called once, by the scheduler. */
  Schedule start() {
    Go.go(this::loop);
    return this;
  }

  private void loop() {
    try {
      Instant next = plan.first(clock.now());
      while (next != null && ctx.err() == null) {
        nextRun = next;
        clock.sleep(ctx, clock.until(next));
        if (ctx.err() != null) {
          break;
        }
        nextRun = null;
        if (!runOnce(next)) {
          break;
        }
        next = plan.next(next, clock.now());
      }
    } catch (CancellationException | InterruptedException e) {
      // the context ended the wait; an interrupt of the schedule's own goroutine ends it too
    } finally {
      nextRun = null;
      ctx.cancel();
      try {
        onEnd.run();
      } finally {
        done.close();
      }
    }
  }

  /** Runs the task once; returns whether the schedule goes on. */
  private boolean runOnce(Instant scheduled) {
    try {
      Context.interruptOnCancel(
          ctx,
          () -> {
            task.run(scheduled);
            return null;
          });
      runs = runs + 1;
      return true;
    } catch (Exception e) {
      runs = runs + 1;
      if (ctx.err() != null) {
        return false; // ended by the cancellation, not a failure
      }
      failures = failures + 1;
      Go.reportPanic(e);
      return true;
    } catch (Error e) {
      runs = runs + 1;
      failures = failures + 1;
      Go.reportPanic(e);
      return false;
    }
  }

  /**
   * Stops the schedule: no run starts after this, and a run in progress is interrupted. Returns
   * at once; {@link #await()} waits for the end. Idempotent.
   */
  public void cancel() {
    ctx.cancel();
  }

  /**
   * Waits until the schedule's goroutine has ended: after a cancellation, once the run in
   * progress (if any) has returned; for a one-shot schedule, after its run.
   *
   * @throws InterruptedException if interrupted while waiting; the schedule is unaffected
   */
  public void await() throws InterruptedException {
    done.receive();
  }

  /**
   * A channel that is closed when the schedule's goroutine has ended; use it in a {@code Select}.
   *
   * @return the done channel, the same one on every call
   */
  public ReceiveChannel<?> done() {
    return done;
  }

  /**
   * Whether the schedule's goroutine has ended.
   *
   * @return true once it has
   */
  public boolean isDone() {
    return done.tryReceive() != null;
  }

  /**
   * The schedule's context: cancelled when the schedule is cancelled or ends. A task may check it
   * or pass it to the blocking calls it makes.
   *
   * @return the context
   */
  public Context context() {
    return ctx;
  }

  /**
   * The number of runs that have finished, failed ones included.
   *
   * @return the run count
   */
  public long runs() {
    return runs;
  }

  /**
   * The number of runs that threw (other than because the schedule was cancelled).
   *
   * @return the failure count
   */
  public long failures() {
    return failures;
  }

  /**
   * The number of runs skipped because an earlier run overran them (fixed-rate and cron
   * schedules; never queued and run late).
   *
   * @return the skip count
   */
  public long skipped() {
    return plan.skipped;
  }

  /**
   * When the schedule will next run, while it waits for that run.
   *
   * @return the next run's instant, or null while a run is in progress or once the schedule has
   *     ended
   */
  public Instant nextRun() {
    return nextRun;
  }

  /**
   * Cancels the schedule and waits for its goroutine to end, uninterruptibly: an interrupt while
   * waiting is kept and the thread's interrupt flag is set again on return.
   */
  @Override
  public void close() {
    cancel();
    Uninterruptibly.await(this::await);
  }

  @Override
  public String toString() {
    return "Schedule[runs=" + runs + ", failures=" + failures + ", skipped=" + plan.skipped
        + (isDone() ? ", done]" : ", next=" + nextRun + "]");
  }
}
