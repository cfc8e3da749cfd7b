package dev.runnel.structured;

import dev.runnel.context.Context;

/**
 * A function that gets a context: Go's {@code func(ctx context.Context) (T, error)}. What runs it
 * (a {@link Scope}'s fork, a worker pool's job) gives it a context that ends when the work is no
 * longer wanted: the fork or job is cancelled, a sibling fork failed, the pool was stopped hard, or
 * an enclosing context ended. A task that blocks with it ({@code ch.receive(ctx)}, {@code
 * Time.sleep(ctx, d)}) stops then; one that lets {@code ctx.err()} escape is cancelled, not failed.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface Task<T> {

  /**
   * Runs the task.
   *
   * @param ctx the task's context
   * @return the result
   * @throws Exception anything: the task failed
   */
  T run(Context ctx) throws Exception;
}
