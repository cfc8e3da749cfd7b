package dev.runnel.demo;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.lifecycle.Service;
import dev.runnel.rate.RateLimiter;
import dev.runnel.sync.WaitGroup;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The load: simulated clients, each a few goroutines sending with the JDK's {@link HttpClient}
 * and paced by a {@link RateLimiter} of their own. Four shops send well-formed batches under their
 * rate; one greedy client sends three times its rate (and gets 429s); one sloppy client sends, in
 * turn, a body over the size limit, malformed JSON and JSON of the wrong shape (413, 400, 400).
 * The load ends when its time is up or it is stopped; a request under way then finishes.
 */
final class LoadGenerator implements Service {

  /** A simulated client: its id, its goroutines, its pace and what it sends. */
  private record Client(String id, int goroutines, double perSecond, boolean sloppy) {}

  private final Supplier<URI> server;
  private URI target;
  private final Duration length;
  private final List<Client> clients;
  private final int maxBodyBytes;
  private final WaitGroup running = new WaitGroup();
  private final AtomicLong sloppyTurn = new AtomicLong();
  private final LongAdder sent = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder payloadsSent = new LongAdder();
  private HttpClient http;
  private ExecutorService httpExecutor;
  private CancelContext load;

  /** Load on {@code server} (read at start) for {@code length}, paced by the per-client rate. */
  LoadGenerator(Supplier<URI> server, Duration length, double clientRate, int maxBodyBytes) {
    this.server = Objects.requireNonNull(server, "server");
    this.length = Objects.requireNonNull(length, "length");
    this.maxBodyBytes = maxBodyBytes;
    this.clients = List.of(
        new Client("shop-1", 2, clientRate * 0.8, false),
        new Client("shop-2", 2, clientRate * 0.8, false),
        new Client("shop-3", 2, clientRate * 0.8, false),
        new Client("shop-4", 2, clientRate * 0.8, false),
        new Client("greedy", 4, clientRate * 3, false),
        new Client("sloppy", 1, Math.max(2, clientRate * 0.2), true));
  }

  @Override
  public String name() {
    return "load";
  }

  @Override
  public void start(Context ctx) {
    target = server.get().resolve("/v1/payloads");
    httpExecutor = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("load-http-", 0).factory());
    http = HttpClient.newBuilder()
        .executor(httpExecutor)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
    load = Context.withTimeout(ctx, length);
    for (Client c : clients) {
      RateLimiter pace = new RateLimiter(c.perSecond(), 1);
      for (int i = 0; i < c.goroutines(); i++) {
        running.go(() -> send(c, pace));
      }
    }
  }

  private void send(Client c, RateLimiter pace) throws InterruptedException {
    while (load.err() == null) {
      try {
        pace.await(load);
      } catch (CancellationException timeUp) {
        return;
      }
      byte[] body = c.sloppy() ? badBody() : goodBody();
      HttpRequest request = HttpRequest.newBuilder(target)
          .timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json")
          .header("X-Client-Id", c.id())
          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
          .build();
      try {
        http.send(request, HttpResponse.BodyHandlers.discarding());
        sent.increment();
      } catch (IOException e) {
        failed.increment();
      }
    }
  }

  private byte[] goodBody() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int n = 1 + random.nextInt(20);
    StringBuilder b = new StringBuilder(n * 200).append("{\"payloads\":[");
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"id\":\"").append(Long.toHexString(random.nextLong()))
          .append("\",\"data\":{\"event\":\"page_view\",\"ms\":").append(random.nextInt(5000))
          .append(",\"note\":\"").append("x".repeat(random.nextInt(200))).append("\"}}");
    }
    payloadsSent.add(n);
    return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A body over the limit, then malformed JSON, then JSON of the wrong shape, in turn. */
  private byte[] badBody() {
    String body = switch ((int) (sloppyTurn.getAndIncrement() % 3)) {
      case 0 -> "{\"payloads\":[{\"id\":\"big\",\"data\":\"" + "y".repeat(maxBodyBytes) + "\"}]}";
      case 1 -> "{\"payloads\":[{\"id\":\"a\",\"data\":";
      default -> "{\"payload\":\"not a list\"}";
    };
    return body.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Waits until the load has run its time (or was stopped) and every request has finished.
   *
   * @param ctx bounds the wait
   * @throws InterruptedException if interrupted
   */
  void awaitDone(Context ctx) throws InterruptedException {
    running.await(ctx);
  }

  @Override
  public void stop(Context ctx) throws InterruptedException {
    load.cancel();
    running.await(ctx);
    http.close();
    httpExecutor.close();
  }

  /** Requests answered, whatever the status. */
  long sent() {
    return sent.sum();
  }

  /** Requests that could not be sent or got no answer. */
  long failed() {
    return failed.sum();
  }

  /** Payloads in the well-formed requests sent. */
  long payloadsSent() {
    return payloadsSent.sum();
  }
}
