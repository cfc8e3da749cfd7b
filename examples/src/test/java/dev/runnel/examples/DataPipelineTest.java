package dev.runnel.examples;

import static org.junit.jupiter.api.Assertions.assertLinesMatch;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The data pipeline stores everything, fails as a whole on the first error, or routes errors. */
class DataPipelineTest {

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void storesEverythingThenFailsOnTheFirstErrorThenRoutesErrors() throws Exception {
    List<String> out = ProgramOutput.of(() -> DataPipeline.main(new String[0]));

    String none = "  goroutines: (\\d+) \\(baseline \\1\\): none left behind";
    assertLinesMatch(
        List.of(
            "Data pipeline: lines -> parse \\(4 workers, in order\\) -> enrich \\(4 workers, any"
                + " order\\) -> batch \\(10 or 50 ms\\) -> store",
            "",
            "Run 1: 100 well-formed lines",
            // 0^2 + 1^2 + ... + 99^2 = 328350; batches of 10 unless 50 ms passed first
            "  stored \\d+ batches, 100 records, sum of squares 328350",
            none,
            "",
            "Run 2: line 42 is malformed; the first error cancels every stage",
            "  failed: java.lang.IllegalArgumentException: malformed line \"42,x42\"",
            "  stored before the failure: fewer than 100 records",
            none,
            "",
            "Run 3: lines 13, 42 and 77 are malformed and go to an error channel",
            "  stored 97 records; 3 sent to the error channel: \\[13,x13, 42,x42, 77,x77\\]",
            none),
        out);
  }
}
