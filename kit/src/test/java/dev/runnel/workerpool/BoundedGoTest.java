package dev.runnel.workerpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Go;
import dev.runnel.context.Context;
import dev.runnel.context.ContextCanceledException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** At most N goroutines at once, for a stream of tasks. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BoundedGoTest {

  @AfterEach
  void restorePanics() {
    Go.setPanicHandler(null);
  }

  @Test
  void runsEveryTaskWithAtMostLimitAtOnce() throws Exception {
    BoundedGo bounded = new BoundedGo(4);
    AtomicInteger now = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    for (int i = 0; i < 200; i++) {
      bounded.go(
          () -> {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            Thread.sleep(0, 200_000);
            now.decrementAndGet();
            done.incrementAndGet();
          });
      assertThat(bounded.running()).isLessThanOrEqualTo(4);
    }
    bounded.await();
    assertThat(done.get()).isEqualTo(200);
    assertThat(most.get()).isBetween(1, 4);
    assertThat(bounded.running()).isZero();
  }

  @Test
  void tryGoRefusesAtTheLimitAndGoWithAContextGivesUp() throws Exception {
    BoundedGo bounded = new BoundedGo(1);
    CountDownLatch release = new CountDownLatch(1);
    bounded.go(release::await);
    assertThat(bounded.tryGo(() -> {})).isFalse();
    var ctx = Context.withCancel(Context.background());
    CompletableFuture<Throwable> gaveUp = new CompletableFuture<>();
    Go.go(
        () -> {
          try {
            bounded.go(ctx, () -> {});
          } catch (Throwable t) {
            gaveUp.complete(t);
          }
        });
    WorkerPoolTest.awaitBlockedSubmitters(1);
    ctx.cancel();
    assertThat(gaveUp.get(10, TimeUnit.SECONDS)).isInstanceOf(ContextCanceledException.class);
    release.countDown();
    bounded.await();
    assertThat(bounded.tryGo(() -> {})).isTrue();
    bounded.await();
  }

  @Test
  void aPanicIsReportedAndFreesItsSlot() throws Exception {
    CompletableFuture<Throwable> reported = new CompletableFuture<>();
    Go.setPanicHandler((t, e) -> reported.complete(e));
    BoundedGo bounded = new BoundedGo(1);
    IllegalStateException boom = new IllegalStateException("boom");
    bounded.go(
        () -> {
          throw boom;
        });
    assertThat(reported.get(10, TimeUnit.SECONDS)).isSameAs(boom);
    bounded.await();
    assertThat(bounded.tryGo(() -> {})).isTrue();
    bounded.await();
  }

  @Test
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> new BoundedGo(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BoundedGo(1).go(null)).isInstanceOf(NullPointerException.class);
  }
}
