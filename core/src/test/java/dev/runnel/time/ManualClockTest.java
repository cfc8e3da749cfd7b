package dev.runnel.time;

import static dev.runnel.testkit.Threads.awaitParked;
import static dev.runnel.time.TimerTest.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.internal.TimerTask;
import dev.runnel.testkit.Threads;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ManualClock}: reading, advancing, firing order, and waiting for pending timers. */
@Timeout(10)
class ManualClockTest {

  private final ManualClock clock = new ManualClock();

  /**
   * A queue task that records, in the advancing thread, the clock's reading when it fires.
   * White-box (the clock's queue is package-visible), because afterFunc functions run in their own
   * goroutines and would read the clock later.
   */
  private final class Probe extends TimerTask {
    final String name;
    final List<String> log;

    Probe(String name, List<String> log) {
      this.name = name;
      this.log = log;
    }

    void scheduleIn(Duration d) {
      clock.time.queue().schedule(this, clock.whenAfter(d));
    }

    @Override
    public void fire(long now) {
      // a failed assertion here would only reach the uncaught-exception handler: log instead
      log.add(name + "@" + clock.now() + (now == clock.nanoTime() ? "" : " now=" + now));
    }
  }

  @Test
  void startsAtTheMillennium() {
    assertThat(clock.now()).isEqualTo(Instant.parse("2000-01-01T00:00:00Z"));
    assertThat(clock.pendingTimers()).isZero();
    assertThat(clock.toString()).contains("2000-01-01T00:00:00Z");
  }

  @Test
  void startsAtTheGivenInstant() {
    Instant start = Instant.parse("2024-02-29T12:34:56.789Z");
    ManualClock c = new ManualClock(start);
    assertThat(c.now()).isEqualTo(start);
    c.advance(Duration.ofDays(1));
    assertThat(c.now()).isEqualTo(Instant.parse("2024-03-01T12:34:56.789Z"));
  }

  @Test
  void nowAndNanoTimeMoveOnlyWithAdvance() {
    long n0 = clock.nanoTime();
    assertThat(clock.now()).isEqualTo(START);
    clock.advance(Duration.ofMillis(1500));
    assertThat(clock.now()).isEqualTo(START.plusMillis(1500));
    assertThat(clock.nanoTime() - n0).isEqualTo(1_500_000_000L);
    clock.advance(Duration.ZERO);
    assertThat(clock.now()).isEqualTo(START.plusMillis(1500));
    assertThat(clock.since(START)).isEqualTo(Duration.ofMillis(1500));
    assertThat(clock.until(START.plusSeconds(10))).isEqualTo(Duration.ofMillis(8500));
    assertThat(clock.until(START)).isEqualTo(Duration.ofMillis(-1500));
  }

