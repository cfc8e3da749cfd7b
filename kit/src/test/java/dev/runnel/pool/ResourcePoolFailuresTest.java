package dev.runnel.pool;

import static dev.runnel.pool.ResourcePoolTest.BG;
import static dev.runnel.pool.ResourcePoolTest.async;
import static dev.runnel.pool.ResourcePoolTest.failureOf;
import static dev.runnel.pool.Resources.awaitWaiters;
import static dev.runnel.pool.Resources.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.pool.Resources.Res;
import dev.runnel.time.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hangs users of Commons Pool, HikariCP and Stormpot reported, each as a test, and the
 * factory-failure backoff on a manual clock.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ResourcePoolFailuresTest {

  static ResourcePool.Builder<Res> onClock(Resources factory, ManualClock clock) {
    return ResourcePool.builder(factory)
        .clock(clock)
        .creationBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
        .maintenanceInterval(Duration.ofHours(1));
  }

  @Test
  void invalidatingWithABorrowerWaitingServesItANewResource() throws Exception {
    // Commons Pool: invalidateObject with borrowers waiting left them waiting (POOL-356, POOL-424).
    Resources factory = new Resources();
    try (ResourcePool<Res> pool = ResourcePool.create(factory, 1)) {
      Lease<Res> held = pool.acquire(BG);
      Res broken = held.get();
      CompletableFuture<Lease<Res>> waiter = async(() -> pool.acquire(BG));
      awaitWaiters(pool, 1);
      assertThat(held.invalidate()).isTrue();
      try (Lease<Res> lease = waiter.get()) {
        assertThat(lease.get()).isNotSameAs(broken);
      }
      assertThat(factory.destroyed).containsExactly(broken);
      assertThat(pool.stats()).extracting(PoolStats::created, PoolStats::destroyed, PoolStats::size)
          .containsExactly(2L, 1L, 1);
    }
  }

  @Test
  void aReturnRacingAnInvalidateGivesTheResourceBackOnce() throws Exception {
    // Commons Pool: returnObject racing invalidateObject threw "Object has already been returned"
    // or counted the object twice. Here the first ending wins and the other does nothing.
    Resources factory = new Resources();
    try (ResourcePool<Res> pool = ResourcePool.create(factory, 1)) {
      for (int i = 0; i < 500; i++) {
        Lease<Res> lease = pool.acquire(BG);
        CountDownLatch start = new CountDownLatch(1);
        CompletableFuture<Void> closer =
            async(
                () -> {
                  start.await();
                  lease.close();
                  return null;
                });
        CompletableFuture<Boolean> invalidator =
            async(
                () -> {
                  start.await();
                  return lease.invalidate();
                });
        start.countDown();
        closer.get();
        boolean invalidated = invalidator.get();
        PoolStats s = pool.stats();
        assertThat(s.inUse()).isZero();
        assertThat(s.idle()).isEqualTo(invalidated ? 0 : 1);
        assertThat(s.created() - s.destroyed()).isEqualTo(s.size());
      }
      try (Lease<Res> last = pool.acquire(BG)) {
        assertThat(last.get()).isNotNull(); // no hang: the one slot is usable
      }
      assertThat(factory.destroyed).doesNotHaveDuplicates();
    }
  }

  @Test
  void aFailingFactoryBacksOffExponentiallyAndNeverSpins() throws Exception {
    ManualClock clock = new ManualClock();
    Resources factory = new Resources();
    factory.failing = true;
    try (ResourcePool<Res> pool = onClock(factory, clock).maxSize(2).build()) {
      assertThatThrownBy(() -> pool.acquire(BG))
          .isInstanceOf(ResourceCreationException.class)
          .hasCauseInstanceOf(IOException.class);
      assertThat(factory.calls.get()).isEqualTo(1);
      // During the 50 ms backoff nothing could serve an acquirer: it fails fast, no call made.
      assertThatThrownBy(() -> pool.acquire(BG))
          .isInstanceOf(ResourceCreationException.class)
          .hasRootCauseMessage("connection refused");
      assertThat(factory.calls.get()).isEqualTo(1);
      clock.advance(Duration.ofMillis(50));
      assertThatThrownBy(() -> pool.acquire(BG)).isInstanceOf(ResourceCreationException.class);
      assertThat(factory.calls.get()).isEqualTo(2);
      clock.advance(Duration.ofMillis(50)); // the second backoff is 100 ms
      assertThatThrownBy(() -> pool.acquire(BG)).isInstanceOf(ResourceCreationException.class);
      assertThat(factory.calls.get()).isEqualTo(2);
      clock.advance(Duration.ofMillis(50));
      assertThatThrownBy(() -> pool.acquire(BG)).isInstanceOf(ResourceCreationException.class);
      assertThat(factory.calls.get()).isEqualTo(3);
      clock.advance(Duration.ofMillis(10_000)); // capped at 400 ms: long over
      factory.failing = false;
      pool.acquire(BG).close();
      assertThat(factory.calls.get()).isEqualTo(4);
      assertThat(pool.stats().creationFailures()).isEqualTo(3);
      // A success resets the backoff: the next failure waits 50 ms again.
      factory.failing = true;
      Lease<Res> a = pool.acquire(BG);
      assertThatThrownBy(() -> pool.acquire(BG)).isInstanceOf(ResourceCreationException.class);
      a.invalidate();
      clock.advance(Duration.ofMillis(50));
      assertThatThrownBy(() -> pool.acquire(BG)).isInstanceOf(ResourceCreationException.class);
      assertThat(factory.calls.get()).isEqualTo(6);
    }
  }

  @Test
  void waitersGetTheFactorysFailureInsteadOfHanging() throws Exception {
    // Commons Pool (and DBCP on it) hung a borrower forever when creation failed with nothing
    // created (pull request 346); HikariCP's waiters time out without knowing why.
    Resources factory = new Resources();
    try (ResourcePool<Res> pool = ResourcePool.create(factory, 1)) {
      Lease<Res> held = pool.acquire(BG);
      CompletableFuture<Lease<Res>> first = async(() -> pool.acquire(BG));
      awaitWaiters(pool, 1);
      CompletableFuture<Lease<Res>> second = async(() -> pool.acquire(BG));
      awaitWaiters(pool, 2);
      factory.failing = true;
      held.invalidate(); // the first waiter's creation fails; then nothing could serve the second
      assertThat(failureOf(first))
          .isInstanceOf(ResourceCreationException.class)
          .hasCauseInstanceOf(IOException.class);
      assertThat(failureOf(second))
          .isInstanceOf(ResourceCreationException.class)
          .hasCauseInstanceOf(IOException.class);
      assertThat(factory.calls.get()).as("one creation tried, then backoff").isEqualTo(2);
      assertThat(pool.stats()).extracting(PoolStats::size, PoolStats::waiters).containsExactly(0, 0);
    }
  }

  @RepeatedTest(20) // the clock may move before or after the maintenance goroutine arms its timer
  void aWaiterIsServedByACreationOnceTheBackoffEnds() throws Exception {
    ManualClock clock = new ManualClock();
    Resources factory = new Resources();
    try (ResourcePool<Res> pool = onClock(factory, clock).maxSize(2).build()) {
      Lease<Res> held = pool.acquire(BG);
      factory.failing = true;
      assertThatThrownBy(() -> pool.acquire(BG)).isInstanceOf(ResourceCreationException.class);
      // Something is in use, so this one waits (for a release, or the end of the backoff).
      CompletableFuture<Lease<Res>> waiter = async(() -> pool.acquire(BG));
      awaitWaiters(pool, 1);
      factory.failing = false;
      clock.advance(Duration.ofMillis(50));
      try (Lease<Res> lease = waiter.get()) {
        assertThat(lease.get()).isNotSameAs(held.get());
      }
      held.close();
    }
  }

  @Test
  void aFactoryReturningNullIsAFailure() {
    Resources factory = new Resources();
    factory.returnNull = true;
    try (ResourcePool<Res> pool = ResourcePool.create(factory, 1)) {
      assertThatThrownBy(() -> pool.acquire(BG))
          .isInstanceOf(ResourceCreationException.class)
          .hasCauseInstanceOf(NullPointerException.class);
      assertThat(pool.stats().size()).isZero();
    }
  }

  @Test
  void anErrorFromTheFactoryIsRethrownAsItIs() {
    ResourceFactory<Object> factory =
        ctx -> {
          throw new StackOverflowError("deep");
        };
    try (ResourcePool<Object> pool = ResourcePool.create(factory, 1)) {
      assertThatThrownBy(() -> pool.acquire(BG)).isInstanceOf(StackOverflowError.class);
      assertThat(pool.stats()).extracting(PoolStats::size, PoolStats::creationFailures)
          .containsExactly(0, 1L);
    }
  }

  @Test
  void aCreationRacingCloseIsDestroyedAndRefused() throws Exception {
    CountDownLatch creating = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    Resources inner = new Resources();
    ResourceFactory<Res> slow =
        new ResourceFactory<>() {
          @Override
          public Res create(dev.runnel.context.Context ctx) throws Exception {
            creating.countDown();
            proceed.await();
            return inner.create(ctx);
          }

          @Override
          public void destroy(Res r) {
            inner.destroy(r);
          }
        };
    ResourcePool<Res> pool = ResourcePool.create(slow, 1);
    CompletableFuture<Lease<Res>> acquirer = async(() -> pool.acquire(BG));
    creating.await();
    pool.close();
    proceed.countDown();
    assertThat(failureOf(acquirer)).isInstanceOf(PoolClosedException.class);
    assertThat(inner.destroyed).hasSize(1);
    assertThat(pool.stats().size()).isZero();
  }
}
