package dev.runnel.structured;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.kit.internal.Uninterruptibly;
import dev.runnel.sync.WaitGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Structured fan-out: a scope owns the goroutines it forks, gives each task a context that the
 * first failure cancels, and does not let any of them outlive it.
 *
 * <ul>
 *   <li>{@link #fork} starts a task in a goroutine of the scope and returns its {@link Fork};
 *       forks may fork in turn.
 *   <li>{@link #join()} waits for every fork. If one failed, the scope's context was cancelled at
 *       that moment (so the others stop) and {@code join} throws a {@link CompletionException}
 *       whose cause is the first failure, the later ones suppressed: failures are unchecked, as
 *       {@code CompletableFuture.join}'s are. A fork that ends with its context's error after the
 *       cancellation is cancelled, not failed. If the parent context ended instead, {@code join}
 *       throws its error.
 *   <li>{@link #close()} cancels the scope's context and waits for every fork, so a {@code try}
 *       block never leaves a goroutine behind, even when its body throws. If no {@code join}
 *       reported a failure, {@code close} throws it: a failure is never lost.
 * </ul>
 *
 * <p>The common shapes are one call: {@link #par} (all results, first failure cancels the rest)
 * and {@link #race} (the first success wins, the rest are cancelled). A timeout is a context:
 * {@code Scope.open(Context.withTimeout(ctx, d))}.
 *
 * <p>Memory consistency effects: actions before {@code fork} happen-before the task runs; a
 * fork's actions happen-before {@link #join()} and {@link #close()} return.
 *
 * <p>Go: {@code errgroup.WithContext} with typed results; {@link dev.runnel.errgroup.ErrGroup}
 * stays Go's own shape. Java: the shape of {@code StructuredTaskScope} (a preview until JDK 25)
 * with {@code ShutdownOnFailure}, on Java 21.
 *
 * {@snippet :
 * try (Scope scope = Scope.open(ctx)) {
 *   Fork<User> user = scope.fork(c -> users.find(c, id));
 *   Fork<List<Order>> orders = scope.fork(c -> orders.of(c, id));
 *   scope.join();                       // the first failure cancels the other and is thrown
 *   return new Page(user.get(), orders.get());
 * }
 * }
 */
public final class Scope implements AutoCloseable {

  private final CancelContext ctx;
  private final WaitGroup forks = new WaitGroup();
  /** Whether a fork ended with the scope context's error: its result is missing. */
  private volatile boolean anyCancelled;
  private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
  /** Whether a join or close has thrown the failures, so close does not throw them again. */
  private volatile boolean reported;

  private Scope(Context parent) {
    this.ctx = Context.withCancel(Objects.requireNonNull(parent, "parent"));
  }

  /**
   * Opens a scope whose context derives from {@code parent}: the parent's end cancels the forks.
   *
   * @param parent the enclosing context
   * @return the scope; close it (try-with-resources)
   */
  public static Scope open(Context parent) {
    return new Scope(parent);
  }

  /**
   * Opens a scope under the background context.
   *
   * @return the scope; close it (try-with-resources)
   */
  public static Scope open() {
    return new Scope(Context.background());
  }

  /**
   * The scope's context: what every fork gets; cancelled by the first failure and by {@link
   * #close()}.
   *
   * @return the context
   */
  public Context context() {
    return ctx;
  }

  /**
   * Starts {@code task} in a goroutine of this scope.
   *
   * @param <T> the result type
   * @param task the task, given the scope's context
   * @return its fork
   */
  public <T> Fork<T> fork(Task<? extends T> task) {
    Objects.requireNonNull(task, "task");
    Fork<T> fork = new Fork<>();
    forks.add(1);
    Go.go(
        () -> {
          try {
            fork.succeed(task.run(ctx));
          } catch (Throwable t) {
            fork.fail(t);
            if (t instanceof CancellationException && t == ctx.err()) {
              anyCancelled = true; // stopped by the cancellation: not a failure of its own
            } else {
              failures.add(t);
              ctx.cancel(t);
            }
          } finally {
            forks.done();
          }
        });
    return fork;
  }

  /**
   * Starts {@code task}, which ignores the context, in a goroutine of this scope.
   *
   * @param <T> the result type
   * @param task the task
   * @return its fork
   */
  public <T> Fork<T> fork(Callable<? extends T> task) {
    Objects.requireNonNull(task, "task");
    return fork(c -> task.call());
  }

  /**
   * Waits for every fork.
   *
   * @throws InterruptedException if interrupted while waiting; the forks go on
   * @throws CompletionException the first failure as its cause, the later ones suppressed
   * @throws CancellationException the parent context's error, if it ended and cancelled forks
   */
  public void join() throws InterruptedException {
    forks.await();
    throwFailures();
    if (anyCancelled) { // the parent context ended (a failure would have been thrown above)
      throw ctx.err();
    }
  }

  /**
   * Cancels the scope's context and waits, uninterruptibly, for every fork to end; then throws
   * the first failure if no {@link #join()} reported it.
   *
   * @throws CompletionException the first unreported failure as its cause
   */
  @Override
  public void close() {
    ctx.cancel();
    Uninterruptibly.await(forks::await);
    throwFailures();
  }

  private void throwFailures() {
    if (failures.isEmpty() || reported) {
      return;
    }
    reported = true;
    List<Throwable> all = new ArrayList<>(failures);
    CompletionException e = new CompletionException(all.get(0));
    for (Throwable later : all.subList(1, all.size())) {
      e.addSuppressed(later);
    }
    throw e;
  }

  // ---------------------------------------------------------------- the common shapes

  /**
   * Runs every task at once and returns their results in order; the first failure cancels the
   * others and is thrown.
   *
   * @param <T> the result type
   * @param ctx the enclosing context
   * @param tasks the tasks
   * @return the results, in the order of {@code tasks}
   * @throws InterruptedException if interrupted while waiting; the tasks are cancelled
   * @throws CompletionException the first failure as its cause
   * @throws CancellationException {@code ctx.err()} if it ended first
   */
  public static <T> List<T> par(Context ctx, List<? extends Task<? extends T>> tasks)
      throws InterruptedException {
    try (Scope scope = open(ctx)) {
      List<Fork<T>> forks = new ArrayList<>(tasks.size());
      for (Task<? extends T> t : tasks) {
        forks.add(scope.fork(t));
      }
      scope.join();
      List<T> results = new ArrayList<>(forks.size());
      for (Fork<T> f : forks) {
        results.add(f.get());
      }
      return results;
    }
  }

  /**
   * Runs every task at once and returns the first successful result; the others are then
   * cancelled, and have ended when this returns.
   *
   * @param <T> the result type
   * @param ctx the enclosing context
   * @param tasks the tasks, at least one
   * @return the first result
   * @throws InterruptedException if interrupted while waiting; the tasks are cancelled
   * @throws CompletionException if every task failed: the first failure as its cause, the others
   *     suppressed
   * @throws CancellationException {@code ctx.err()} if it ended before any task succeeded
   * @throws IllegalArgumentException if {@code tasks} is empty
   */
  public static <T> T race(Context ctx, List<? extends Task<? extends T>> tasks)
      throws InterruptedException {
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("structured: race of no tasks");
    }
    CancelContext rctx = Context.withCancel(ctx);
    Channel<Fork<T>> ended = Channel.make(tasks.size());
    for (Task<? extends T> task : tasks) {
      Objects.requireNonNull(task, "task");
      Fork<T> fork = new Fork<>();
      Go.go(
          () -> {
            try {
              fork.succeed(task.run(rctx));
            } catch (Throwable t) {
              fork.fail(t);
            }
            ended.send(fork); // buffered for every task: never blocks
          });
    }
    Fork<T> winner = null;
    List<Throwable> failures = new ArrayList<>();
    boolean interrupted = false;
    for (int left = tasks.size(); left > 0; left--) {
      Fork<T> f;
      try {
        f = ended.receive();
      } catch (InterruptedException e) { // stop the race, but still wait for every task
        interrupted = true;
        rctx.cancel();
        left++;
        continue;
      }
      if (winner == null && !interrupted) {
        try {
          f.get();
          winner = f;
          rctx.cancel();
        } catch (CompletionException | CancellationException e) {
          failures.add(e instanceof CompletionException ? e.getCause() : e);
        }
      }
    }
    rctx.cancel();
    if (interrupted) {
      throw new InterruptedException("structured: race interrupted");
    }
    if (winner != null) {
      return winner.get();
    }
    CancellationException err = ctx.err();
    if (err != null) {
      throw err;
    }
    CompletionException e = new CompletionException(failures.get(0));
    for (Throwable later : failures.subList(1, failures.size())) {
      e.addSuppressed(later);
    }
    throw e;
  }
}
