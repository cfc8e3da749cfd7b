package dev.runnel.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertLinesMatch;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** All calls answer; then one fails fast and the group's context cancels the slow ones. */
class ErrGroupFetchTest {

  @Test
  @Timeout(60)
  void theFirstFailureCancelsTheOthers() throws Exception {
    List<String> out = ProgramOutput.of(() -> ErrGroupFetch.main(new String[0]));

    assertLinesMatch(
        List.of(
            "1. all services answer",
            ">> the three answers, in the order they come >>",
            "   results: web result, images result, video result",
            "   context: context canceled; took ~\\d+ ms",
            "2. one service fails fast; the others are cancelled",
            ">> the two cancellations, in either order >>",
            "   failed: images: 503 service unavailable",
            "   partial results: none",
            "   context: context canceled; took ~\\d+ ms",
            "goroutines left behind: 0"),
        out);
    assertThat(out.subList(1, 4))
        .containsExactlyInAnyOrder(
            "   web: answered in 20 ms",
            "   images: answered in 30 ms",
            "   video: answered in 10 ms");
    assertThat(out.subList(7, 9))
        .containsExactlyInAnyOrder(
            "   web: cancelled (images: 503 service unavailable)",
            "   video: cancelled (images: 503 service unavailable)");
  }
}
