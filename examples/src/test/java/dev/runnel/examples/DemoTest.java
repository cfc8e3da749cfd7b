package dev.runnel.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo squares 1..12 on three workers and merges their results with a heartbeat. */
class DemoTest {

  @Test
  @Timeout(60)
  void everyNumberIsSquaredOnceAndEveryChannelIsClosed() throws Exception {
    List<String> out = ProgramOutput.of(() -> Demo.main(new String[0]));

    assertThat(out).first().isEqualTo("Runnel demo: goroutines, channels and select");
    List<String> results = out.stream().filter(l -> l.startsWith("  worker-")).toList();
    assertThat(results)
        .hasSize(12)
        .allMatch(l -> l.matches("  worker-[123]: \\d+\\^2 = \\d+"));
    for (int n : IntStream.rangeClosed(1, 12).toArray()) {
      assertThat(results).filteredOn(l -> l.endsWith(": " + n + "^2 = " + n * n)).hasSize(1);
    }
    assertThat(out.get(out.size() - 2))
        .matches("12 results from 3 workers; \\d+ heartbeats seen while waiting\\.");
    assertThat(out)
        .last()
        .isEqualTo("Every goroutine has finished its work and closed its channel.");
  }
}
