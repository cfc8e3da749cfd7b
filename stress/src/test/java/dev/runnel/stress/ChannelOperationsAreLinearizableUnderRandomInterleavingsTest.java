package dev.runnel.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.stress.ChannelBlockingOperationsAreLinearizableTest.Step;
import dev.runnel.stress.ChannelHistoryChecker.Op;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scenarios of {@link ChannelBlockingOperationsAreLinearizableTest}, many more of them, on
 * real threads (virtual and platform, alternately) instead of under Lincheck's model checker:
 * fewer interleavings per scenario, but the real park/unpark, the real spin phase of the waiter,
 * and timing that no model reproduces. Each history is checked against {@link ChannelModel} by
 * {@link ChannelHistoryChecker}.
 *
 * <p>Half the scenarios close the channel at once; the other half first wait until every worker
 * has finished or parked, so that the close wakes blocked goroutines.
 */
class ChannelOperationsAreLinearizableUnderRandomInterleavingsTest {

  // Sample and full budget (StressBudget).
  private static final int SCENARIOS_PER_CAPACITY = StressBudget.pick(3_000, 30_000);

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void unbuffered() {
    runRandomScenarios(0);
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void capacityOne() {
    runRandomScenarios(1);
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void capacityTwo() {
    runRandomScenarios(2);
  }

  /** Waits (briefly, at most) until every worker has finished or is parked. */
  private static void awaitFinishedOrParked(Thread[] workers) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    for (Thread w : workers) {
      while (System.nanoTime() < deadline) {
        Thread.State s = w.getState();
        if (s == Thread.State.TERMINATED || s == Thread.State.WAITING) {
          break;
        }
        Thread.onSpinWait();
      }
    }
  }

  private static void runRandomScenarios(int capacity) {
    Random random = new Random(ChannelBlockingOperationsAreLinearizableTest.SEED + 100 + capacity);
    for (int i = 0; i < SCENARIOS_PER_CAPACITY; i++) {
      List<List<Step>> scenario =
          ChannelBlockingOperationsAreLinearizableTest.randomScenario(random);
      ThreadFactory threads =
          i % 2 == 0 ? Thread.ofVirtual().factory() : Thread.ofPlatform().factory();
      boolean waitForWorkers = random.nextBoolean();
      List<Op> history =
          ChannelBlockingOperationsAreLinearizableTest.run(
              capacity,
              scenario,
              threads,
              workers -> {
                if (waitForWorkers) {
                  awaitFinishedOrParked(workers);
                }
              });
      assertThat(ChannelHistoryChecker.isLinearizable(capacity, history))
          .as("linearizable on a channel of capacity %d: %s", capacity, history)
          .isTrue();
    }
  }
}
