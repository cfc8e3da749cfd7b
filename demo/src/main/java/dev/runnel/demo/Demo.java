package dev.runnel.demo;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.runnel.Channel;
import dev.runnel.ReceiveChannel;
import dev.runnel.context.Context;
import dev.runnel.lifecycle.App;
import dev.runnel.lifecycle.Exit;
import dev.runnel.lifecycle.Hook;
import dev.runnel.lifecycle.Service;
import dev.runnel.micrometer.RunnelMetrics;
import dev.runnel.resilience.Policy;
import dev.runnel.retry.Backoff;
import dev.runnel.retry.Retry;
import dev.runnel.time.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The whole service, assembled as an application's services: analytics, the upload pool,
 * metrics, the HTTP server, the progress line and the load generator, started in that order and
 * stopped in reverse, so that load stops first, then HTTP intake, then the pool drains, and the
 * event reporter delivers last.
 */
public final class Demo {

  /**
   * The whole shutdown's deadline: the pool's drain through an outage and the reporter's last
   * deliveries fit well inside it; each part gets a share of what is left when its turn comes.
   */
  static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(45);

  private final DemoConfig config;
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
  private final List<Service> services = new ArrayList<>();
  private final Channel<Void> serving = Channel.make();
  private volatile App app;
  private volatile boolean stopAsked;
  private volatile long startNanos = System.nanoTime();

  /**
   * Builds the demo; nothing runs until {@link #run}.
   *
   * @param config what to run
   * @param out where the progress line goes
   * @param terminal whether {@code out} is a terminal (the progress line is then rewritten)
   * @throws IOException if the data directory cannot be made
   */
  public Demo(DemoConfig config, PrintStream out, boolean terminal) throws IOException {
    this.config = Objects.requireNonNull(config, "config");
    Objects.requireNonNull(out, "out");
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
  private final class MetricsService implements Service {
    @Override
    public String name() {
      return "metrics";
    }

    @Override
    public void start(Context ctx) {
      RunnelMetrics.goroutines().bindTo(registry);
      RunnelMetrics.workerPool(uploads.pool(), "uploads").bindTo(registry);
      RunnelMetrics.eventReporter(analytics.reporter(), "analytics").bindTo(registry);
      RunnelMetrics.circuitBreaker(guard.breaker(), "storage").bindTo(registry);
      for (int status : RequestStats.STATUSES) {
        FunctionCounter.builder("demo.http.requests", stats, s -> s.count(status))
            .tag("status", Integer.toString(status))
            .register(registry);
      }
      FunctionCounter.builder("demo.storage.retries", guard, StorageGuard::retries)
          .description("Storage writes retried")
          .register(registry);
      FunctionCounter.builder("demo.breaker.openings", guard, StorageGuard::breakerOpenings)
          .description("Times the storage circuit breaker opened")
          .register(registry);
    }

    @Override
    public void stop(Context ctx) {
      registry.close();
    }
  }

  /**
   * Runs the demo as an {@link App}: starts the parts in order, runs until the load has run its
   * time (with {@code serve}, until stopped), then stops them in reverse order. Returns once
   * every part has stopped; {@link #summary()} then says what happened.
   *
   * @param handleSignals whether Ctrl-C (SIGINT) and SIGTERM stop the run
   * @param onReady called once the server listens, before the load starts
   * @return how the run ended
   */
  public Exit run(boolean handleSignals, Hook onReady) {
    Objects.requireNonNull(onReady, "onReady");
    App app = new App().handleSignals(handleSignals).shutdownTimeout(SHUTDOWN_TIMEOUT);
    for (Service s : services) {
      app.service(s);
      if (s == http) { // the server listens: say where, before the progress line begins
        app.service(Service.of("ready", onReady, ctx -> { }));
      }
    }
    app.service(Service.running("run", ctx -> {
      startNanos = System.nanoTime();
      if (load != null) {
        load.awaitDone(ctx);
      }
      if (config.serve()) {
        serving.close();
        ctx.done().receive(); // until Ctrl-C or stop()
      }
    }));
    this.app = app;
    if (stopAsked) {
      app.stop();
    }
    return app.run();
  }

  /** Asks a running demo to stop, as Ctrl-C does; before the run, the run starts nothing. */
  public void stop() {
    stopAsked = true;
    App a = app;
    if (a != null) {
      a.stop();
    }
  }

  /**
   * Closed once the load has run its time and the server goes on serving ({@code serve}).
   *
   * @return the channel
   */
  ReceiveChannel<Void> serving() {
    return serving;
  }

  /**
   * The server's base URI, once the run is ready.
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
   * Deletes the data directory and everything in it, if the demo made it (no {@code dataDir} was
   * configured); a directory the user named is kept.
   *
   * @return true if it was deleted
   * @throws IOException if a file cannot be deleted
   */
  public boolean deleteTemporaryData() throws IOException {
    if (config.dataDir() != null) {
      return false;
    }
    try (Stream<Path> tree = Files.walk(dataDir)) {
      for (Path p : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
    return true;
  }

  /**
   * Counts what the run did, including the files on disk; call once {@link #run} has returned.
   *
   * @return the summary
   * @throws IOException if the events file cannot be read
   */
  public Summary summary() throws IOException {
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

  /** The upload pool, for tests. */
  UploadService uploads() {
    return uploads;
  }
}
