package dev.runnel.workerpool;

import dev.runnel.Go;
import dev.runnel.GoFunc;
import dev.runnel.context.Context;
import dev.runnel.semaphore.WeightedSemaphore;
import dev.runnel.sync.WaitGroup;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * The lightest way to limit goroutines: {@link #go} starts a goroutine once fewer than {@code
 * limit} of this object's goroutines run, waiting until then; {@link #await()} waits for all of
 * them. For a stream of tasks, one goroutine per task with at most {@code limit} at once.
 *
 * <p>An exception escaping a task is a panic, reported as any goroutine's is ({@code
 * Go.setPanicHandler}); {@link dev.runnel.errgroup.ErrGroup} with {@code setLimit} is the form that
 * collects the first error instead. As with a {@code WaitGroup}, a {@code go} that may find no
 * goroutine running must happen before the {@code await} that should wait for it.
 *
 * <p>Memory consistency effects: actions before {@code go(f)} happen-before {@code f} runs; the
 * end of every {@code f} happens-before {@link #await()} returns.
 *
 * <p>Go: a buffered channel used as a semaphore with a {@code sync.WaitGroup}, or {@code
 * errgroup.SetLimit}.
 *
 * {@snippet :
 * BoundedGo bounded = new BoundedGo(16);
 * for (Path file : files) {
 *   bounded.go(() -> upload(file));   // at most 16 uploads at once
 * }
 * bounded.await();
 * }
 */
public final class BoundedGo {

  private final int limit;
  private final WeightedSemaphore slots;
  private final WaitGroup running = new WaitGroup();

  /**
   * Limits to {@code limit} goroutines at once.
   *
   * @param limit at least 1
   * @throws IllegalArgumentException if {@code limit} is less than 1
   */
  public BoundedGo(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("workerpool: BoundedGo limit must be at least 1: " + limit);
    }
    this.limit = limit;
    this.slots = new WeightedSemaphore(limit);
  }

  /**
   * Starts {@code f} in a goroutine, waiting while {@code limit} of them run.
   *
   * @param f the task
   * @throws InterruptedException if interrupted while waiting; then {@code f} was not started
   */
  public void go(GoFunc f) throws InterruptedException {
    Objects.requireNonNull(f, "f");
    slots.acquire(1);
    start(f);
  }

  /**
   * Starts {@code f} in a goroutine, waiting while {@code limit} of them run, or until {@code ctx}
   * ends.
   *
   * @param ctx the context whose end stops the wait
   * @param f the task
   * @throws InterruptedException if interrupted while waiting; then {@code f} was not started
   * @throws CancellationException {@code ctx.err()} if it ended first; then {@code f} was not
   *     started
   */
  public void go(Context ctx, GoFunc f) throws InterruptedException {
    Objects.requireNonNull(f, "f");
    slots.acquire(ctx, 1);
    start(f);
  }

  /**
   * Starts {@code f} in a goroutine if fewer than {@code limit} run now.
   *
   * @param f the task
   * @return whether it was started
   */
  public boolean tryGo(GoFunc f) {
    Objects.requireNonNull(f, "f");
    if (!slots.tryAcquire(1)) {
      return false;
    }
    start(f);
    return true;
  }

  private void start(GoFunc f) {
    running.add(1);
    try {
      Go.go(
          () -> {
            try {
              f.run();
            } finally {
              slots.release(1);
              running.done();
            }
          });
    } catch (RuntimeException | Error e) { // the goroutine could not start
      slots.release(1);
      running.done();
      throw e;
    }
  }

  /**
   * Waits until every goroutine started by {@code go} has returned.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public void await() throws InterruptedException {
    running.await();
  }

  /**
   * The most goroutines at once.
   *
   * @return the limit
   */
  public int limit() {
    return limit;
  }

  /**
   * How many of its goroutines run now.
   *
   * @return the number running
   */
  public int running() {
    return (int) slots.inUse();
  }

  @Override
  public String toString() {
    return "BoundedGo[" + running() + "/" + limit + "]";
  }
}
