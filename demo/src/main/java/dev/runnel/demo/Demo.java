package dev.runnel.demo;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.micrometer.RunnelMetrics;
import dev.runnel.resilience.Policy;
import dev.runnel.retry.Backoff;
import dev.runnel.retry.Retry;
import dev.runnel.time.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The whole service, assembled: analytics, the upload pool, metrics, the HTTP server, the
 * progress line and the load generator, started in that order and stopped in reverse, so that
 * load stops first, then HTTP intake, then the pool drains, and the event reporter delivers last.
 */
public final class Demo {

  private final DemoConfig config;
  private final PrintStream out;
  private final Path dataDir;
  private final FileStorage store;
  private final FileStorage parking;
  private final FlakyStorage flaky;
  private final StorageGuard guard;
  private final UploadService uploads;
  private final AnalyticsService analytics;
  private final RequestStats stats = new RequestStats();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final HttpService http;
  private final LoadGenerator load;
  private final List<DemoService> services = new ArrayList<>();
  private final List<DemoService> started = new ArrayList<>();
  private final CancelContext root = Context.withCancel(Context.background());
  private long startNanos;

  /**
   * Builds the demo; nothing runs until {@link #start()}.
   *
   * @param config what to run
   * @param out where the progress line goes
   * @param terminal whether {@code out} is a terminal (the progress line is then rewritten)
   * @throws IOException if the data directory cannot be made
   */
  public Demo(DemoConfig config, PrintStream out, boolean terminal) throws IOException {
    this.config = Objects.requireNonNull(config, "config");
    this.out = Objects.requireNonNull(out, "out");
    this.dataDir = config.dataDir() != null
        ? Files.createDirectories(config.dataDir())
        : Files.createTempDirectory("runnel-demo-");
    ObjectMapper json = JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
    this.store = new FileStorage(dataDir.resolve("payloads"));
    this.parking = new FileStorage(dataDir.resolve("parked"));
    this.flaky = new FlakyStorage(store, config.failureRate(), config.outageEvery(),
        config.outageLength(), config.storageLatency(), Clock.system());
    this.guard = new StorageGuard();
    this.uploads = new UploadService(config.workers(), config.queueCapacity(), guard.policy(),
        config.storage().apply(flaky), parking);
    Policy delivery = Retry.builder()
        .maxAttempts(5)
        .backoff(Backoff.exponentialFullJitter(Duration.ofMillis(20), Duration.ofMillis(500)))
        .build();
    this.analytics = new AnalyticsService(
        new JsonLinesSink(dataDir.resolve("events.jsonl"), json), delivery);
    PayloadHandler handler = new PayloadHandler(
        new ClientLimiters(config.clientRate(), config.clientBurst(), config.maxClients()),
        config.maxBodyBytes(), json, uploads, analytics, stats, registry::scrape);
    this.http = new HttpService(0, handler);
    this.load = config.load().isZero() ? null
        : new LoadGenerator(http::uri, config.load(), config.clientRate(), config.maxBodyBytes());

    services.add(analytics);
    services.add(uploads);
    services.add(new MetricsService());
    services.add(http);
    if (config.progress()) {
      services.add(new Progress(out, terminal, stats, uploads, config.queueCapacity(),
          guard::breakerState));
    }
    if (load != null) {
      services.add(load);
    }
  }

  /** Binds Runnel's meters and the demo's own to the registry; closes it when stopped. */
  private final class MetricsService implements DemoService {
    @Override
    public String name() {
      return "metrics";
    }

    @Override
    public void start(Context ctx) {
      RunnelMetrics.goroutines().bindTo(registry);
      RunnelMetrics.workerPool(uploads.pool(), "uploads").bindTo(registry);
      RunnelMetrics.eventReporter(analytics.reporter(), "analytics").bindTo(registry);
      Gauge.builder("demo.breaker.open", guard, g -> g.breakerState().equals("CLOSED") ? 0 : 1)
          .description("1 while the storage circuit breaker is not closed")
          .register(registry);
      for (int status : RequestStats.STATUSES) {
        FunctionCounter.builder("demo.http.requests", stats, s -> s.count(status))
            .tag("status", Integer.toString(status))
            .register(registry);
      }
      FunctionCounter.builder("demo.storage.retries", guard, StorageGuard::retries)
          .register(registry);
    }

    @Override
    public void stop(Context ctx) {
      registry.close();
    }
  }

  /**
   * The services in start order, for an application lifecycle to run.
   *
   * @return the services
   */
  List<DemoService> services() {
    return List.copyOf(services);
  }

  /**
   * Starts every part in order; if one fails, stops those started and rethrows.
   *
   * @throws Exception what the failing part threw
   */
  public void start() throws Exception {
    startNanos = System.nanoTime();
    for (DemoService s : services) {
      try {
        s.start(root);
      } catch (Exception e) {
        try {
          stopStarted();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      started.add(s);
    }
  }

  /**
   * The server's base URI.
   *
   * @return {@code http://127.0.0.1:PORT}
   */
  public URI uri() {
    return http.uri();
  }

  /**
   * Where the payload files and the events file are.
   *
   * @return the data directory
   */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * Waits until the load generator has run its time; returns at once if there is none.
   *
   * @throws InterruptedException if interrupted
   */
  public void awaitLoad() throws InterruptedException {
    if (load != null) {
      load.awaitDone(root);
    }
  }

  /**
   * Stops every part in reverse start order and counts what happened.
   *
   * @return the summary
   * @throws Exception what a part's stop threw (after every part was stopped)
   */
  public Summary stop() throws Exception {
    stopStarted();
    return summary();
  }

  private void stopStarted() throws Exception {
    Exception first = null;
    for (int i = started.size() - 1; i >= 0; i--) {
      DemoService s = started.get(i);
      try (CancelContext ctx = Context.withTimeout(Context.background(), stopBudget(s))) {
        s.stop(ctx);
      } catch (Exception e) {
        if (first == null) {
          first = new Exception("demo: stopping " + s.name() + " failed", e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    started.clear();
    root.cancel();
    if (first != null) {
      throw first;
    }
  }

  /** How long each part may take to stop: the pool drains, the reporter delivers. */
  static Duration stopBudget(DemoService s) {
    return switch (s.name()) {
      case "uploads" -> Duration.ofSeconds(15);
      case "analytics", "load" -> Duration.ofSeconds(10);
      default -> Duration.ofSeconds(5);
    };
  }

  /**
   * Counts what the run did, including the files on disk; call once every part has stopped.
   *
   * @return the summary
   * @throws IOException if the events file cannot be read
   */
  Summary summary() throws IOException {
    var events = analytics.reporter() != null ? analytics.reporter().stats() : null;
    return new Summary(
        Duration.ofNanos(System.nanoTime() - startNanos),
        stats.total(),
        stats.count(202),
        stats.count(400),
        stats.count(413),
        stats.count(429),
        stats.count(503),
        stats.count(404) + stats.count(405) + stats.count(500) + stats.other(),
        stats.count(500),
        uploads.acceptedPayloads(),
        store.count(),
        parking.count(),
        flaky.failures(),
        guard.retries(),
        guard.breakerOpenings(),
        events == null ? 0 : events.reported(),
        analytics.sink().countLines(),
        analytics.undelivered().size(),
        events == null ? 0 : events.dropped(),
        load == null ? 0 : load.sent(),
        load == null ? 0 : load.failed(),
        dataDir);
  }

  /**
   * The request counts so far, for tests.
   *
   * @return the server's counters
   */
  RequestStats stats() {
    return stats;
  }

  UploadService uploads() {
    return uploads;
  }
}
