package dev.runnel.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.lifecycle.Exit;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The status each kind of request gets from the real server on localhost: 202, 400, 413, 429 and
 * 503 with Retry-After, 404 and 405, and never a 500 for bad input.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PayloadHandlerTest {

  private static final int MAX_BODY = 1024;
  /** Each client may send 5 requests, then one every 1,000 s: the sixth is refused. */
  private static final int BURST = 5;

  private RunningDemo running;

  /** Serving, no load, no faults, one worker, a queue of one; the storage gate starts shut. */
  private RunningDemo start(GatedStorage[] gate) throws Exception {
    DemoConfig config = DemoConfig.defaults()
        .withLoad(Duration.ZERO)
        .withServe(true)
        .withProgress(false)
        .withPool(1, 1)
        .withLimits(MAX_BODY, 0.001, BURST, 100)
        .withFaults(0, Duration.ZERO, Duration.ZERO, Duration.ZERO)
        .withStorage(null, s -> {
          gate[0] = new GatedStorage(s);
          return gate[0];
        });
    running = RunningDemo.start(config);
    return running;
  }

  private RunningDemo start() throws Exception {
    GatedStorage[] gate = new GatedStorage[1];
    RunningDemo r = start(gate);
    gate[0].open();
    return r;
  }

  @AfterEach
  void stop() throws Exception {
    if (running != null) {
      running.close();
    }
  }

  @Test
  void wellFormedPayloadsAre202AndEndUpAsFiles() throws Exception {
    RunningDemo r = start();
    HttpResponse<String> res = r.post("a", payloads(3));
    assertThat(res.statusCode()).isEqualTo(202);
    assertThat(res.body()).isEqualTo("{\"accepted\":3}");

    r.client.close();
    Exit exit = r.stop();
    assertThat(exit.failures()).isEmpty();
    Summary s = r.demo.summary();
    assertThat(s.acceptedPayloads()).isEqualTo(3);
    assertThat(s.storedFiles()).isEqualTo(3);
    assertThat(s.eventLines()).isEqualTo(1);
  }

  @Test
  void malformedOrMisshapenJsonIs400() throws Exception {
    RunningDemo r = start();
    List<String> bad = List.of(
        "",
        "not json",
        "{\"payloads\":[",
        "{\"payloads\":[{\"id\":\"a\",\"data\":1}]} trailing",
        "[]",
        "{}",
        "{\"payloads\":[]}",
        "{\"payloads\":\"x\"}",
        "{\"payloads\":[{\"id\":1,\"data\":2}]}",
        "{\"payloads\":[{\"id\":\"a\"}]}",
        "{\"payloads\":[7]}",
        "{\"payloads\":[{\"id\":\"a\",\"data\":1}],\"payloads\":[]}",
        "\"payloads\"");
    for (int i = 0; i < bad.size(); i++) {
      HttpResponse<String> res = r.post("bad-" + i, bad.get(i));
      assertThat(res.statusCode()).as("body %s", bad.get(i)).isEqualTo(400);
      assertThat(res.body()).startsWith("{\"error\":");
    }
    assertThat(r.demo.stats().count(400)).isEqualTo(bad.size());
    assertThat(r.demo.uploads().acceptedPayloads()).isZero();
  }

  @Test
  void bodyOverTheLimitIs413WithOrWithoutContentLength() throws Exception {
    RunningDemo r = start();
    String big = "{\"payloads\":[{\"id\":\"a\",\"data\":\"" + "x".repeat(MAX_BODY) + "\"}]}";
    assertThat(r.post("big-1", big).statusCode()).isEqualTo(413);

    byte[] bytes = big.getBytes(StandardCharsets.UTF_8); // chunked: no Content-Length to check
    HttpResponse<String> chunked = r.send(HttpRequest.newBuilder(r.uri("/v1/payloads"))
        .header("X-Client-Id", "big-2")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
        .build());
    assertThat(chunked.statusCode()).isEqualTo(413);

    String justUnder = "{\"payloads\":[{\"id\":\"a\",\"data\":\"" + "x".repeat(MAX_BODY - 40)
        + "\"}]}";
    assertThat(justUnder.length()).isLessThanOrEqualTo(MAX_BODY);
    assertThat(r.post("big-3", justUnder).statusCode()).isEqualTo(202);
  }

  @Test
  void aClientOverItsRateIs429WithRetryAfterAndOthersAreNotAffected() throws Exception {
    RunningDemo r = start();
    for (int i = 0; i < BURST; i++) {
      assertThat(r.post("fast", payloads(1)).statusCode()).isEqualTo(202);
    }
    HttpResponse<String> refused = r.post("fast", payloads(1));
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(r.post("slow", payloads(1)).statusCode()).isEqualTo(202);
    // the rate is checked before the body is read: bad input over the rate is a 429 too
    assertThat(r.post("fast", "not json").statusCode()).isEqualTo(429);
  }

  @Test
  void fullQueueIs503WithRetryAfterAndTakesNothing() throws Exception {
    GatedStorage[] gate = new GatedStorage[1];
    RunningDemo r = start(gate);
    // one worker and one queue slot: two requests hold all the room while the gate is shut
    assertThat(r.post("q-1", payloads(2)).statusCode()).isEqualTo(202);
    assertThat(r.post("q-2", payloads(2)).statusCode()).isEqualTo(202);
    HttpResponse<String> full = r.post("q-3", payloads(2));
    assertThat(full.statusCode()).isEqualTo(503);
    assertThat(full.headers().firstValue("Retry-After")).hasValue("1");
    gate[0].open();

    r.client.close();
    assertThat(r.stop().failures()).isEmpty();
    Summary s = r.demo.summary();
    assertThat(s.unavailable()).isEqualTo(1);
    assertThat(s.acceptedPayloads()).isEqualTo(4);
    assertThat(s.storedFiles()).isEqualTo(4);
    assertThat(s.eventsReported()).isEqualTo(2);
    assertThat(s.eventLines()).isEqualTo(2);
  }

  @Test
  void otherPathsAndMethodsAre404And405AndMetricsAreServed() throws Exception {
    RunningDemo r = start();
    assertThat(r.send(HttpRequest.newBuilder(r.uri("/v1/payloads")).GET().build()).statusCode())
        .isEqualTo(405);
    assertThat(r.send(HttpRequest.newBuilder(r.uri("/nowhere")).GET().build()).statusCode())
        .isEqualTo(404);
    assertThat(r.post("m", payloads(1)).statusCode()).isEqualTo(202);
    HttpResponse<String> metrics = r.send(HttpRequest.newBuilder(r.uri("/metrics")).GET().build());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("runnel_goroutines")
        .contains("runnel_workerpool_jobs_total{name=\"uploads\"")
        .contains("runnel_reporter_events_total{name=\"analytics\"")
        .contains("runnel_breaker_state{name=\"storage\",state=\"closed\"} 1.0")
        .contains("demo_http_requests_total{status=\"202\"} 1.0");
  }

  @Test
  void randomBadInputIsNeverA500() throws Exception {
    RunningDemo r = start();
    Random random = new Random(42);
    String valid = payloads(2);
    for (int i = 0; i < 60; i++) {
      String body = switch (i % 3) {
        case 0 -> { // a valid body cut short or with a byte changed
          char[] c = valid.substring(0, random.nextInt(valid.length())).toCharArray();
          if (c.length > 0) {
            c[random.nextInt(c.length)] = (char) (32 + random.nextInt(95));
          }
          yield new String(c);
        }
        case 1 -> { // printable noise
          StringBuilder b = new StringBuilder();
          for (int k = random.nextInt(200); k > 0; k--) {
            b.append((char) (32 + random.nextInt(95)));
          }
          yield b.toString();
        }
        default -> "[".repeat(random.nextInt(MAX_BODY)); // deep nesting
      };
      int status = r.post("fuzz-" + i, body).statusCode();
      assertThat(status).as("body %s", body).isIn(202, 400, 413);
    }
    assertThat(r.demo.stats().count(500)).isZero();
  }

  private static String payloads(int n) {
    StringBuilder b = new StringBuilder("{\"payloads\":[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("{\"id\":\"p").append(i).append("\",\"data\":{\"n\":")
          .append(i).append("}}");
    }
    return b.append("]}").toString();
  }
}
