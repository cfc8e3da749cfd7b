package dev.runnel.context;

import static dev.runnel.context.ContextProbe.childCount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.time.ManualClock;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Go's {@code context.AfterFunc}: a function started in its own goroutine once ctx is done. */
@Timeout(10)
class AfterFuncTest {

  /**
   * Waits until every goroutine a cancellation started has had the chance to start: afterFuncs
   * start while the cancel runs, so one registered after it proves the earlier ones were decided.
   */
  private static void awaitSentinel(Context done) throws Exception {
    CompletableFuture<Void> sentinel = new CompletableFuture<>();
    Context.afterFunc(done, () -> sentinel.complete(null));
    sentinel.get(5, TimeUnit.SECONDS);
  }

  @Test
  void runsInItsOwnGoroutineAfterCancel() throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();
    CompletableFuture<CancellationException> errSeen = new CompletableFuture<>();
    AfterFunc stop =
        Context.afterFunc(
            ctx,
            () -> {
              errSeen.complete(ctx.err());
              ranOn.complete(Thread.currentThread());
            });
    assertThat(ranOn).as("not before cancel").isNotDone();

    ctx.cancel();

    Thread t = ranOn.get(5, TimeUnit.SECONDS);
    assertThat(t).isNotSameAs(Thread.currentThread());
    assertThat(t.isVirtual()).as("a goroutine").isTrue();
    assertThat(errSeen.get()).as("ctx is done when f runs").isSameAs(ctx.err());
    assertThat(stop.stop()).as("already started").isFalse();
  }

  @Test
  void aSlowFunctionDoesNotDelayTheCancel() throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(1);
    Context.afterFunc(
        ctx,
        () -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          finished.countDown();
        });
    ctx.cancel(); // returns although f is blocked
    assertThat(ctx.err()).isNotNull();
    release.countDown();
    assertThat(finished.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void runsAtOnceOnAnAlreadyDoneContext() throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    ctx.cancel();
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();
    AfterFunc stop = Context.afterFunc(ctx, () -> ranOn.complete(Thread.currentThread()));
    assertThat(stop.stop()).as("started on registration").isFalse();
    assertThat(ranOn.get(5, TimeUnit.SECONDS)).isNotSameAs(Thread.currentThread());
  }

  @Test
  void stopBeforeCancelPreventsTheCall() throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    AtomicInteger runs = new AtomicInteger();
    AfterFunc stop = Context.afterFunc(ctx, runs::incrementAndGet);
    assertThat(stop.stop()).isTrue();
    assertThat(childCount(ctx)).as("stop leaves the context").isZero();

    ctx.cancel();
    awaitSentinel(ctx);

    assertThat(runs.get()).isZero();
    assertThat(stop.stop()).as("stopped already").isFalse();
  }

  @Test
  void stopTwiceReturnsFalseTheSecondTime() {
    CancelContext ctx = Context.withCancel(Context.background());
    AfterFunc stop = Context.afterFunc(ctx, () -> {});
    assertThat(stop.stop()).isTrue();
    assertThat(stop.stop()).isFalse();
  }

  @Test
  void stopAfterItRanReturnsFalse() throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    CountDownLatch ran = new CountDownLatch(1);
    AfterFunc stop = Context.afterFunc(ctx, ran::countDown);
    ctx.cancel();
    assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(stop.stop()).isFalse();
    assertThat(stop.stop()).isFalse();
  }

  @Test
  void multipleAfterFuncsAreIndependent() throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    AtomicInteger a = new AtomicInteger();
    AtomicInteger b = new AtomicInteger();
    AtomicInteger c = new AtomicInteger();
    CountDownLatch twoRan = new CountDownLatch(2);
    Context.afterFunc(
        ctx,
        () -> {
          a.incrementAndGet();
          twoRan.countDown();
        });
    AfterFunc stopB = Context.afterFunc(ctx, b::incrementAndGet);
    AfterFunc stopC =
        Context.afterFunc(
            ctx,
            () -> {
              c.incrementAndGet();
              twoRan.countDown();
            });
    assertThat(stopB.stop()).isTrue();

    ctx.cancel();
    ctx.cancel(); // a second cancel starts nothing again

    assertThat(twoRan.await(5, TimeUnit.SECONDS)).isTrue();
    awaitSentinel(ctx);
    assertThat(a.get()).isEqualTo(1);
    assertThat(b.get()).isZero();
    assertThat(c.get()).isEqualTo(1);
    assertThat(stopC.stop()).isFalse();
  }

  @Test
  void sameFunctionRegisteredTwiceRunsTwice() throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    CountDownLatch twice = new CountDownLatch(2);
    Runnable f = twice::countDown;
    Context.afterFunc(ctx, f);
    Context.afterFunc(ctx, f);
    ctx.cancel();
    assertThat(twice.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void stopOnANeverCancelledContextReturnsTrue() {
    assertThat(Context.afterFunc(Context.background(), () -> {}).stop()).isTrue();
    assertThat(Context.afterFunc(Context.todo(), () -> {}).stop()).isTrue();
    assertThat(Context.afterFunc(Context.withoutCancel(Context.background()), () -> {}).stop())
        .isTrue();
    assertThat(Context.afterFunc(Context.withValue(Context.background(), "k", 1), () -> {}).stop())
        .isTrue();
    CancelContext live = Context.withCancel(Context.background());
    assertThat(Context.afterFunc(live, () -> {}).stop()).isTrue();
  }

  @Test
  void runsWhenAnAncestorIsCancelled() throws Exception {
    CancelContext root = Context.withCancel(Context.background());
    Context leaf = Context.withValue(Context.withCancel(root), "k", "v");
    CompletableFuture<Throwable> cause = new CompletableFuture<>();
    Context.afterFunc(leaf, () -> cause.complete(leaf.cause()));
    Exception why = new Exception("root went away");
    root.cancel(why);
    assertThat(cause.get(5, TimeUnit.SECONDS)).isSameAs(why);
  }

  @Test
  void runsWhenTheDeadlinePasses() throws Exception {
    ManualClock clock = new ManualClock();
    CancelContext ctx =
        Context.withTimeout(Context.withClock(Context.background(), clock), Duration.ofMinutes(1));
    CompletableFuture<CancellationException> err = new CompletableFuture<>();
    AfterFunc stop = Context.afterFunc(ctx, () -> err.complete(ctx.err()));
    clock.advance(Duration.ofSeconds(59));
    assertThat(err).isNotDone();
    clock.advance(Duration.ofSeconds(1));
    assertThat(err.get(5, TimeUnit.SECONDS)).isInstanceOf(DeadlineExceededException.class);
    assertThat(stop.stop()).isFalse();
  }

  @Test
  void actionsBeforeCancelAreVisibleToTheFunction() throws Exception {
    int[] plain = new int[1]; // deliberately not volatile
    CancelContext ctx = Context.withCancel(Context.background());
    CompletableFuture<Integer> seen = new CompletableFuture<>();
    Context.afterFunc(ctx, () -> seen.complete(plain[0]));
    plain[0] = 7;
    ctx.cancel();
    assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo(7);
  }

  @Test
  void nullArgumentsAreRejected() {
    assertThatThrownBy(() -> Context.afterFunc(Context.background(), null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Context.afterFunc(null, () -> {}))
        .isInstanceOf(NullPointerException.class);
  }
}
