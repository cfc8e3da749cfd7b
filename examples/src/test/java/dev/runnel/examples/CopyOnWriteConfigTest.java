package dev.runnel.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Three reloads while three handlers serve 30 requests, none of them on a half-built config. */
class CopyOnWriteConfigTest {

  private static final Pattern SUMMARY =
      Pattern.compile("handler-[123] served (\\d+) requests, last with config v[1-4]");

  @Test
  @Timeout(60)
  void everyRequestIsServedWithAWholeConfig() throws Exception {
    List<String> out = ProgramOutput.of(() -> CopyOnWriteConfig.main(new String[0]));

    assertThat(out)
        .first()
        .isEqualTo("Copy-on-write config with AtomicValue (Go's atomic.Value)");
    assertThat(out.stream().filter(l -> l.startsWith("reloader: ")))
        .containsExactly(
            "reloader: stored config v2",
            "reloader: stored config v3",
            "reloader: stored config v4");
    assertThat(out.stream().filter(l -> l.startsWith("  handler-")))
        .allMatch(l -> l.matches("  handler-[123]: request +\\d+ served with config v[1-4], .*"));
    int served = 0;
    int summaries = 0;
    for (String line : out) {
      Matcher m = SUMMARY.matcher(line);
      if (m.matches()) {
        served += Integer.parseInt(m.group(1));
        summaries++;
      }
    }
    assertThat(summaries).isEqualTo(3);
    assertThat(served).as("requests served by the three handlers").isEqualTo(30);
    assertThat(out).last().isEqualTo("No handler ever saw a half-built configuration.");
  }
}
