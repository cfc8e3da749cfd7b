package dev.runnel.breaker;

import dev.runnel.context.Context;
import dev.runnel.resilience.CallRejectedException;
import dev.runnel.resilience.Policy;
import dev.runnel.structured.Task;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A retry as the contract asks of one: up to {@code max} attempts, no waiting, and a {@link
 * CallRejectedException} ends it at once (trying again cannot help).
 */
final class StubRetry implements Policy {

  private final int max;
  private final AtomicInteger attempts;

  private StubRetry(int max, AtomicInteger attempts) {
    this.max = max;
    this.attempts = attempts;
  }

  static Policy attempts(int max, AtomicInteger attempts) {
    return new StubRetry(max, attempts);
  }

  @Override
  public <T> T call(Context ctx, Task<T> task) throws Exception {
    for (int i = 1; ; i++) {
      attempts.incrementAndGet();
      try {
        return task.run(ctx);
      } catch (CallRejectedException e) {
        throw e;
      } catch (Exception e) {
        if (i == max) {
          throw e;
        }
      }
    }
  }
}
