package dev.runnel.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every input is squared, and the semaphore never lets more than N workers run at once. */
class SemaphoreFanOutTest {

  private static final Pattern LINE =
      Pattern.compile(
          " ?(\\d+) inputs: sum of squares (\\d+), at most (\\d+) of (\\d+) workers at once");

  @Test
  @Timeout(60)
  void allInputsAreSquaredWithinTheBound() throws Exception {
    List<String> out = ProgramOutput.of(() -> SemaphoreFanOut.main(new String[0]));

    assertThat(out).hasSize(2);
    long[][] expected = {{1, 1}, {20, 2870}}; // inputs, and the sum of their squares
    for (int i = 0; i < 2; i++) {
      Matcher m = LINE.matcher(out.get(i));
      assertThat(m.matches()).as(out.get(i)).isTrue();
      assertThat(Long.parseLong(m.group(1))).isEqualTo(expected[i][0]);
      assertThat(Long.parseLong(m.group(2))).isEqualTo(expected[i][1]);
      int peak = Integer.parseInt(m.group(3));
      int bound = Integer.parseInt(m.group(4));
      assertThat(bound).isEqualTo(Runtime.getRuntime().availableProcessors());
      assertThat(peak).isBetween(1, bound);
    }
  }
}
