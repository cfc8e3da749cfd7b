package dev.runnel.rate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import dev.runnel.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Sometimes}: Go's rate.Sometimes{First, Every, Interval}.Do. */
@Timeout(20)
class SometimesTest {

  private final ManualClock clock = new ManualClock();

  /** Calls {@code s.run} {@code calls} times; returns the 1-based numbers of the calls that ran. */
  private static List<Integer> runs(Sometimes s, int calls) {
    List<Integer> ran = new ArrayList<>();
    for (int i = 1; i <= calls; i++) {
      int call = i;
      s.run(() -> ran.add(call));
    }
    return ran;
  }

  @Test
  void firstRunsTheFirstNCallsOnly() {
    assertThat(runs(new Sometimes(3, 0, Duration.ZERO, clock), 10)).containsExactly(1, 2, 3);
  }

  @Test
  void everyRunsEveryNthCallStartingWithTheFirst() {
    assertThat(runs(new Sometimes(0, 3, Duration.ZERO, clock), 10)).containsExactly(1, 4, 7, 10);
    assertThat(runs(new Sometimes(0, 1, Duration.ZERO, clock), 4)).containsExactly(1, 2, 3, 4);
  }

  @Test
  void intervalRunsTheFirstCallThenWhenTheIntervalHasPassedSinceTheLastRun() {
    Sometimes s = new Sometimes(0, 0, Duration.ofSeconds(1), clock);
    AtomicInteger count = new AtomicInteger();
    s.run(count::incrementAndGet); // first call: runs
    assertThat(count).hasValue(1);
    s.run(count::incrementAndGet);
    clock.advance(Duration.ofMillis(999));
    s.run(count::incrementAndGet);
    assertThat(count).hasValue(1);
    clock.advance(Duration.ofMillis(1)); // exactly the interval: runs
    s.run(count::incrementAndGet);
    assertThat(count).hasValue(2);
    clock.advance(Duration.ofMillis(500));
    s.run(count::incrementAndGet);
    assertThat(count).hasValue(2);
    clock.advance(Duration.ofMillis(500)); // measured from the last run, not the last call
    s.run(count::incrementAndGet);
    assertThat(count).hasValue(3);
    clock.advance(Duration.ofHours(1)); // a long pause gives one run, not one per interval
    s.run(count::incrementAndGet);
    s.run(count::incrementAndGet);
    assertThat(count).hasValue(4);
  }

  @Test
  void theIntervalCountsFromTheEndOfTheRun() {
    // Go records the time after the function returns.
    Sometimes s = new Sometimes(0, 0, Duration.ofSeconds(1), clock);
    AtomicInteger count = new AtomicInteger();
    s.run(
        () -> {
          count.incrementAndGet();
          clock.advance(Duration.ofSeconds(1)); // a slow action
        });
    s.run(count::incrementAndGet); // a second after the start, but at the end of the run
    assertThat(count).hasValue(1);
    clock.advance(Duration.ofSeconds(1));
    s.run(count::incrementAndGet);
    assertThat(count).hasValue(2);
  }

  @Test
  void firstAndEveryCombineWithOr() {
    assertThat(runs(new Sometimes(2, 4, Duration.ZERO, clock), 10)).containsExactly(1, 2, 5, 9);
  }

  @Test
  void firstEveryAndIntervalCombineWithOr() {
    Sometimes s = new Sometimes(2, 5, Duration.ofSeconds(1), clock);
    List<Integer> ran = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      int call = i;
      if (i == 8) {
        clock.advance(Duration.ofSeconds(1)); // a second after the run of call 6
      }
      s.run(() -> ran.add(call));
    }
    // first: 1, 2; every 5th: 1, 6, 11; interval: 8 (a second after the run of call 6).
    assertThat(ran).containsExactly(1, 2, 6, 8, 11);
  }

  @Test
  void noSettingRunsExactlyOnce() {
    // Go: "A zero Sometimes value will perform an action exactly once."
    assertThat(runs(new Sometimes(0, 0, Duration.ZERO, clock), 5)).containsExactly(1);
    clock.advance(Duration.ofHours(1));
    assertThat(runs(new Sometimes(0, 0, Duration.ZERO, clock), 5)).containsExactly(1);
  }

  @Test
  void theFirstCallAlwaysRuns() {
    assertThat(runs(new Sometimes(0, 0, Duration.ofHours(1), clock), 3)).containsExactly(1);
    assertThat(runs(new Sometimes(0, 100, Duration.ZERO, clock), 3)).containsExactly(1);
    assertThat(runs(new Sometimes(1, 0, Duration.ZERO, clock), 3)).containsExactly(1);
  }

  @Test
  void aThrowingActionPropagatesAndDoesNotBlockLaterCalls() {
    Sometimes s = new Sometimes(0, 1, Duration.ZERO, clock);
    assertThatThrownBy(() -> s.run(() -> {
          throw new IllegalStateException("boom");
        }))
        .hasMessage("boom");
    AtomicInteger count = new AtomicInteger();
    s.run(count::incrementAndGet); // the lock was released
    assertThat(count).hasValue(1);
  }

  @Test
  void concurrentCallsAreSerializedAndCountedOnce() throws Exception {
    Sometimes s = new Sometimes(0, 10, Duration.ZERO, clock);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    AtomicInteger ran = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Task<Void>> tasks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      tasks.add(
          Runner.VIRTUAL.run(
              () -> {
                start.await();
                for (int k = 0; k < 1_000; k++) {
                  s.run(
                      () -> {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        ran.incrementAndGet();
                        Thread.yield();
                        inside.decrementAndGet();
                      });
                }
              }));
    }
    start.countDown();
    for (Task<Void> task : tasks) {
      task.join();
    }
    assertThat(maxInside.get()).isEqualTo(1);
    assertThat(ran.get()).isEqualTo(800); // calls 1, 11, ..., 7991 of 8000
  }

  /** A null action fails at every call, even one that would not run it, and counts nothing. */
  @Test
  void aNullActionFailsAtTheCallAndCountsNothing() {
    Sometimes s = new Sometimes(0, 2, Duration.ZERO, clock);
    List<Integer> ran = new ArrayList<>();
    s.run(() -> ran.add(1));
    assertThatThrownBy(() -> s.run(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("action");
    s.run(() -> ran.add(2)); // the second call: not run (every 2nd)
    s.run(() -> ran.add(3)); // the third: run
    assertThat(ran).containsExactly(1, 3);
  }

  @Test
  void nullSettingsAreRefusedAtConstruction() {
    assertThatThrownBy(() -> new Sometimes(1, 0, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("interval");
    assertThatThrownBy(() -> new Sometimes(1, 0, Duration.ZERO, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("clock");
  }
}
