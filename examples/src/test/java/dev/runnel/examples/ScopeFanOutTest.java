package dev.runnel.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The scope builds the page, fails fast, and the shapes return what they promise. */
class ScopeFanOutTest {

  @Test
  @Timeout(60)
  void theScopeTellsItsStory() throws Exception {
    List<String> out = ProgramOutput.of(() -> ScopeFanOut.main(new String[0]));

    assertThat(out)
        .containsExactly(
            "page: Page[user=user 42, orders=[order 1, order 2]]",
            "failed fast: the orders service is down; the slow lookup was cancelled",
            "par: [price A, price B]",
            "race: replica 2 answered first; the others were cancelled");
  }
}
