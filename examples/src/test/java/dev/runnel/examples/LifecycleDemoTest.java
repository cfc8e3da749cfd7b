package dev.runnel.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The app stops the ticker before the consumer, which drains the channel: no event is lost. */
class LifecycleDemoTest {

  @Test
  @Timeout(60)
  void theTickerStopsFirstAndTheConsumerDrainsTheChannel() throws Exception {
    List<String> out = ProgramOutput.of(() -> LifecycleDemo.main(new String[0]));

    assertThat(out)
        .containsExactly(
            "ticker: started",
            "consumer: 3 events handled, asking the app to stop",
            "ticker: stopped, closing the channel",
            "consumer: channel drained, every event handled: true",
            "after stop: flushed",
            "exit: STOPPED, status 0");
  }
}
