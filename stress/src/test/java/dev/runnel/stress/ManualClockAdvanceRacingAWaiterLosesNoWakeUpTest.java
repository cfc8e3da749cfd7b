package dev.runnel.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.time.ManualClock;
import dev.runnel.time.Timer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A goroutine that starts waiting on a {@link ManualClock} while another advances it past the
 * deadline must not be left waiting once {@code advance} has returned: whichever way the two are
 * ordered, either the wait began before the advance (and the advance fires it) or after it (and
 * the wait finds its deadline already passed). Each round starts a waiter and an advancer
 * together and gives the waiter 5 s after the advance returns.
 */
class ManualClockAdvanceRacingAWaiterLosesNoWakeUpTest {

  // Sample and full budget (StressBudget).
  private static final int ROUNDS = StressBudget.pick(2_000, 20_000);
  /** Fewer: a round whose sleep rightly outlasts the advance costs 100 ms. */
  private static final int SLEEP_ROUNDS = StressBudget.pick(40, 400);
  private static final long PATIENCE_MS = 5_000;

  interface Wait {
    void await(ManualClock clock, Timer timer) throws InterruptedException;
  }

  @Test
  @Timeout(600)
  void timerReceiveRacingAdvance() throws Exception {
    race((clock, timer) -> timer.c().receive());
  }

  /**
   * A sleep reads the clock, then queues its timer. One that read the clock before the advance
   * must be woken by it (or by the catch-up); one that read it after rightly sleeps a full second
   * more. So a sleeper still asleep after the advance must have its timer in the future: the next
   * timer is a whole second away, never already due.
   */
  @Test
  @Timeout(600)
  void sleepRacingAdvance() throws Exception {
    for (int round = 0; round < SLEEP_ROUNDS; round++) {
      ManualClock clock = new ManualClock();
      CountDownLatch go = new CountDownLatch(1);
      CountDownLatch woke = new CountDownLatch(1);
      Thread sleeper =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      go.await();
                      clock.sleep(Duration.ofSeconds(1));
                      woke.countDown();
                    } catch (InterruptedException e) {
                      // ends the round
                    }
                  });
      go.countDown();
      clock.advance(Duration.ofSeconds(1));
      long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MS);
      while (!woke.await(1, TimeUnit.MILLISECONDS)) {
        // Asleep with its timer queued: a due timer is fired within moments (by the advance or
        // the catch-up), so one still queued after 100 ms must be the second-away kind.
        if (clock.pendingTimers() == 1 && !woke.await(100, TimeUnit.MILLISECONDS)) {
          assertThat(clock.advanceToNextTimer())
              .as("round %d: a due timer was left unfired", round)
              .isEqualTo(Duration.ofSeconds(1));
        }
        assertThat(System.nanoTime() - giveUp)
            .as("round %d: the sleeper never woke", round)
            .isNegative();
      }
      sleeper.join(TimeUnit.SECONDS.toMillis(30));
    }
  }

  private static void race(Wait wait) throws Exception {
    int stuck = 0;
    for (int round = 0; round < ROUNDS && stuck == 0; round++) {
      ManualClock clock = new ManualClock();
      Timer timer = clock.newTimer(Duration.ofSeconds(1));
      CountDownLatch go = new CountDownLatch(1);
      CountDownLatch woke = new CountDownLatch(1);
      Thread waiter =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      go.await();
                      wait.await(clock, timer);
                      woke.countDown();
                    } catch (InterruptedException e) {
                      // interrupted below after a lost wake-up
                    }
                  });
      Thread advancer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      go.await();
                    } catch (InterruptedException e) {
                      return;
                    }
                    clock.advance(Duration.ofSeconds(1));
                  });
      go.countDown();
      advancer.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(advancer.isAlive()).as("advance returned").isFalse();
      if (!woke.await(PATIENCE_MS, TimeUnit.MILLISECONDS)) {
        stuck++;
        waiter.interrupt();
      }
      waiter.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertThat(stuck).as("rounds where the waiter slept through advance()").isZero();
  }
}
