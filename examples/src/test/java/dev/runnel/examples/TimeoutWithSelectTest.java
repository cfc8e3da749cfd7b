package dev.runnel.examples;

import static org.junit.jupiter.api.Assertions.assertLinesMatch;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fast work beats its timeout, slow work loses to it, and a ticker loop stops when its context is
 * cancelled: the same story on a busy machine, where the margins (10 ms of work against a 400 ms
 * timeout; slow work of 800 ms and 5 s) still hold.
 */
class TimeoutWithSelectTest {

  @Test
  @Timeout(60)
  void fastWorkWinsSlowWorkTimesOutAndTheTickerStops() throws Exception {
    List<String> out = ProgramOutput.of(() -> TimeoutWithSelect.main(new String[0]));

    assertLinesMatch(
        List.of(
            "1. select with Time.after",
            "   work of 10 ms -> result: done in 10 ms",
            "   work of 800 ms -> timed out after 400 ms",
            "2. per-request timeout with Context.withTimeout (400 ms each)",
            "   request of 10 ms -> 200 OK after 10 ms",
            "   request of 5000 ms -> context deadline exceeded after ~\\d+ ms",
            "3. ticker loop stopped by a context",
            "   tick 1",
            "   tick 2",
            "   tick 3",
            // a fourth tick may arrive before the loop sees the cancellation
            "   ticker stopped after [34] ticks",
            "goroutines: (\\d+) \\(baseline \\1\\): none left behind"),
        out);
  }
}
