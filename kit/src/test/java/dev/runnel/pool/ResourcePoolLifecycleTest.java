package dev.runnel.pool;

import static dev.runnel.pool.ResourcePoolTest.BG;
import static dev.runnel.pool.ResourcePoolTest.async;
import static dev.runnel.pool.ResourcePoolTest.failureOf;
import static dev.runnel.pool.Resources.awaitWaiters;
import static dev.runnel.pool.Resources.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.pool.Resources.Res;
import dev.runnel.time.ManualClock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The maintenance goroutine (eviction, minimum idle, leak reports) and closing. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ResourcePoolLifecycleTest {

  /** Advances the clock by one maintenance interval and waits until that round has finished. */
  static void round(ManualClock clock, Duration interval) throws InterruptedException {
    clock.awaitPendingTimers(1);
    clock.advance(interval);
    clock.awaitPendingTimers(1); // the goroutine waits for its next round: this one is over
  }

  @RepeatedTest(10) // the releases may come before or after the goroutine's rounds
  void idleResourcesAboveTheMinimumTimeOut() throws Exception {
    ManualClock clock = new ManualClock();
    Duration interval = Duration.ofSeconds(10);
    Resources factory = new Resources();
    try (ResourcePool<Res> pool = ResourcePool.builder(factory).maxSize(4).minIdle(1)
        .idleTimeout(Duration.ofSeconds(30)).maintenanceInterval(interval).clock(clock).build()) {
      clock.awaitPendingTimers(1); // the goroutine's first round (which made minIdle) is over
      Lease<Res> a = pool.acquire(BG);
      Lease<Res> b = pool.acquire(BG);
      Lease<Res> c = pool.acquire(BG);
      a.close();
      b.close();
      c.close();
      round(clock, interval); // finds them idle: the 30 s run from here
      round(clock, interval);
      round(clock, interval);
      assertThat(pool.stats().idle()).as("not yet timed out").isEqualTo(3);
      round(clock, interval);
      assertThat(pool.stats()).extracting(PoolStats::idle, PoolStats::destroyed)
          .containsExactly(1, 2L);
      assertThat(factory.destroyed).hasSize(2);
    }
  }

  @Test
  void theMinimumIdleIsKeptReady() throws Exception {
    Resources factory = new Resources();
    try (ResourcePool<Res> pool = ResourcePool.builder(factory).maxSize(4).minIdle(2).build()) {
      eventually("two idle", () -> pool.stats().idle() == 2);
      assertThat(factory.contexts.get(0).err()).as("the pool's own context, live").isNull();
    }
    assertThat(factory.contexts.get(0).err()).as("cancelled by close").isNotNull();
  }

  @Test
  void aLeaseHeldPastTheThresholdIsReportedOnceWithItsAcquireStack() throws Exception {
    ManualClock clock = new ManualClock();
    Duration interval = Duration.ofSeconds(1);
    Channel<ResourceLeakException> reports = Channel.make(10);
    try (ResourcePool<Res> pool = ResourcePool.builder(new Resources()).maxSize(2).clock(clock)
        .maintenanceInterval(interval).leakDetection(Duration.ofSeconds(5))
        .leakHandler(reports::trySend).build()) {
      Lease<Res> leaked = leakyCaller(pool);
      for (int i = 0; i < 4; i++) {
        round(clock, interval);
      }
      assertThat(reports.size()).isZero();
      round(clock, interval);
      ResourceLeakException report = reports.receive();
      assertThat(report.getMessage()).contains("Res1").contains("held for PT5S");
      assertThat(Arrays.stream(report.getStackTrace()))
          .anyMatch(e -> e.getMethodName().equals("leakyCaller"));
      round(clock, interval);
      round(clock, interval);
      assertThat(reports.size()).as("reported once").isZero();
      assertThat(pool.stats().leaks()).isEqualTo(1);
      leaked.close();
    }
  }

  private static Lease<Res> leakyCaller(ResourcePool<Res> pool) throws InterruptedException {
    return pool.acquire(BG);
  }

  @Test
  void closeFailsWaitersRefusesAcquiresAndDestroysIdleResources() throws Exception {
    Resources factory = new Resources();
    Channel<ResourceLeakException> reports = Channel.make(10);
    ResourcePool<Res> pool = ResourcePool.builder(factory).maxSize(2)
        .leakDetection(Duration.ofHours(1)).leakHandler(reports::trySend).build();
    Lease<Res> idle = pool.acquire(BG);
    Lease<Res> out = pool.acquire(BG);
    idle.close();
    pool.acquire(BG); // takes the idle one: both in use now
    CompletableFuture<Lease<Res>> waiter = async(() -> pool.acquire(BG));
    awaitWaiters(pool, 1);
    pool.close();
    assertThat(failureOf(waiter)).isInstanceOf(PoolClosedException.class)
        .hasMessage("pool pool: closed");
    assertThatThrownBy(() -> pool.acquire(BG)).isInstanceOf(PoolClosedException.class);
    assertThat(reports.size()).as("both open leases reported").isEqualTo(2);
    assertThat(reports.receive().getMessage()).contains("still held when the pool closed");
    out.close();
    assertThat(factory.destroyed).containsExactly(out.slot.resource);
    assertThat(pool.isClosed()).isTrue();
    pool.close(); // idempotent
  }

  @Test
  void closeDestroysIdleResourcesAndEndsTheMaintenanceGoroutine() throws Exception {
    int before = Go.numGoroutine();
    Resources factory = new Resources();
    ResourcePool<Res> pool = ResourcePool.builder(factory).maxSize(3).build();
    assertThat(Go.numGoroutine()).isEqualTo(before + 1);
    pool.acquire(BG).close();
    pool.close(); // has waited for the goroutine's last round; its thread exits just after
    eventually("the maintenance goroutine ended", () -> Go.numGoroutine() == before);
    assertThat(factory.destroyed).hasSize(1);
    assertThat(pool.stats().size()).isZero();
  }

  @Test
  void shutdownWaitsForOutstandingLeases() throws Exception {
    ResourcePool<Res> pool = ResourcePool.create(new Resources(), 2);
    Lease<Res> out = pool.acquire(BG);
    Channel<Void> returned = Channel.make();
    Go.go(
        () -> {
          returned.receive();
          out.close();
        });
    CompletableFuture<Boolean> shutdown = async(() -> pool.shutdown(BG));
    eventually("closed", pool::isClosed);
    assertThat(shutdown).isNotDone();
    returned.close();
    assertThat(shutdown.get()).isTrue();
  }

  @Test
  void shutdownGivesUpWhenItsContextEndsAndReportsWhatIsStillOut() throws Exception {
    ManualClock clock = new ManualClock();
    Channel<ResourceLeakException> reports = Channel.make(10);
    ResourcePool<Res> pool = ResourcePool.builder(new Resources()).maxSize(2)
        .leakDetection(Duration.ofHours(1)).leakHandler(reports::trySend).build();
    Lease<Res> out = pool.acquire(BG);
    try (CancelContext ctx =
        Context.withTimeout(Context.withClock(BG, clock), Duration.ofSeconds(30))) {
      CompletableFuture<Boolean> shutdown = async(() -> pool.shutdown(ctx));
      eventually("closed", pool::isClosed);
      clock.awaitPendingTimers(1);
      clock.advance(Duration.ofSeconds(30));
      assertThat(shutdown.get()).isFalse();
    }
    assertThat(reports.size()).isEqualTo(1);
    out.close();
    assertThat(pool.stats().size()).isZero();
  }
}
