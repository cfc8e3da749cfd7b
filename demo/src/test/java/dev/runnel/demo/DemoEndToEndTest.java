package dev.runnel.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runnel.lifecycle.Exit;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole demo on localhost, as {@code ./run demo} runs it but short and small: the built-in
 * load for a few seconds against a pool of two workers and two queue slots, with storage that
 * fails a fifth of its writes and has outages; the run ends by itself and the summary's
 * invariants hold, counted on disk.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DemoEndToEndTest {

  @TempDir Path dir;

  @Test
  void aShortRunLosesNothingAndShowsEveryStatus() throws Exception {
    GatedStorage[] gate = new GatedStorage[1];
    DemoConfig config = DemoConfig.defaults()
        .withLoad(Duration.ofSeconds(5))
        .withPool(2, 2)
        .withLimits(4096, 5, 5, 100)
        .withFaults(0.2, Duration.ofMillis(1500), Duration.ofMillis(300), Duration.ofMillis(2))
        .withStorage(dir, s -> {
          gate[0] = new GatedStorage(s);
          return gate[0];
        });
    Exit exit;
    Summary s;
    String output;
    List<Integer> probes = new ArrayList<>();
    try (RunningDemo r = RunningDemo.start(config)) {
      try {
        // the gate is shut: the pool holds at most 2 running + 2 queued requests, so of five
        // requests from fresh clients (under their rate) at least one finds it full
        for (int i = 0; i < 5; i++) {
          HttpResponse<String> res = r.post("probe-" + i,
              "{\"payloads\":[{\"id\":\"p\",\"data\":" + i + "}]}");
          probes.add(res.statusCode());
        }
      } finally {
        gate[0].open();
      }
      exit = r.awaitEnd(); // the load runs its 5 s, then the app shuts down by itself
      s = r.demo.summary();
      output = r.output();
    }

    assertThat(probes).allMatch(st -> st == 202 || st == 503).contains(503);
    assertThat(exit.reason()).isEqualTo(Exit.Reason.STOPPED);
    assertThat(exit.failures()).isEmpty();
    assertThat(output).contains("req/s").contains("breaker");

    // every class of bad input, and backpressure, got its status
    assertThat(s.badRequest()).isPositive();
    assertThat(s.tooLarge()).isPositive();
    assertThat(s.tooMany()).isPositive();
    assertThat(s.unavailable()).isPositive();
    assertThat(s.accepted()).isPositive();
    assertThat(s.serverErrors()).isZero();
    assertThat(s.requests()).isEqualTo(s.accepted() + s.badRequest() + s.tooLarge()
        + s.tooMany() + s.unavailable() + s.otherStatus());

    // nothing lost: each accepted payload is one file, each event a line, handed back or dropped
    assertThat(s.storageFailures()).isPositive();
    assertThat(s.acceptedPayloads()).isEqualTo(s.storedFiles() + s.parkedFiles());
    assertThat(s.eventsReported()).isEqualTo(s.eventLines() + s.eventsReturned()
        + s.eventsDropped());
    assertThat(s.eventsReported()).isEqualTo(s.accepted());
    assertThat(s.clean()).isTrue();

    // and the disk agrees, file by file
    ObjectMapper json = new ObjectMapper();
    long onDisk = 0;
    for (String sub : List.of("payloads", "parked")) {
      try (Stream<Path> files = Files.list(dir.resolve(sub))) {
        for (Path f : (Iterable<Path>) files::iterator) {
          assertThat(f.getFileName().toString()).endsWith(".json");
          JsonNode payload = json.readTree(f.toFile());
          assertThat(payload.path("id").isTextual()).isTrue();
          onDisk++;
        }
      }
    }
    assertThat(onDisk).isEqualTo(s.acceptedPayloads());
    List<String> lines = Files.readAllLines(dir.resolve("events.jsonl"));
    assertThat((long) lines.size()).isEqualTo(s.eventLines());
    for (String line : lines) {
      assertThat(json.readTree(line).path("type").asText()).isEqualTo("accepted");
    }
  }
}
