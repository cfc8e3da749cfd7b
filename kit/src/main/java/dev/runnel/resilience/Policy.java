package dev.runnel.resilience;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.rate.RateLimiter;
import dev.runnel.semaphore.WeightedSemaphore;
import dev.runnel.structured.Task;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Something that stands around a call: a retry, a circuit breaker, a bulkhead, a rate limit, a
 * timeout. Policies compose in the order the user writes them, outermost first, with no wrapper
 * type per combination:
 *
 * <pre>{@code
 * Policy guarded = Policy.chain(retry, breaker, Policy.bulkhead(sem), Policy.timeout(ofSeconds(2)));
 * Response r = guarded.call(ctx, c -> client.get(c, url));
 * }</pre>
 *
 * Here every attempt of the retry asks the breaker; an open breaker fails at once, and the retry
 * sees that failure as its predicate classifies it. Each attempt then holds one unit of the
 * bulkhead and runs under its own two-second deadline.
 *
 * <p>A policy passes the task a context derived from the one it was given: the task stops when the
 * caller's context ends, and a policy may end it sooner (a timeout, a hedge that lost).
 */
public interface Policy {

  /**
   * Runs {@code task} under this policy.
   *
   * @param ctx the caller's context; the task gets it or a context derived from it
   * @param task the call to guard
   * @param <T> the result type
   * @return what the task returned
   * @throws Exception what the task threw, or the policy's own refusal (an open breaker, a timeout)
   * @throws InterruptedException if the calling thread is interrupted while the policy waits
   */
  <T> T call(Context ctx, Task<T> task) throws Exception;

  /**
   * This policy around {@code inner}: {@code outer.around(inner).call(ctx, t)} is {@code
   * outer.call(ctx, c -> inner.call(c, t))}.
   *
   * @param inner the policy closer to the task
   * @return the composition
   */
  default Policy around(Policy inner) {
    Objects.requireNonNull(inner, "inner");
    Policy outer = this;
    return new Policy() {
      @Override
      public <T> T call(Context ctx, Task<T> task) throws Exception {
        return outer.call(ctx, c -> inner.call(c, task));
      }

      @Override
      public String toString() {
        return outer + " > " + inner;
      }
    };
  }

  /**
   * The policies in order, the first outermost and the last closest to the task; with none, the
   * policy that just calls.
   *
   * @param outermostFirst the policies
   * @return their composition
   */
  static Policy chain(Policy... outermostFirst) {
    List<Policy> policies = List.of(outermostFirst);
    Policy composed = none();
    for (int i = policies.size() - 1; i >= 0; i--) {
      composed = i == policies.size() - 1 ? policies.get(i) : policies.get(i).around(composed);
    }
    return composed;
  }

  /**
   * The policy that calls the task with the caller's context.
   *
   * @return the identity policy
   */
  static Policy none() {
    return new Policy() {
      @Override
      public <T> T call(Context ctx, Task<T> task) throws Exception {
        return task.run(ctx);
      }

      @Override
      public String toString() {
        return "none";
      }
    };
  }

  /**
   * Runs each call under a context with this timeout ({@code context.WithTimeout}). As in Go, the
   * deadline is a signal: a task that watches its context stops and the call throws {@code
   * DeadlineExceededException}; a task that ignores it runs to its end.
   *
   * @param timeout the time each call may take
   * @return the policy
   */
  static Policy timeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return new Policy() {
      @Override
      public <T> T call(Context ctx, Task<T> task) throws Exception {
        try (CancelContext c = Context.withTimeout(ctx, timeout)) {
          return task.run(c);
        }
      }

      @Override
      public String toString() {
        return "timeout(" + timeout + ")";
      }
    };
  }

  /**
   * A bulkhead: each call holds one unit of {@code sem} while it runs, and waits for one while
   * the caller's context lives ({@code sem.Acquire(ctx, 1)}).
   *
   * @param sem the semaphore that bounds concurrent calls
   * @return the policy
   */
  static Policy bulkhead(WeightedSemaphore sem) {
    Objects.requireNonNull(sem, "sem");
    return new Policy() {
      @Override
      public <T> T call(Context ctx, Task<T> task) throws Exception {
        sem.acquire(ctx, 1);
        try {
          return task.run(ctx);
        } finally {
          sem.release(1);
        }
      }

      @Override
      public String toString() {
        return "bulkhead(" + sem + ")";
      }
    };
  }

  /**
   * Each call first waits for a token of {@code limiter} ({@code limiter.Wait(ctx)}); a wait the
   * context cannot afford fails at once, as Go's does.
   *
   * @param limiter the rate limiter
   * @return the policy
   */
  static Policy rateLimit(RateLimiter limiter) {
    Objects.requireNonNull(limiter, "limiter");
    return new Policy() {
      @Override
      public <T> T call(Context ctx, Task<T> task) throws Exception {
        limiter.await(ctx);
        return task.run(ctx);
      }

      @Override
      public String toString() {
        return "rateLimit(" + limiter + ")";
      }
    };
  }
}
