package dev.runnel.pool;

import static dev.runnel.pool.Resources.awaitWaiters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.context.ContextCanceledException;
import dev.runnel.context.DeadlineExceededException;
import dev.runnel.pool.Resources.Res;
import dev.runnel.sync.WaitGroup;
import dev.runnel.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Lending, fairness, deadlines, validation, sizing and statistics of {@link ResourcePool}. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ResourcePoolTest {

  static final Context BG = Context.background();

  /** Runs {@code c} in a goroutine; its result or failure completes the future. */
  static <V> CompletableFuture<V> async(Callable<V> c) {
    CompletableFuture<V> f = new CompletableFuture<>();
    Go.go(
        () -> {
          try {
            f.complete(c.call());
          } catch (Throwable e) { // wrapped, so that get() keeps a CancellationException as the cause
            f.completeExceptionally(new CompletionException(e));
          }
        });
    return f;
  }

  static Throwable failureOf(CompletableFuture<?> f) throws InterruptedException {
    try {
      f.get();
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure, got " + f.join());
  }

  @Test
  void createsUpToMaxSizeAndReusesWhatIsReleased() throws Exception {
    Resources factory = new Resources();
    try (ResourcePool<Res> pool = ResourcePool.create(factory, 2)) {
      Lease<Res> a = pool.acquire(BG);
      Lease<Res> b = pool.acquire(BG);
      assertThat(a.get()).isNotSameAs(b.get());
      assertThat(pool.stats()).extracting(PoolStats::size, PoolStats::inUse, PoolStats::idle)
          .containsExactly(2, 2, 0);
      Res first = a.get();
      a.close();
      assertThat(pool.stats().idle()).isEqualTo(1);
      try (Lease<Res> c = pool.acquire(BG)) {
        assertThat(c.get()).isSameAs(first);
      }
      b.close();
      assertThat(factory.made.get()).isEqualTo(2);
      assertThat(pool.stats()).extracting(PoolStats::acquired, PoolStats::created)
          .containsExactly(3L, 2L);
    }
  }

  @Test
  void theFactoryGetsTheAcquirersContext() throws Exception {
    Resources factory = new Resources();
    Context ctx = Context.withValue(BG, "request", 42);
    try (ResourcePool<Res> pool = ResourcePool.create(factory, 1);
        Lease<Res> lease = pool.acquire(ctx)) {
      assertThat(factory.contexts).hasSize(1);
      assertThat(factory.contexts.get(0).value("request")).isEqualTo(42);
    }
  }

  @Test
  void aReleasedResourceGoesToTheLongestWaiter() throws Exception {
    try (ResourcePool<Res> pool = ResourcePool.create(new Resources(), 1)) {
      Lease<Res> held = pool.acquire(BG);
      Channel<Integer> served = Channel.make(3);
      List<CompletableFuture<Void>> waiters = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int me = i;
        waiters.add(
            async(
                () -> {
                  try (Lease<Res> lease = pool.acquire(BG)) {
                    served.send(me);
                  }
                  return null;
                }));
        awaitWaiters(pool, i + 1);
      }
      held.close();
      for (CompletableFuture<Void> w : waiters) {
        w.get();
      }
      assertThat(List.of(served.receive(), served.receive(), served.receive()))
          .containsExactly(0, 1, 2);
    }
  }

  @Test
  void nobodyBargesAheadOfAWaiter() throws Exception {
    try (ResourcePool<Res> pool = ResourcePool.create(new Resources(), 1)) {
      Lease<Res> held = pool.acquire(BG);
      Res r = held.get();
      CompletableFuture<Lease<Res>> waiter = async(() -> pool.acquire(BG));
      awaitWaiters(pool, 1);
      held.close();
      assertThat(pool.tryAcquire()).as("the resource went to the waiter").isNull();
      try (Lease<Res> lease = waiter.get()) {
        assertThat(lease.get()).isSameAs(r);
      }
    }
  }

  @Test
  void anAcquireGivesUpWhenItsDeadlinePasses() throws Exception {
    ManualClock clock = new ManualClock();
    try (ResourcePool<Res> pool = ResourcePool.builder(new Resources()).maxSize(1).clock(clock)
            .build();
        Lease<Res> held = pool.acquire(BG);
        CancelContext ctx = Context.withTimeout(Context.withClock(BG, clock), Duration.ofSeconds(5))) {
      CompletableFuture<Lease<Res>> waiter = async(() -> pool.acquire(ctx));
      awaitWaiters(pool, 1);
      clock.advance(Duration.ofSeconds(5));
      assertThat(failureOf(waiter)).isInstanceOf(DeadlineExceededException.class);
      assertThat(pool.stats()).extracting(PoolStats::waiters, PoolStats::timeouts, PoolStats::inUse)
          .containsExactly(0, 1L, 1);
    }
  }

  @Test
  void theDeadlineHoldsThroughSpuriousWakeUps() throws Exception {
    // Commons Pool's borrowObject kept polling its deque after the wait time was exhausted
    // (POOL-418). Here the deadline is the context's, and a wake-up only re-checks the grant.
    ManualClock clock = new ManualClock();
    try (ResourcePool<Res> pool = ResourcePool.builder(new Resources()).maxSize(1).clock(clock)
            .build();
        Lease<Res> held = pool.acquire(BG);
        CancelContext ctx = Context.withTimeout(Context.withClock(BG, clock), Duration.ofSeconds(5))) {
      Channel<Thread> thread = Channel.make(1);
      CompletableFuture<Lease<Res>> waiter =
          async(
              () -> {
                thread.send(Thread.currentThread());
                return pool.acquire(ctx);
              });
      Thread t = thread.receive();
      awaitWaiters(pool, 1);
      for (int i = 0; i < 1000; i++) {
        LockSupport.unpark(t);
      }
      clock.advance(Duration.ofMillis(4999));
      for (int i = 0; i < 1000; i++) {
        LockSupport.unpark(t);
      }
      Thread.yield();
      assertThat(waiter).isNotDone();
      assertThat(pool.stats().waiters()).isEqualTo(1);
      clock.advance(Duration.ofMillis(1));
      assertThat(failureOf(waiter)).isInstanceOf(DeadlineExceededException.class);
      assertThat(pool.stats().waiters()).isZero();
    }
  }

  @Test
  void aContextDoneBeforeTheCallFailsItEvenWithAnIdleResource() throws Exception {
    try (ResourcePool<Res> pool = ResourcePool.create(new Resources(), 1)) {
      pool.acquire(BG).close();
      CancelContext ctx = Context.withCancel(BG);
      ctx.cancel();
      assertThatThrownBy(() -> pool.acquire(ctx)).isInstanceOf(ContextCanceledException.class);
      assertThat(pool.stats()).extracting(PoolStats::idle, PoolStats::inUse).containsExactly(1, 0);
    }
  }

  @Test
  void cancellingAWaitersContextTakesItOutOfTheQueue() throws Exception {
    try (ResourcePool<Res> pool = ResourcePool.create(new Resources(), 1);
        Lease<Res> held = pool.acquire(BG)) {
      CancelContext ctx = Context.withCancel(BG);
      CompletableFuture<Lease<Res>> waiter = async(() -> pool.acquire(ctx));
      awaitWaiters(pool, 1);
      ctx.cancel();
      assertThat(failureOf(waiter)).isInstanceOf(ContextCanceledException.class);
      assertThat(pool.stats().waiters()).isZero();
    }
  }

  @Test
  void anInterruptedWaiterLeavesThePoolAsItWas() throws Exception {
    try (ResourcePool<Res> pool = ResourcePool.create(new Resources(), 1)) {
      Lease<Res> held = pool.acquire(BG);
      Channel<Thread> thread = Channel.make(1);
      CompletableFuture<Lease<Res>> waiter =
          async(
              () -> {
                thread.send(Thread.currentThread());
                return pool.acquire(BG);
              });
      Thread t = thread.receive();
      awaitWaiters(pool, 1);
      t.interrupt();
      assertThat(failureOf(waiter)).isInstanceOf(InterruptedException.class);
      held.close();
      assertThat(pool.stats()).extracting(PoolStats::waiters, PoolStats::idle, PoolStats::inUse)
          .containsExactly(0, 1, 0);
    }
  }

  @Test
  void anInterruptedCallerThrowsAtOnce() throws Exception {
    try (ResourcePool<Res> pool = ResourcePool.create(new Resources(), 1)) {
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> pool.acquire(BG)).isInstanceOf(InterruptedException.class);
      assertThat(Thread.interrupted()).isFalse();
      assertThat(pool.stats().size()).isZero();
    }
  }

  @Test
  void aBrokenIdleResourceIsDestroyedAndReplacedForTheSameAcquirer() throws Exception {
    Resources factory = new Resources();
    try (ResourcePool<Res> pool = ResourcePool.create(factory, 1)) {
      Lease<Res> first = pool.acquire(BG);
      Res broken = first.get();
      first.close();
      broken.broken = true;
      try (Lease<Res> lease = pool.acquire(BG)) {
        assertThat(lease.get()).isNotSameAs(broken);
      }
      assertThat(factory.destroyed).containsExactly(broken);
      assertThat(pool.stats()).extracting(PoolStats::validationFailures, PoolStats::size)
          .containsExactly(1L, 1);
    }
  }

  @Test
  void validationOnReturnDestroysABrokenResource() throws Exception {
    Resources factory = new Resources();
    try (ResourcePool<Res> pool =
        ResourcePool.builder(factory).maxSize(2).validateOnReturn(true).build()) {
      Lease<Res> lease = pool.acquire(BG);
      lease.get().broken = true;
      lease.close();
      assertThat(factory.destroyed).hasSize(1);
      assertThat(pool.stats()).extracting(PoolStats::size, PoolStats::validationFailures)
          .containsExactly(0, 1L);
    }
  }

  @Test
  void aResourcePastItsLifetimeIsNeverLent() throws Exception {
    ManualClock clock = new ManualClock();
    Resources factory = new Resources();
    try (ResourcePool<Res> pool = ResourcePool.builder(factory).maxSize(2).clock(clock)
        .maxLifetime(Duration.ofMinutes(1)).maintenanceInterval(Duration.ofHours(1)).build()) {
      Lease<Res> lease = pool.acquire(BG);
      Res old = lease.get();
      lease.close();
      clock.advance(Duration.ofMinutes(1));
      try (Lease<Res> fresh = pool.acquire(BG)) {
        assertThat(fresh.get()).isNotSameAs(old);
        clock.advance(Duration.ofMinutes(1));
      } // returned past its lifetime: destroyed, not kept
      assertThat(factory.destroyed).hasSize(2);
      assertThat(pool.stats().size()).isZero();
    }
  }

  @Test
  void maxIdleIsRespectedOnReturn() throws Exception {
    Resources factory = new Resources();
    try (ResourcePool<Res> pool = ResourcePool.builder(factory).maxSize(4).maxIdle(1).build()) {
      List<Lease<Res>> leases = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        leases.add(pool.acquire(BG));
      }
      leases.forEach(Lease::close);
      assertThat(pool.stats()).extracting(PoolStats::idle, PoolStats::size, PoolStats::destroyed)
          .containsExactly(1, 1, 2L);
    }
  }

  @Test
  void maxIdleIsRespectedOnAdd() throws Exception {
    // Commons Pool's addObject created an object even with maxIdle idle ones, then destroyed it.
    Resources factory = new Resources();
    try (ResourcePool<Res> pool = ResourcePool.builder(factory).maxSize(4).maxIdle(2).build()) {
      assertThat(pool.addIdle(BG)).isTrue();
      assertThat(pool.addIdle(BG)).isTrue();
      assertThat(pool.addIdle(BG)).isFalse();
      assertThat(factory.calls.get()).as("nothing made beyond maxIdle").isEqualTo(2);
      assertThat(pool.stats().idle()).isEqualTo(2);
    }
  }

  @Test
  void addIdleGivesANewResourceToAWaiter() throws Exception {
    try (ResourcePool<Res> pool = ResourcePool.builder(new Resources()).maxSize(2).build()) {
      Lease<Res> a = pool.acquire(BG);
      Lease<Res> b = pool.acquire(BG);
      b.invalidate(); // size 1 of 2: room for one
      pool.acquire(BG).close(); // made again, kept idle
      Lease<Res> c = pool.acquire(BG);
      CompletableFuture<Lease<Res>> waiter = async(() -> pool.acquire(BG));
      awaitWaiters(pool, 1);
      assertThat(pool.addIdle(BG)).isFalse(); // full: nothing made
      c.invalidate(); // the waiter gets the turn to create
      waiter.get().close();
      a.close();
      assertThat(pool.stats()).extracting(PoolStats::inUse, PoolStats::waiters).containsExactly(0, 0);
    }
  }

  @Test
  void aLeaseIsUsedOnce() throws Exception {
    try (ResourcePool<Res> pool = ResourcePool.create(new Resources(), 1)) {
      Lease<Res> lease = pool.acquire(BG);
      lease.close();
      lease.close();
      assertThat(lease.invalidate()).isFalse();
      assertThat(lease.isOpen()).isFalse();
      assertThatThrownBy(lease::get)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("pool: lease already released");
      assertThat(pool.stats()).extracting(PoolStats::idle, PoolStats::size).containsExactly(1, 1);
    }
  }

  @Test
  void waitTimesAreMeasuredOnThePoolsClock() throws Exception {
    ManualClock clock = new ManualClock();
    try (ResourcePool<Res> pool = ResourcePool.builder(new Resources()).maxSize(1).clock(clock)
        .maintenanceInterval(Duration.ofHours(1)).build()) {
      Lease<Res> held = pool.acquire(BG);
      CompletableFuture<Lease<Res>> waiter = async(() -> pool.acquire(BG));
      awaitWaiters(pool, 1);
      clock.advance(Duration.ofSeconds(3));
      held.close();
      waiter.get().close();
      assertThat(pool.stats()).extracting(PoolStats::totalWait, PoolStats::maxWait)
          .containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(3));
    }
  }

  @Test
  void tenThousandGoroutinesShareEightResources() throws Exception {
    Resources factory = new Resources();
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger mostHolding = new AtomicInteger();
    AtomicInteger doubleLent = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    try (ResourcePool<Res> pool = ResourcePool.create(factory, 8)) {
      WaitGroup wg = new WaitGroup();
      for (int i = 0; i < 10_000; i++) {
        wg.go(
            () -> {
              try (Lease<Res> lease = pool.acquire(BG)) {
                if (lease.get().holders.incrementAndGet() != 1) {
                  doubleLent.incrementAndGet();
                }
                mostHolding.accumulateAndGet(holding.incrementAndGet(), Math::max);
                Thread.yield(); // let the others pile up in the queue
                holding.decrementAndGet();
                lease.get().holders.decrementAndGet();
              }
              done.incrementAndGet();
            });
      }
      wg.await();
      assertThat(done.get()).isEqualTo(10_000);
      assertThat(doubleLent.get()).isZero();
      assertThat(mostHolding.get()).isLessThanOrEqualTo(8);
      assertThat(factory.made.get()).isLessThanOrEqualTo(8);
      assertThat(pool.stats()).extracting(PoolStats::inUse, PoolStats::waiters, PoolStats::acquired)
          .containsExactly(0, 0, 10_000L);
    }
  }

  @Test
  void tenThousandWaitersAreAllServed() throws Exception {
    try (ResourcePool<Res> pool = ResourcePool.create(new Resources(), 8)) {
      List<Lease<Res>> held = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        held.add(pool.acquire(BG));
      }
      WaitGroup wg = new WaitGroup();
      for (int i = 0; i < 10_000; i++) {
        wg.go(() -> pool.acquire(BG).close());
      }
      awaitWaiters(pool, 10_000); // 10,000 parked virtual threads: no carrier is pinned
      held.forEach(Lease::close);
      wg.await();
      assertThat(pool.stats()).extracting(PoolStats::waiters, PoolStats::inUse, PoolStats::size)
          .containsExactly(0, 0, 8);
    }
  }

  @Test
  void badArgumentsAreRefused() {
    Resources f = new Resources();
    assertThatThrownBy(() -> ResourcePool.create(f, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSize");
    assertThatThrownBy(() -> ResourcePool.builder(f).maxSize(2).minIdle(3).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minIdle");
    assertThatThrownBy(() -> ResourcePool.builder(f).idleTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleTimeout");
    assertThatThrownBy(
            () -> ResourcePool.builder(f).creationBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("creationBackoff");
    assertThatThrownBy(() -> ResourcePool.builder(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aNullContextIsRefused() {
    try (ResourcePool<Res> pool = ResourcePool.create(new Resources(), 1)) {
      assertThatThrownBy(() -> pool.acquire(null)).isInstanceOf(NullPointerException.class);
    }
  }
}
