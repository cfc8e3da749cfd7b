package dev.runnel.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Both forms of the job queue upload every payload, and leave no goroutine behind. */
class JobQueueDispatcherTest {

  @Test
  @Timeout(60)
  void everyPayloadIsUploadedByBothForms() throws Exception {
    List<String> out = ProgramOutput.of(() -> JobQueueDispatcher.main(new String[0]));

    assertThat(out)
        .containsExactly(
            "dispatcher: 100 of 100 payloads uploaded", "worker pool: 100 of 100 payloads uploaded");
  }
}
