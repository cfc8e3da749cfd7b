package dev.runnel.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Go;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.context.ContextCanceledException;
import dev.runnel.structured.Task;
import dev.runnel.time.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hedged attempts: the first success wins, losers are cancelled and awaited, bounds hold. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HedgeTest {

  private final ManualClock clock = new ManualClock();
  private final AtomicInteger attempts = new AtomicInteger();
  private final Semaphore started = new Semaphore(0);

  private static <T> CompletableFuture<T> async(Hedge h, Context ctx, Task<T> task) {
    CompletableFuture<T> f = new CompletableFuture<>();
    Go.go(
        () -> {
          try {
            f.complete(h.call(ctx, task));
          } catch (Throwable t) {
            f.completeExceptionally(t);
          }
        });
    return f;
  }

  /** Waits on its context, then throws its error. */
  private static String untilCancelled(Context ctx) throws InterruptedException {
    ctx.done().receive();
    throw ctx.err();
  }

  @Test
  void aHedgeStartsAfterTheDelayAndTheFirstSuccessWinsWhileTheLoserIsCancelledAndAwaited()
      throws Exception {
    Hedge h = Hedge.builder().clock(clock).maxAttempts(3).delay(Duration.ofSeconds(1)).build();
    AtomicInteger loserSawCancel = new AtomicInteger();
    CountDownLatch firstRunning = new CountDownLatch(1);
    CompletableFuture<String> f =
        async(
            h,
            Context.background(),
            ctx -> {
              if (attempts.incrementAndGet() == 1) {
                firstRunning.countDown();
                try {
                  return untilCancelled(ctx);
                } catch (ContextCanceledException e) {
                  loserSawCancel.incrementAndGet();
                  throw e;
                }
              }
              return "hedge";
            });
    // The hedge's timer is armed when the first attempt is started, maybe before it runs.
    clock.awaitPendingTimers(1);
    firstRunning.await();
    assertThat(attempts).hasValue(1);
    assertThat(clock.advanceToNextTimer()).isEqualTo(Duration.ofSeconds(1));
    assertThat(f.join()).isEqualTo("hedge");
    assertThat(loserSawCancel).hasValue(1); // the call waited for the loser
    assertThat(attempts).hasValue(2);
    assertThat(h.hedgesInFlight()).isZero();
  }

  @Test
  void aFailureStartsTheNextAttemptAtOnceAndAllFailingThrowsTheFirst() {
    Hedge h = Hedge.builder().clock(clock).maxAttempts(3).delay(Duration.ofHours(1)).build();
    assertThatThrownBy(
            () ->
                h.call(
                    Context.background(),
                    ctx -> {
                      throw new IOException(String.valueOf(attempts.incrementAndGet()));
                    }))
        .isInstanceOf(IOException.class)
        .hasMessage("1")
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .extracting(Throwable::getMessage)
                    .containsExactly("2", "3"));
    assertThat(attempts).hasValue(3);
  }

  @Test
  void aFirstAttemptThatSucceedsBeforeTheDelayStartsNoHedge() throws Exception {
    Hedge h = Hedge.builder().clock(clock).delay(Duration.ofSeconds(1)).build();
    String r = h.call(Context.background(), ctx -> "fast" + attempts.incrementAndGet());
    assertThat(r).isEqualTo("fast1");
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void hedgesInFlightAreBoundedAcrossCallsWithoutDisturbingRunningAttempts() throws Exception {
    Hedge h =
        Hedge.builder()
            .clock(clock)
            .maxAttempts(2)
            .delay(Duration.ofSeconds(1))
            .maxHedgesInFlight(1)
            .build();
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> slow =
        async(
            h,
            Context.background(),
            ctx -> {
              started.release();
              release.await();
              return "slow";
            });
    clock.awaitPendingTimers(1);
    clock.advanceToNextTimer();
    started.acquire(2); // the first attempt and its hedge
    assertThat(h.hedgesInFlight()).isEqualTo(1);
    // Another call's failure would start a hedge at once; the bound refuses it.
    assertThatThrownBy(
            () ->
                h.call(
                    Context.background(),
                    ctx -> {
                      throw new IOException("fail" + attempts.incrementAndGet());
                    }))
        .hasMessage("fail1")
        .satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
    assertThat(attempts).hasValue(1);
    release.countDown();
    assertThat(slow.join()).isEqualTo("slow");
    assertThat(h.hedgesInFlight()).isZero();
    assertThatThrownBy(
            () ->
                h.call(
                    Context.background(),
                    ctx -> {
                      throw new IOException("fail" + attempts.incrementAndGet());
                    }))
        .hasMessage("fail2");
    assertThat(attempts).hasValue(3); // with the slot free, the failure was hedged
  }

  @Test
  void thePercentileOfRecentSuccessesBecomesTheDelayOnceThereAreEnough() throws Exception {
    Hedge h =
        Hedge.builder()
            .clock(clock)
            .maxAttempts(2)
            .percentileDelay(50, 10, 3, Duration.ofSeconds(10))
            .build();
    assertThat(h.currentDelay()).isEqualTo(Duration.ofSeconds(10));
    for (long ms : new long[] {300, 100, 200}) {
      String r =
          h.call(
              Context.background(),
              ctx -> {
                clock.advance(Duration.ofMillis(ms)); // the attempt takes ms on the clock
                return "ok";
              });
      assertThat(r).isEqualTo("ok");
    }
    assertThat(h.currentDelay()).isEqualTo(Duration.ofMillis(200));
    CompletableFuture<String> f =
        async(
            h,
            Context.background(),
            ctx -> attempts.incrementAndGet() == 1 ? untilCancelled(ctx) : "hedge");
    clock.awaitPendingTimers(1);
    assertThat(clock.advanceToNextTimer()).isEqualTo(Duration.ofMillis(200));
    assertThat(f.join()).isEqualTo("hedge");
  }

  @Test
  void theCallersCancellationEndsEveryAttemptAndStartsNoMore() {
    Hedge h = Hedge.builder().clock(clock).maxAttempts(3).delay(Duration.ofSeconds(1)).build();
    CancelContext ctx = Context.withCancel(Context.background());
    CompletableFuture<String> f =
        async(
            h,
            ctx,
            c -> {
              attempts.incrementAndGet();
              started.release();
              return untilCancelled(c);
            });
    started.acquireUninterruptibly();
    ctx.cancel();
    Throwable t = f.handle((v, e) -> e).join();
    assertThat(t).isInstanceOf(ContextCanceledException.class);
    assertThat(attempts).hasValue(1);
  }

  @Test
  void anInterruptCancelsAndAwaitsTheAttemptsThenThrowsInterrupted() throws Exception {
    Hedge h = Hedge.builder().clock(clock).maxAttempts(2).delay(Duration.ofHours(1)).build();
    AtomicInteger ended = new AtomicInteger();
    CompletableFuture<Thread> caller = new CompletableFuture<>();
    CompletableFuture<String> f = new CompletableFuture<>();
    Go.go(
        () -> {
          caller.complete(Thread.currentThread());
          try {
            f.complete(
                h.call(
                    Context.background(),
                    c -> {
                      started.release();
                      try {
                        return untilCancelled(c);
                      } finally {
                        ended.incrementAndGet();
                      }
                    }));
          } catch (Throwable t) {
            f.completeExceptionally(t);
          }
        });
    started.acquire();
    caller.join().interrupt();
    Throwable t = f.handle((v, e) -> e).join();
    assertThat(t).isInstanceOf(InterruptedException.class);
    assertThat(ended).hasValue(1); // the attempt ended before the call threw
  }

  @Test
  void aHedgeInsideARetryHedgesEachAttempt() throws Exception {
    Hedge h = Hedge.builder().clock(clock).maxAttempts(2).delay(Duration.ofHours(1)).build();
    Retry r = Retry.builder().clock(clock).backoff(Backoff.fixed(Duration.ZERO)).build();
    String result =
        dev.runnel.resilience.Policy.chain(r, h)
            .call(
                Context.background(),
                c -> {
                  if (attempts.incrementAndGet() <= 2) {
                    throw new IOException("attempt " + attempts.get());
                  }
                  return "third";
                });
    assertThat(result).isEqualTo("third"); // retry 1: primary and its hedge fail; retry 2 wins
    assertThat(attempts).hasValue(3);
  }

  @Test
  void badOptionsAreRefused() {
    assertThatThrownBy(() -> Hedge.builder().maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> Hedge.builder().percentileDelay(0, 10, 1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("percentile");
    assertThatThrownBy(() -> Hedge.builder().percentileDelay(95, 10, 11, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("minSamples");
    assertThatThrownBy(() -> Hedge.builder().maxHedgesInFlight(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxHedgesInFlight");
  }
}
