package dev.runnel.breaker;

import dev.runnel.context.Context;
import dev.runnel.resilience.Policy;
import dev.runnel.structured.Task;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * The degraded answer of a call that was refused or failed: a cached value, a default, a cheaper
 * source. Typed per call, so it is given with the call ({@link CircuitBreaker#call(Context, Task,
 * Fallback)}, or {@link #call} around a whole chain of policies) rather than built into a policy.
 *
 * {@snippet :
 * Price p = Fallback.call(ctx, Policy.chain(retry, breaker), c -> prices.get(c, sku),
 *     failure -> Price.lastKnown(sku));
 * }
 *
 * @param <T> the call's result type
 */
@FunctionalInterface
public interface Fallback<T> {

  /**
   * The answer to return instead of failing.
   *
   * @param failure the refusal ({@link CircuitOpenException} or another {@link
   *     dev.runnel.resilience.CallRejectedException}) or the call's failure
   * @return the fallback value
   * @throws Exception to fail after all (rethrowing {@code failure} is allowed)
   */
  T recover(Exception failure) throws Exception;

  /**
   * Runs {@code task} under {@code policy}, and returns {@code fallback.recover(e)} if that throws
   * any exception {@code e} other than the caller's own ending: an exception thrown once {@code
   * ctx} has ended, or an {@link InterruptedException}, is thrown as it is (nobody is waiting for
   * a degraded answer). Errors are never recovered.
   *
   * @param ctx the caller's context
   * @param policy the policies around the task (a chain)
   * @param task the call
   * @param fallback the degraded answer
   * @param <T> the result type
   * @return what the task or the fallback returned
   * @throws Exception what the fallback threw, or the caller's own ending
   */
  static <T> T call(Context ctx, Policy policy, Task<T> task, Fallback<T> fallback)
      throws Exception {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(fallback, "fallback");
    try {
      return policy.call(ctx, task);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      if (ctx.err() != null && e instanceof CancellationException) {
        throw e;
      }
      return fallback.recover(e);
    }
  }
}
