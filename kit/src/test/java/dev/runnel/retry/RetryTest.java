package dev.runnel.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Go;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.context.ContextCanceledException;
import dev.runnel.context.DeadlineExceededException;
import dev.runnel.resilience.CallRejectedException;
import dev.runnel.resilience.Policy;
import dev.runnel.structured.Task;
import dev.runnel.time.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Attempts, limits, predicates, waits that end with the context, the listener, rejections. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RetryTest {

  private final ManualClock clock = new ManualClock();
  private final List<RetryEvent> events = new CopyOnWriteArrayList<>();
  private final AtomicInteger attempts = new AtomicInteger();

  private Retry.Builder retry() {
    return Retry.builder().clock(clock).listener(events::add).backoff(Backoff.fixed(Duration.ZERO));
  }

  /** A task whose attempt n throws {@code new IOException("n")} for n up to {@code failures}. */
  private Task<String> failing(int failures) {
    return ctx -> {
      int n = attempts.incrementAndGet();
      if (n <= failures) {
        throw new IOException(String.valueOf(n));
      }
      return "ok" + n;
    };
  }

  /** Runs the call in a goroutine, so the test can drive the clock. */
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
    try {
      f.join();
      throw new AssertionError("the call succeeded");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  /** Lets {@code waits} backoff waits pass, each once the retry has started it. */
  private void passWaits(int waits) throws InterruptedException {
    for (int i = 0; i < waits; i++) {
      clock.awaitPendingTimers(1);
      clock.advanceToNextTimer();
    }
  }

  @Test
  void aFirstSuccessIsReturnedWithOneEvent() throws Exception {
    assertThat(retry().build().call(Context.background(), failing(0))).isEqualTo("ok1");
    assertThat(events).containsExactly(new RetryEvent(1, null, "ok1", null, Duration.ZERO));
  }

  @Test
  void failuresAreRetriedAfterEachWaitOnTheClock() throws Exception {
    Retry r = retry().backoff(Backoff.fixed(Duration.ofSeconds(1))).build();
    CompletableFuture<String> f = async(r, Context.background(), failing(2));
    passWaits(2);
    assertThat(f.join()).isEqualTo("ok3");
    assertThat(events).extracting(RetryEvent::attempt).containsExactly(1, 2, 3);
    assertThat(events)
        .extracting(RetryEvent::nextDelay)
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), null);
    assertThat(events.get(2).elapsed()).isEqualTo(Duration.ofSeconds(2));
    assertThat(events.get(0).failure()).hasMessage("1");
    assertThat(events.get(2).failure()).isNull();
  }

  @Test
  void attemptsRunOutAndTheLastFailureCarriesTheEarlierOnes() {
    Retry r = retry().maxAttempts(4).build();
    assertThatThrownBy(() -> r.call(Context.background(), failing(10)))
        .isInstanceOf(IOException.class)
        .hasMessage("4")
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .extracting(Throwable::getMessage)
                    .containsExactly("1", "2", "3"));
    assertThat(attempts).hasValue(4);
    assertThat(events.get(3).willRetry()).isFalse();
  }

  @Test
  void theSameExceptionThrownEveryTimeIsNotSuppressedIntoItself() {
    IOException same = new IOException("same");
    Retry r = retry().maxAttempts(3).build();
    assertThatThrownBy(
            () ->
                r.call(
                    Context.background(),
                    ctx -> {
                      attempts.incrementAndGet();
                      throw same;
                    }))
        .isSameAs(same);
    assertThat(same.getSuppressed()).isEmpty();
    assertThat(attempts).hasValue(3);
  }

  @Test
  void maxElapsedStopsBeforeAWaitThatWouldPassIt() throws Exception {
    Retry r =
        retry()
            .maxAttempts(100)
            .maxElapsed(Duration.ofMillis(2500))
            .backoff(Backoff.fixed(Duration.ofSeconds(1)))
            .build();
    CompletableFuture<String> f = async(r, Context.background(), failing(100));
    passWaits(2);
    assertThat(failureOf(f)).hasMessage("3");
    assertThat(attempts).hasValue(3);
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void maxDelayShortensEachWait() throws Exception {
    Retry r =
        retry()
            .maxAttempts(5)
            .maxDelay(Duration.ofSeconds(3))
            .backoff(Backoff.exponential(Duration.ofSeconds(1), 2, Duration.ofHours(1)))
            .build();
    CompletableFuture<String> f = async(r, Context.background(), failing(100));
    passWaits(4);
    assertThat(failureOf(f)).hasMessage("5");
    assertThat(events)
        .extracting(RetryEvent::nextDelay)
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(3),
            Duration.ofSeconds(3),
            null);
  }

  @Test
  void theUserPredicateRefusesFailuresAtOnce() {
    Retry r = retry().retryOn(e -> !(e instanceof IllegalArgumentException)).build();
    assertThatThrownBy(
            () ->
                r.call(
                    Context.background(),
                    ctx -> {
                      attempts.incrementAndGet();
                      throw new IllegalArgumentException("400 Bad Request");
                    }))
        .hasMessage("400 Bad Request");
    assertThat(attempts).hasValue(1);
  }

  @Test
  void aResultThePredicateRejectsIsRetriedAndReturnedWhenAttemptsRunOut() throws Exception {
    Retry r = retry().maxAttempts(5).retryOnResult("pending"::equals).build();
    String done =
        r.call(Context.background(), ctx -> attempts.incrementAndGet() < 3 ? "pending" : "done");
    assertThat(done).isEqualTo("done");
    assertThat(attempts).hasValue(3);
    attempts.set(0);
    Retry three = retry().maxAttempts(3).retryOnResult("pending"::equals).build();
    String pending =
        three.call(
            Context.background(),
            ctx -> {
              attempts.incrementAndGet();
              return "pending";
            });
    assertThat(pending).isEqualTo("pending");
    assertThat(attempts).hasValue(3);
  }

  @Test
  void interruptionIsNeverRetried() {
    Retry r = retry().build();
    assertThatThrownBy(
            () ->
                r.call(
                    Context.background(),
                    ctx -> {
                      attempts.incrementAndGet();
                      throw new InterruptedException("stop");
                    }))
        .isInstanceOf(InterruptedException.class);
    assertThat(attempts).hasValue(1);
  }

  @Test
  void theCallersOwnCancellationIsNotRetriedAndNotDecorated() {
    CancelContext ctx = Context.withCancel(Context.background());
    ctx.cancel();
    Retry r = retry().build();
    assertThatThrownBy(
            () ->
                r.call(
                    ctx,
                    c -> {
                      attempts.incrementAndGet();
                      throw c.err();
                    }))
        .isSameAs(ctx.err());
    assertThat(attempts).hasValue(1);
    assertThat(ctx.err().getSuppressed()).isEmpty();
  }

  @Test
  void anInnerDeadlineIsRetriedWhileTheCallerLives() throws Exception {
    Retry r = retry().build();
    String ok =
        r.call(
            Context.background(),
            ctx -> {
              if (attempts.incrementAndGet() < 3) {
                throw new DeadlineExceededException();
              }
              return "ok";
            });
    assertThat(ok).isEqualTo("ok");
    assertThat(attempts).hasValue(3);
  }

  @Test
  void aPerAttemptTimeoutInsideTheRetryIsRetried() throws Exception {
    Context ctx = Context.withClock(Context.background(), clock);
    Policy p = Policy.chain(retry().build(), Policy.timeout(Duration.ofSeconds(1)));
    CompletableFuture<String> f =
        async(
            p,
            ctx,
            c -> {
              if (attempts.incrementAndGet() == 1) {
                c.done().receive();
                throw c.err();
              }
              return "second";
            });
    clock.awaitPendingTimers(1); // the first attempt's deadline
    clock.advance(Duration.ofSeconds(1));
    assertThat(f.join()).isEqualTo("second");
    assertThat(events.get(0).failure()).isInstanceOf(DeadlineExceededException.class);
  }

  @Test
  void theContextEndingDuringAWaitEndsItAtOnceWithTheLastFailure() throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    Retry r = retry().maxAttempts(10).backoff(Backoff.fixed(Duration.ofHours(1))).build();
    CompletableFuture<String> f = async(r, ctx, failing(100));
    passWaits(1);
    clock.awaitPendingTimers(1); // the second wait has started
    ctx.cancel();
    Throwable t = failureOf(f);
    assertThat(t).isInstanceOf(IOException.class).hasMessage("2");
    assertThat(t.getSuppressed()).hasSize(2);
    assertThat(t.getSuppressed()[0]).hasMessage("1");
    assertThat(t.getSuppressed()[1])
        .isSameAs(ctx.err())
        .isInstanceOf(ContextCanceledException.class);
    assertThat(attempts).hasValue(2);
  }

  @Test
  void anInterruptDuringAWaitThrowsInterruptedWithTheFailures() throws Exception {
    Retry r = retry().backoff(Backoff.fixed(Duration.ofHours(1))).build();
    AtomicReference<Thread> caller = new AtomicReference<>();
    CompletableFuture<String> f =
        async(
            r,
            Context.background(),
            ctx -> {
              caller.set(Thread.currentThread());
              attempts.incrementAndGet();
              throw new IOException("down");
            });
    clock.awaitPendingTimers(1);
    caller.get().interrupt();
    Throwable t = failureOf(f);
    assertThat(t).isInstanceOf(InterruptedException.class);
    assertThat(t.getSuppressed()).singleElement().satisfies(s -> assertThat(s).hasMessage("down"));
    assertThat(attempts).hasValue(1);
  }

  @Test
  void aRejectionIsRetriedOnlyAfterItsRetryAfter() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    Policy breaker =
        new Policy() {
          @Override
          public <T> T call(Context ctx, Task<T> task) throws Exception {
            if (asked.incrementAndGet() == 1) {
              throw new CallRejectedException("open", Duration.ofSeconds(5));
            }
            return task.run(ctx);
          }
        };
    Retry r = retry().backoff(Backoff.fixed(Duration.ofSeconds(1))).build();
    CompletableFuture<String> f = async(Policy.chain(r, breaker), Context.background(), failing(0));
    clock.awaitPendingTimers(1);
    assertThat(clock.advanceToNextTimer()).isEqualTo(Duration.ofSeconds(5));
    assertThat(f.join()).isEqualTo("ok1");
    assertThat(asked).hasValue(2);
    assertThat(events.get(0).failure()).isInstanceOf(CallRejectedException.class);
    assertThat(events.get(0).nextDelay()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aRejectionWithNothingToWaitForOrTooLongAWaitFailsAtOnce() {
    AtomicInteger asked = new AtomicInteger();
    Duration[] retryAfter = {Duration.ZERO};
    Policy rejecting =
        new Policy() {
          @Override
          public <T> T call(Context ctx, Task<T> task) {
            asked.incrementAndGet();
            throw new CallRejectedException("open", retryAfter[0]);
          }
        };
    Policy p = Policy.chain(retry().maxAttempts(1000).build(), rejecting);
    assertThatThrownBy(() -> p.call(Context.background(), failing(0)))
        .isInstanceOf(CallRejectedException.class);
    assertThat(asked).hasValue(1);
    retryAfter[0] = Duration.ofMinutes(1);
    Policy capped =
        Policy.chain(retry().maxAttempts(1000).maxDelay(Duration.ofSeconds(10)).build(), rejecting);
    assertThatThrownBy(() -> capped.call(Context.background(), failing(0)))
        .isInstanceOf(CallRejectedException.class);
    assertThat(asked).hasValue(2);
    assertThat(attempts).hasValue(0);
  }

  @Test
  void aBudgetThatIsSpentEndsTheCallWithARejectionSuppressed() {
    RetryBudget budget = new RetryBudget(0, 0.1, Duration.ofSeconds(10), clock); // one retry
    Retry r = retry().maxAttempts(5).budget(budget).build();
    assertThatThrownBy(() -> r.call(Context.background(), failing(100)))
        .hasMessage("2")
        .satisfies(
            e -> {
              assertThat(e.getSuppressed()).hasSize(2);
              assertThat(e.getSuppressed()[1]).isInstanceOf(CallRejectedException.class);
            });
    assertThat(attempts).hasValue(2);
  }

  @Test
  void badOptionsAreRefused() {
    assertThatThrownBy(() -> Retry.builder().maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> Retry.builder().maxElapsed(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxElapsed");
    assertThatThrownBy(() -> Retry.builder().retryOn(null))
        .isInstanceOf(NullPointerException.class);
    Retry r = Retry.builder().build();
    assertThatThrownBy(() -> r.call(null, ctx -> 1)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> r.call(Context.background(), null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void withoutAClockOfItsOwnARetryWaitsOnTheCallersContextsClock() throws Exception {
    Retry r = Retry.builder().backoff(Backoff.fixed(Duration.ofSeconds(5))).build();
    CompletableFuture<String> call =
        async(r, Context.withClock(Context.background(), clock), failing(1));
    clock.awaitPendingTimers(1);
    clock.advance(Duration.ofSeconds(4));
    assertThat(call).isNotDone();
    clock.advance(Duration.ofSeconds(1));
    assertThat(call.join()).isEqualTo("ok2");
  }
}
