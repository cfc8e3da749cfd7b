package dev.runnel.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.Channel;
import dev.runnel.debug.DeadlockDetector;
import dev.runnel.sync.WaitGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link DetectDeadlocks} turns a hang into a failure with Go's report, and is quiet otherwise. */
@Timeout(60)
class DetectDeadlocksTest {

  @Sample
  @DetectDeadlocks
  static class TwoGoroutinesWaitingForEachOther {
    @Test
    void pingPongWithNobodyServing() throws InterruptedException {
      Channel<String> ping = Channel.make();
      Channel<String> pong = Channel.make();
      WaitGroup wg = new WaitGroup();
      wg.go(() -> pong.send(ping.receive()));
      wg.go(() -> ping.send(pong.receive()));
      wg.await(); // all three blocked for good
    }
  }

  @Test
  void aDeadlockFailsTheTestWithGosReport() {
    var results = Samples.run(TwoGoroutinesWaitingForEachOther.class);

    results.testEvents().assertStatistics(s -> s.started(1).failed(1));
    Throwable failure = Samples.onlyFailure(results.testEvents());
    assertThat(failure).isInstanceOf(AssertionError.class);
    assertThat(failure.getMessage())
        .startsWith("fatal error: all goroutines are asleep - deadlock!\n\n")
        .contains("[sync.WaitGroup.Wait]")
        .contains("[chan receive]")
        .contains("pingPongWithNobodyServing");
    // The interrupt ends either the test's wait (the cause) or first the goroutines, whose end
    // releases the wait: then the test returns and fails after it, with no cause.
    if (failure.getCause() != null) {
      assertThat(failure.getCause()).isInstanceOf(InterruptedException.class);
    }
    assertThat(DeadlockDetector.isEnabled()).as("disabled after the test").isFalse();
  }

  @Sample
  @DetectDeadlocks
  static class SwallowsTheInterrupt {
    @Test
    void waitsAndIgnoresTheInterrupt() {
      Channel<String> never = Channel.make();
      try {
        never.receive();
      } catch (InterruptedException e) {
        // a test that hides the interrupt still fails with the report
      }
    }
  }

  @Test
  void aTestThatSwallowsTheInterruptStillFails() {
    var results = Samples.run(SwallowsTheInterrupt.class);

    results.testEvents().assertStatistics(s -> s.started(1).failed(1));
    assertThat(Samples.onlyFailure(results.testEvents()).getMessage())
        .startsWith("fatal error: all goroutines are asleep - deadlock!");
  }

  @Sample
  @DetectDeadlocks
  static class Healthy {
    @Test
    void producerAndConsumer() throws InterruptedException {
      Channel<Integer> ch = Channel.make();
      WaitGroup wg = new WaitGroup();
      wg.go(
          () -> {
            for (int i = 0; i < 1000; i++) {
              ch.send(i);
            }
            ch.close();
          });
      long sum = 0;
      for (int v : ch) {
        sum += v;
      }
      wg.await();
      assertThat(sum).isEqualTo(499_500);
    }
  }

  @Test
  void aHealthyTestPasses() {
    Samples.run(Healthy.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));
  }
}
