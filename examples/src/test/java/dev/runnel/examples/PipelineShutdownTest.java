package dev.runnel.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertLinesMatch;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Cancelling the context, or its deadline, stops every stage, and no goroutine is left. */
class PipelineShutdownTest {

  @Test
  @Timeout(60)
  void cancellationAndDeadlineStopEveryStage() throws Exception {
    List<String> out = ProgramOutput.of(() -> PipelineShutdown.main(new String[0]));

    String none = "  goroutines: (\\d+) \\(baseline \\1\\): none left behind";
    assertLinesMatch(
        List.of(
            "Pipeline with graceful shutdown: generator -> 3 squarers -> merge -> consumer",
            "",
            "Run 1: the consumer cancels after 10 items",
            "  received \\[[\\d, ]+\\]",
            // every value forwarded by the merge was received: exactly 10
            "  stages stopped: generated \\d+, squared \\[\\d+, \\d+, \\d+\\], merged 10",
            none,
            "",
            "Run 2: a 200 ms deadline stops a slow consumer",
            "  consumer stopped \\(context deadline exceeded\\) after \\d+ items,"
                + " sum of squares \\d+",
            "  stages stopped: generated \\d+, squared \\[\\d+, \\d+, \\d+\\], merged \\d+",
            none),
        out);
    String received = out.get(3).replaceAll("[^\\d,]", "");
    List<Integer> squares = Arrays.stream(received.split(",")).map(Integer::valueOf).toList();
    assertThat(squares)
        .hasSize(10)
        .doesNotHaveDuplicates()
        .allMatch(v -> Math.round(Math.sqrt(v)) * Math.round(Math.sqrt(v)) == v);
  }
}
