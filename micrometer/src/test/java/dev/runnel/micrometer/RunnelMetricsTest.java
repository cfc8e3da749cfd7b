package dev.runnel.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.breaker.CircuitBreaker;
import dev.runnel.pool.Lease;
import dev.runnel.pool.ResourcePool;
import dev.runnel.context.Context;
import dev.runnel.rate.RateLimiter;
import dev.runnel.report.EventReporter;
import dev.runnel.time.ManualClock;
import dev.runnel.workerpool.WorkerPool;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each binder registers its meters, and they read the object's state when scraped. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RunnelMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  @Test
  void goroutinesCountsALiveGoroutine() throws Exception {
    RunnelMetrics.goroutines().bindTo(registry);
    double before = gauge("runnel.goroutines");
    Channel<Void> release = Channel.make();
    Go.go(release::receive);
    assertThat(gauge("runnel.goroutines")).isGreaterThanOrEqualTo(before + 1);
    release.close();
  }

  @Test
  void aWorkerPoolsJobsAndQueueAreMeteredByOutcome() throws Exception {
    try (WorkerPool pool = WorkerPool.create(1, 1)) {
      RunnelMetrics.workerPool(pool, "uploads").bindTo(registry);
      pool.submit(() -> 1).get(10, TimeUnit.SECONDS);
      var failed = pool.submit(() -> {
        throw new IllegalStateException("boom");
      });
      assertThat(failed).failsWithin(10, TimeUnit.SECONDS);
      assertThat(counter("runnel.workerpool.jobs", "name", "uploads", "outcome", "completed"))
          .isEqualTo(1);
      assertThat(counter("runnel.workerpool.jobs", "name", "uploads", "outcome", "failed"))
          .isEqualTo(1);
      assertThat(gauge("runnel.workerpool.max.workers", "name", "uploads")).isEqualTo(1);
      assertThat(gauge("runnel.workerpool.queued", "name", "uploads")).isZero();
    }
  }

  @Test
  void aRateLimitersTokensLimitAndBurst() {
    ManualClock clock = new ManualClock();
    RateLimiter limiter = new RateLimiter(10, 5, clock);
    RunnelMetrics.rateLimiter(limiter, "api").bindTo(registry);
    assertThat(gauge("runnel.ratelimiter.burst", "name", "api")).isEqualTo(5);
    assertThat(gauge("runnel.ratelimiter.limit", "name", "api")).isEqualTo(10);
    assertThat(limiter.allow()).isTrue();
    assertThat(gauge("runnel.ratelimiter.tokens", "name", "api")).isEqualTo(4);
  }

  @Test
  void anEventReportersCountsByOutcome() throws Exception {
    EventReporter<String> reporter = EventReporter.<String>builder((ctx, batch) -> {}).build();
    RunnelMetrics.eventReporter(reporter, "analytics").bindTo(registry);
    reporter.report(Context.background(), "a");
    reporter.report(Context.background(), "b");
    assertThat(reporter.shutdown(Context.background())).isEmpty();
    assertThat(counter("runnel.reporter.events", "name", "analytics", "outcome", "reported"))
        .isEqualTo(2);
    assertThat(counter("runnel.reporter.events", "name", "analytics", "outcome", "delivered"))
        .isEqualTo(2);
    assertThat(gauge("runnel.reporter.pending", "name", "analytics")).isZero();
  }

  @Test
  void aCircuitBreakersStateRatesAndRefusals() {
    CircuitBreaker breaker = CircuitBreaker.builder().name("storage").build();
    RunnelMetrics.circuitBreaker(breaker, "storage").bindTo(registry);
    assertThat(gauge("runnel.breaker.state", "name", "storage", "state", "closed")).isEqualTo(1);
    breaker.forceOpen();
    assertThat(breaker.tryAcquirePermission()).isEqualTo(CircuitBreaker.NOT_PERMITTED);
    assertThat(gauge("runnel.breaker.state", "name", "storage", "state", "closed")).isZero();
    assertThat(gauge("runnel.breaker.state", "name", "storage", "state", "forced_open"))
        .isEqualTo(1);
    assertThat(counter("runnel.breaker.not.permitted.calls", "name", "storage")).isEqualTo(1);
  }

  @Test
  void aResourcePoolsSizeUseAndEvents() throws Exception {
    ResourcePool<Object> pool = ResourcePool.create(ctx -> new Object(), 2);
    try {
      RunnelMetrics.resourcePool(pool, "conns").bindTo(registry);
      try (Lease<Object> lease = pool.acquire(Context.background())) {
        assertThat(lease.get()).isNotNull();
        assertThat(gauge("runnel.pool.in.use", "name", "conns")).isEqualTo(1);
        assertThat(gauge("runnel.pool.size", "name", "conns")).isEqualTo(1);
      }
      assertThat(gauge("runnel.pool.idle", "name", "conns")).isEqualTo(1);
      assertThat(counter("runnel.pool.resources", "name", "conns", "event", "created"))
          .isEqualTo(1);
      assertThat(counter("runnel.pool.resources", "name", "conns", "event", "acquired"))
          .isEqualTo(1);
    } finally {
      pool.close();
    }
  }
}
