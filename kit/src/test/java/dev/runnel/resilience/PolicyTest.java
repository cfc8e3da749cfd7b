package dev.runnel.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Go;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.context.ContextCanceledException;
import dev.runnel.context.DeadlineExceededException;
import dev.runnel.rate.RateLimiter;
import dev.runnel.semaphore.WeightedSemaphore;
import dev.runnel.structured.Task;
import dev.runnel.time.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Composition order, the identity, timeout, bulkhead and rate limit policies. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PolicyTest {

  private final ManualClock clock = new ManualClock();
  private final List<String> log = new CopyOnWriteArrayList<>();

  /** A policy that logs when it enters and leaves, around the inner call. */
  private Policy logging(String name) {
    return new Policy() {
      @Override
      public <T> T call(Context ctx, Task<T> task) throws Exception {
        log.add(name + ">");
        try {
          return task.run(ctx);
        } finally {
          log.add("<" + name);
        }
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  private static <T> CompletableFuture<T> async(Policy p, Context ctx, Task<T> task) {
    CompletableFuture<T> f = new CompletableFuture<>();
    Go.go(
        () -> {
          try {
            f.complete(p.call(ctx, task));
          } catch (Throwable t) {
            f.completeExceptionally(t);
          }
        });
    return f;
  }

  private static Throwable failureOf(CompletableFuture<?> f) {
    return f.handle((v, e) -> e).join();
  }

  @Test
  void chainRunsTheFirstOutermostAndTheLastClosestToTheTask() throws Exception {
    Policy p = Policy.chain(logging("a"), logging("b"), logging("c"));
    String r =
        p.call(
            Context.background(),
            ctx -> {
              log.add("task");
              return "r";
            });
    assertThat(r).isEqualTo("r");
    assertThat(log).containsExactly("a>", "b>", "c>", "task", "<c", "<b", "<a");
    assertThat(p).hasToString("a > b > c");
    assertThat(logging("x").around(logging("y"))).hasToString("x > y");
  }

  @Test
  void noneAndAnEmptyChainJustCallWithTheCallersContext() throws Exception {
    Context ctx = Context.withValue(Context.background(), "k", "v");
    Integer a = Policy.none().call(ctx, c -> c == ctx ? 1 : 0);
    Integer b = Policy.chain().call(ctx, c -> c == ctx ? 1 : 0);
    assertThat(a).isEqualTo(1);
    assertThat(b).isEqualTo(1);
    Policy one = logging("only");
    assertThat(Policy.chain(one)).isSameAs(one);
    assertThatThrownBy(() -> logging("x").around(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aTimeoutEndsTheTasksContextOnTheContextsClock() throws Exception {
    Context ctx = Context.withClock(Context.background(), clock);
    Policy p = Policy.timeout(Duration.ofSeconds(2));
    CompletableFuture<String> f =
        async(
            p,
            ctx,
            c -> {
              c.done().receive();
              throw c.err();
            });
    clock.awaitPendingTimers(1);
    assertThat(f).isNotDone();
    clock.advance(Duration.ofSeconds(2));
    assertThat(failureOf(f)).isInstanceOf(DeadlineExceededException.class);
    assertThat(ctx.err()).isNull();
    String quick = p.call(ctx, c -> c.deadline().isPresent() ? "has deadline" : "none");
    assertThat(quick).isEqualTo("has deadline");
    assertThatThrownBy(() -> Policy.timeout(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aBulkheadLetsAtMostNInAndAWaitEndsWithTheContext() throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(2);
    Policy p = Policy.bulkhead(sem);
    CountDownLatch release = new CountDownLatch(1);
    Semaphore entered = new Semaphore(0);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    Task<String> task =
        c -> {
          most.accumulateAndGet(inside.incrementAndGet(), Math::max);
          entered.release();
          release.await();
          inside.decrementAndGet();
          return "done";
        };
    CompletableFuture<String> a = async(p, Context.background(), task);
    CompletableFuture<String> b = async(p, Context.background(), task);
    entered.acquire(2);
    assertThat(sem.inUse()).isEqualTo(2);
    CancelContext waiting = Context.withCancel(Context.background());
    CompletableFuture<String> c = async(p, waiting, task);
    assertThat(sem.tryAcquire(1)).isFalse();
    waiting.cancel();
    assertThat(failureOf(c)).isInstanceOf(ContextCanceledException.class);
    release.countDown();
    assertThat(a.join()).isEqualTo("done");
    assertThat(b.join()).isEqualTo("done");
    assertThat(most).hasValue(2);
    assertThat(sem.inUse()).isZero();
  }

  @Test
  void aBulkheadReleasesItsUnitWhenTheTaskFails() {
    WeightedSemaphore sem = new WeightedSemaphore(1);
    assertThatThrownBy(
            () ->
                Policy.bulkhead(sem)
                    .call(
                        Context.background(),
                        c -> {
                          throw new IllegalStateException("boom");
                        }))
        .hasMessage("boom");
    assertThat(sem.inUse()).isZero();
  }

  @Test
  void aRateLimitWaitsForATokenOnTheLimitersClock() throws Exception {
    RateLimiter limiter = new RateLimiter(1, 1, clock);
    Policy p = Policy.rateLimit(limiter);
    AtomicInteger ran = new AtomicInteger();
    Integer first = p.call(Context.background(), c -> ran.incrementAndGet());
    assertThat(first).isEqualTo(1);
    CompletableFuture<Integer> second = async(p, Context.background(), c -> ran.incrementAndGet());
    clock.awaitPendingTimers(1);
    assertThat(ran).hasValue(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(second.join()).isEqualTo(2);
    CancelContext done = Context.withCancel(Context.background());
    done.cancel();
    assertThatThrownBy(() -> p.call(done, c -> ran.incrementAndGet()))
        .isInstanceOf(ContextCanceledException.class);
    assertThat(ran).hasValue(2);
  }
}
