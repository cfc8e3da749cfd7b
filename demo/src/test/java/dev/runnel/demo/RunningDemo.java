package dev.runnel.demo;

import dev.runnel.Channel;
import dev.runnel.Select;
import dev.runnel.lifecycle.Exit;
import dev.runnel.sync.WaitGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/** A demo run in a goroutine, as {@code main} runs it, with an HTTP client to talk to it. */
final class RunningDemo implements AutoCloseable {

  final Demo demo;
  final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(20))
      .build();
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final WaitGroup running = new WaitGroup();
  private final AtomicReference<Exit> exit = new AtomicReference<>();
  private final Channel<Void> ended = Channel.make();

  private RunningDemo(DemoConfig config) throws Exception {
    this.demo = new Demo(config, new PrintStream(output, true, StandardCharsets.UTF_8), false);
    Channel<Void> ready = Channel.make();
    running.go(() -> {
      try {
        exit.set(demo.run(false, ctx -> ready.close()));
      } finally {
        ended.close();
      }
    });
    Select.select().onReceiveOk(ready, r -> { }).onReceiveOk(ended, r -> { }).run();
    if (ready.tryReceive() == null) {
      throw new IllegalStateException("demo did not start: " + exit.get());
    }
  }

  /** Starts the demo and returns once the server listens. */
  static RunningDemo start(DemoConfig config) throws Exception {
    return new RunningDemo(config);
  }

  /** POSTs {@code body} to /v1/payloads as {@code client}. */
  HttpResponse<String> post(String client, String body) throws Exception {
    return send(HttpRequest.newBuilder(uri("/v1/payloads"))
        .header("X-Client-Id", client)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build());
  }

  HttpResponse<String> send(HttpRequest request) throws Exception {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  URI uri(String path) {
    return demo.uri().resolve(path);
  }

  /** Waits for the run to end by itself (its load is over), and returns how it ended. */
  Exit awaitEnd() throws InterruptedException {
    running.await();
    return exit.get();
  }

  /** Stops the run, waits for it to end, and returns how it ended. */
  Exit stop() throws InterruptedException {
    demo.stop();
    return awaitEnd();
  }

  String output() {
    return output.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws Exception {
    client.close();
    stop();
    demo.deleteTemporaryData();
  }
}
