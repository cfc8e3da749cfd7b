package dev.runnel.kit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UninterruptiblyTest {

  @Test
  void aWaitCutShortByInterruptsIsBegunAgainAndTheInterruptIsKeptForAfterIt() {
    AtomicInteger calls = new AtomicInteger();
    Uninterruptibly.await(
        () -> {
          if (calls.incrementAndGet() < 3) {
            throw new InterruptedException();
          }
        });
    assertThat(calls).hasValue(3);
    assertThat(Thread.interrupted()).isTrue(); // and clears it for the next test
  }

  @Test
  void aWaitThatIsNotInterruptedRunsOnceAndLeavesTheFlagClear() {
    AtomicInteger calls = new AtomicInteger();
    Uninterruptibly.await(calls::incrementAndGet);
    assertThat(calls).hasValue(1);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }
}