  @Test
  void advanceBackwardsIsRejected() {
    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> clock.advance(Duration.ofNanos(-1)))
        .isExactlyInstanceOf(IllegalArgumentException.class);
    assertThat(clock.now()).isEqualTo(START.plusSeconds(1));
  }

  @Test
  void advanceFiresInDeadlineOrderWithTheClockReadingEachDeadline() {
    List<String> log = new ArrayList<>();
    new Probe("c", log).scheduleIn(Duration.ofSeconds(3));
    new Probe("a", log).scheduleIn(Duration.ofSeconds(1));
    new Probe("d", log).scheduleIn(Duration.ofSeconds(3)); // same deadline: scheduling order
    new Probe("b", log).scheduleIn(Duration.ofSeconds(2));
    new Probe("late", log).scheduleIn(Duration.ofSeconds(60));
    clock.advance(Duration.ofSeconds(10));
    assertThat(log)
        .containsExactly(
            "a@" + START.plusSeconds(1),
            "b@" + START.plusSeconds(2),
            "c@" + START.plusSeconds(3),
            "d@" + START.plusSeconds(3));
    assertThat(clock.now()).isEqualTo(START.plusSeconds(10));
    assertThat(clock.pendingTimers()).isEqualTo(1);
  }

  @Test
  void timersScheduledWhileFiringFireInTheSameAdvance() {
    List<String> log = new ArrayList<>();
    // reschedules itself one second later, five times
    TimerTask repeating =
        new TimerTask() {
          int runs;

          @Override
          public void fire(long now) {
            log.add("r@" + clock.now());
            if (++runs < 5) {
              clock.time.queue().schedule(this, now + Duration.ofSeconds(1).toNanos());
            }
          }
        };
    clock.time.queue().schedule(repeating, clock.whenAfter(Duration.ofSeconds(1)));
    new Probe("x", log).scheduleIn(Duration.ofMillis(2500));
    clock.advance(Duration.ofSeconds(10));
    assertThat(log)
        .containsExactly(
            "r@" + START.plusSeconds(1),
            "r@" + START.plusSeconds(2),
            "x@" + START.plusMillis(2500),
            "r@" + START.plusSeconds(3),
            "r@" + START.plusSeconds(4),
            "r@" + START.plusSeconds(5));
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void blockedTimerReceiversGetTheirOwnDeadlines() throws Exception {
    Timer late = clock.newTimer(Duration.ofSeconds(7));
    Timer early = clock.newTimer(Duration.ofSeconds(2));
    Task<Instant> r1 = Runner.VIRTUAL.call(() -> late.c().receive());
    Task<Instant> r2 = Runner.VIRTUAL.call(() -> early.c().receive());
    clock.awaitPendingTimers(2);
    clock.advance(Duration.ofSeconds(30));
    assertThat(r1.join()).isEqualTo(START.plusSeconds(7));
    assertThat(r2.join()).isEqualTo(START.plusSeconds(2));
  }

  @Test
  void aTaskDueWhenQueuedFiresOnceWithoutAnAdvance() {
    List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
    clock.advance(Duration.ofSeconds(4));
    new Probe("now", log).scheduleIn(Duration.ZERO);
    Threads.eventually("the catch-up fired the due task", () -> log.size() == 1);
    clock.advance(Duration.ZERO); // nothing is due any more
    assertThat(log).containsExactly("now@" + START.plusSeconds(4));
  }

  @Test
  void advanceToNextTimerJumpsExactlyToTheEarliestDeadline() throws InterruptedException {
    assertThat(clock.advanceToNextTimer()).as("no timer").isNull();
    assertThat(clock.now()).isEqualTo(START);
    Channel<Instant> runs = Channel.make(2);
    clock.afterFunc(Duration.ofSeconds(5), () -> runs.trySend(clock.now()));
    clock.afterFunc(Duration.ofMillis(1234), () -> runs.trySend(clock.now()));
    assertThat(clock.advanceToNextTimer()).isEqualTo(Duration.ofMillis(1234));
    assertThat(clock.now()).isEqualTo(START.plusMillis(1234));
    assertThat(clock.pendingTimers()).isEqualTo(1);
    assertThat(runs.receive(Duration.ofSeconds(5)).value()).isEqualTo(START.plusMillis(1234));
    assertThat(clock.advanceToNextTimer()).isEqualTo(Duration.ofMillis(5000 - 1234));
    assertThat(clock.now()).isEqualTo(START.plusSeconds(5));
    assertThat(runs.receive(Duration.ofSeconds(5)).value()).isEqualTo(START.plusSeconds(5));
    assertThat(clock.advanceToNextTimer()).isNull();
    assertThat(clock.now()).isEqualTo(START.plusSeconds(5));
  }

  @Test
  void advanceToNextTimerWakesASleeper() throws Exception {
    Task<Void> sleeper = Runner.VIRTUAL.run(() -> clock.sleep(Duration.ofMinutes(90)));
    clock.awaitPendingTimers(1);
    assertThat(clock.advanceToNextTimer()).isEqualTo(Duration.ofMinutes(90));
    sleeper.join();
    assertThat(clock.now()).isEqualTo(START.plusSeconds(5400));
  }

  @Test
  void awaitPendingTimersBlocksUntilEnoughTimersArePending() throws Exception {
    Channel<Boolean> gate1 = Channel.make();
    Channel<Boolean> gate2 = Channel.make();
    Task<Void> s1 =
        Runner.VIRTUAL.run(
            () -> {
              gate1.receive();
              clock.sleep(Duration.ofSeconds(1));
            });
    Task<Void> s2 =
        Runner.VIRTUAL.run(
            () -> {
              gate2.receive();
              clock.sleep(Duration.ofSeconds(2));
            });
    Task<Void> waiting = Runner.VIRTUAL.run(() -> clock.awaitPendingTimers(2));
    awaitParked(waiting.thread());
    assertThat(waiting.isDone()).isFalse();
    gate1.close(); // one sleeper: not enough
    clock.awaitPendingTimers(1);
    awaitParked(waiting.thread());
    assertThat(waiting.isDone()).isFalse();
    gate2.close();
    waiting.join();
    assertThat(clock.pendingTimers()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(2));
    s1.join();
    s2.join();
  }

  @Test
  void awaitPendingTimersReturnsAtOnceWhenReached() throws InterruptedException {
    clock.awaitPendingTimers(0);
    clock.afterFunc(Duration.ofSeconds(1), () -> {});
    clock.awaitPendingTimers(1);
  }

  @Test
  void awaitPendingTimersIsInterruptible() throws Exception {
    Task<Void> waiting = Runner.VIRTUAL.run(() -> clock.awaitPendingTimers(1));
    awaitParked(waiting.thread());
    waiting.thread().interrupt();
    assertThat(waiting.failure()).isInstanceOf(InterruptedException.class);
  }

  @Test
  void concurrentAdvancesAddUp() throws Exception {
    List<Task<Void>> advancers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      advancers.add(
          Runner.PLATFORM.run(
              () -> {
                for (int j = 0; j < 1000; j++) {
                  clock.advance(Duration.ofMillis(1));
                }
              }));
    }
    for (Task<Void> a : advancers) {
      a.join();
    }
    assertThat(clock.now()).isEqualTo(START.plusSeconds(8));
  }
}
