package dev.runnel.micrometer;

import dev.runnel.Go;
import dev.runnel.breaker.CircuitBreaker;
import dev.runnel.pool.ResourcePool;
import dev.runnel.rate.RateLimiter;
import dev.runnel.report.EventReporter;
import dev.runnel.workerpool.WorkerPool;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Runnel's objects as Micrometer meters. Each method returns a {@link MeterBinder}: bind it to a
 * registry ({@code binder.bindTo(registry)}), or declare it as a bean where a framework binds every
 * {@code MeterBinder} it finds (Spring Boot does).
 *
 * <pre>{@code
 * RunnelMetrics.goroutines().bindTo(registry);
 * RunnelMetrics.workerPool(pool, "uploads").bindTo(registry);
 * }</pre>
 *
 * <p>Meters read the object when the registry is scraped, never on the object's hot path, and hold
 * it weakly: a pool that is no longer referenced is not kept alive by its meters (they then read
 * NaN). Every meter of one object carries the tag {@code name}.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>object</th><th>meters</th></tr>
 *   <tr><td>goroutines</td><td>{@code runnel.goroutines} (gauge: {@link Go#numGoroutine()})</td></tr>
 *   <tr><td>{@link WorkerPool}</td><td>gauges {@code runnel.workerpool.queued}, {@code .running},
 *       {@code .workers}, {@code .max.workers}, {@code .queue.wait.max} (seconds); counter {@code
 *       runnel.workerpool.jobs} tagged {@code outcome} = completed, failed, cancelled,
 *       rejected</td></tr>
 *   <tr><td>{@link RateLimiter}</td><td>gauges {@code runnel.ratelimiter.tokens}, {@code .limit}
 *       (events per second), {@code .burst}</td></tr>
 *   <tr><td>{@link EventReporter}</td><td>counter {@code runnel.reporter.events} tagged {@code
 *       outcome} = reported, delivered, dropped, returned; gauge {@code runnel.reporter.pending};
 *       counter {@code runnel.reporter.failed.deliveries}</td></tr>
 *   <tr><td>{@link ResourcePool}</td><td>gauges {@code runnel.pool.size}, {@code .idle}, {@code
 *       .in.use}, {@code .waiters}, {@code .wait.max} (seconds); counter {@code
 *       runnel.pool.resources} tagged {@code event} = acquired, created, destroyed,
 *       creation.failed, validation.failed, timeout, leaked</td></tr>
 *   <tr><td>{@link CircuitBreaker}</td><td>gauge {@code runnel.breaker.state} tagged {@code
 *       state} (1 for the current state, 0 for the others, as Resilience4j's binder does); gauges
 *       {@code runnel.breaker.failure.rate}, {@code .slow.call.rate} (percent, -1 until the
 *       minimum number of calls), {@code .buffered.calls}; counters {@code
 *       runnel.breaker.not.permitted.calls}, {@code runnel.breaker.late.results}</td></tr>
 * </table>
 */
public final class RunnelMetrics {

  private RunnelMetrics() {}

  /**
   * The number of live goroutines.
   *
   * @return the binder
   */
  public static MeterBinder goroutines() {
    return registry ->
        Gauge.builder("runnel.goroutines", Go::numGoroutine)
            .description("Goroutines started with Go.go that have not ended")
            .register(registry);
  }

  /**
   * A worker pool's {@link WorkerPool#stats()}.
   *
   * @param pool the pool
   * @param name its name, the {@code name} tag
   * @return the binder
   */
  public static MeterBinder workerPool(WorkerPool pool, String name) {
    Objects.requireNonNull(pool, "pool");
    Tags tags = nameTag(name);
    return registry -> {
      gauge(registry, "runnel.workerpool.queued", "Jobs waiting for a worker", pool, tags,
          p -> p.stats().queued());
      gauge(registry, "runnel.workerpool.running", "Jobs running", pool, tags,
          p -> p.stats().running());
      gauge(registry, "runnel.workerpool.workers", "Worker goroutines alive", pool, tags,
          p -> p.stats().workers());
      gauge(registry, "runnel.workerpool.max.workers", "The limit on jobs run at once", pool, tags,
          p -> p.stats().maxWorkers());
      Gauge.builder("runnel.workerpool.queue.wait.max", pool,
              p -> p.stats().maxQueueWait().toNanos() / 1e9)
          .description("The longest time a job waited for a worker")
          .baseUnit("seconds")
          .tags(tags)
          .register(registry);
      counter(registry, "runnel.workerpool.jobs", pool, tags, "completed",
          p -> p.stats().completed());
      counter(registry, "runnel.workerpool.jobs", pool, tags, "failed", p -> p.stats().failed());
      counter(registry, "runnel.workerpool.jobs", pool, tags, "cancelled",
          p -> p.stats().cancelled());
      counter(registry, "runnel.workerpool.jobs", pool, tags, "rejected",
          p -> p.stats().rejected());
    };
  }

  /**
   * A rate limiter's tokens, limit and burst.
   *
   * @param limiter the limiter
   * @param name its name, the {@code name} tag
   * @return the binder
   */
  public static MeterBinder rateLimiter(RateLimiter limiter, String name) {
    Objects.requireNonNull(limiter, "limiter");
    Tags tags = nameTag(name);
    return registry -> {
      gauge(registry, "runnel.ratelimiter.tokens", "Tokens available now", limiter, tags,
          RateLimiter::tokens);
      gauge(registry, "runnel.ratelimiter.limit", "Events allowed per second", limiter, tags,
          RateLimiter::limit);
      gauge(registry, "runnel.ratelimiter.burst", "The most tokens at once", limiter, tags,
          RateLimiter::burst);
    };
  }

  /**
   * An event reporter's {@link EventReporter#stats()}.
   *
   * @param reporter the reporter
   * @param name its name, the {@code name} tag
   * @return the binder
   */
  public static MeterBinder eventReporter(EventReporter<?> reporter, String name) {
    Objects.requireNonNull(reporter, "reporter");
    Tags tags = nameTag(name);
    return registry -> {
      counter(registry, "runnel.reporter.events", reporter, tags, "reported",
          r -> r.stats().reported());
      counter(registry, "runnel.reporter.events", reporter, tags, "delivered",
          r -> r.stats().delivered());
      counter(registry, "runnel.reporter.events", reporter, tags, "dropped",
          r -> r.stats().dropped());
      counter(registry, "runnel.reporter.events", reporter, tags, "returned",
          r -> r.stats().returned());
      gauge(registry, "runnel.reporter.pending", "Events taken and not yet delivered", reporter,
          tags, r -> r.stats().pending());
      FunctionCounter.builder("runnel.reporter.failed.deliveries", reporter,
              r -> r.stats().failedDeliveries())
          .description("Deliveries the policy gave up on (each batch is delivered again)")
          .tags(tags)
          .register(registry);
    };
  }

  /**
   * A resource pool's {@link ResourcePool#stats()}.
   *
   * @param pool the pool
   * @param name its name, the {@code name} tag
   * @return the binder
   */
  public static MeterBinder resourcePool(ResourcePool<?> pool, String name) {
    Objects.requireNonNull(pool, "pool");
    Tags tags = nameTag(name);
    return registry -> {
      gauge(registry, "runnel.pool.size", "Resources alive", pool, tags, p -> p.stats().size());
      gauge(registry, "runnel.pool.idle", "Resources waiting to be lent", pool, tags,
          p -> p.stats().idle());
      gauge(registry, "runnel.pool.in.use", "Resources lent", pool, tags,
          p -> p.stats().inUse());
      gauge(registry, "runnel.pool.waiters", "Goroutines waiting to acquire", pool, tags,
          p -> p.stats().waiters());
      Gauge.builder("runnel.pool.wait.max", pool, p -> p.stats().maxWait().toNanos() / 1e9)
          .description("The longest wait to acquire")
          .baseUnit("seconds")
          .tags(tags)
          .register(registry);
      String m = "runnel.pool.resources";
      counter(registry, m, pool, tags.and("event", "acquired"), p -> p.stats().acquired());
      counter(registry, m, pool, tags.and("event", "created"), p -> p.stats().created());
      counter(registry, m, pool, tags.and("event", "destroyed"), p -> p.stats().destroyed());
      counter(registry, m, pool, tags.and("event", "creation.failed"),
          p -> p.stats().creationFailures());
      counter(registry, m, pool, tags.and("event", "validation.failed"),
          p -> p.stats().validationFailures());
      counter(registry, m, pool, tags.and("event", "timeout"), p -> p.stats().timeouts());
      counter(registry, m, pool, tags.and("event", "leaked"), p -> p.stats().leaks());
    };
  }

  /**
   * A circuit breaker's {@link CircuitBreaker#metrics()}.
   *
   * @param breaker the breaker
   * @param name its name, the {@code name} tag
   * @return the binder
   */
  public static MeterBinder circuitBreaker(CircuitBreaker breaker, String name) {
    Objects.requireNonNull(breaker, "breaker");
    Tags tags = nameTag(name);
    return registry -> {
      for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
        Gauge.builder("runnel.breaker.state", breaker, b -> b.state() == state ? 1 : 0)
            .description("1 for the breaker's current state")
            .tags(tags)
            .tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
            .register(registry);
      }
      gauge(registry, "runnel.breaker.failure.rate", "Failed calls in the window, percent",
          breaker, tags, b -> b.metrics().failureRate());
      gauge(registry, "runnel.breaker.slow.call.rate", "Slow calls in the window, percent",
          breaker, tags, b -> b.metrics().slowCallRate());
      gauge(registry, "runnel.breaker.buffered.calls", "Outcomes in the window", breaker, tags,
          b -> b.metrics().bufferedCalls());
      FunctionCounter.builder("runnel.breaker.not.permitted.calls", breaker,
              b -> b.metrics().notPermittedCalls())
          .description("Calls refused without running")
          .tags(tags)
          .register(registry);
      FunctionCounter.builder("runnel.breaker.late.results", breaker,
              b -> b.metrics().lateResults())
          .description("Results that arrived after the state they belonged to ended")
          .tags(tags)
          .register(registry);
    };
  }

  private static Tags nameTag(String name) {
    return Tags.of(Tag.of("name", Objects.requireNonNull(name, "name")));
  }

  private static <T> void gauge(
      MeterRegistry registry,
      String meter,
      String description,
      T object,
      Tags tags,
      ToDoubleFunction<T> value) {
    Gauge.builder(meter, object, value).description(description).tags(tags).register(registry);
  }

  private static <T> void counter(
      MeterRegistry registry,
      String meter,
      T object,
      Tags tags,
      String outcome,
      ToDoubleFunction<T> value) {
    counter(registry, meter, object, tags.and("outcome", outcome), value);
  }

  private static <T> void counter(
      MeterRegistry registry, String meter, T object, Tags tags, ToDoubleFunction<T> value) {
    FunctionCounter.builder(meter, object, value).tags(tags).register(registry);
  }
}
