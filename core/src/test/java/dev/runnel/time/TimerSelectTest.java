package dev.runnel.time;

import static dev.runnel.testkit.Threads.awaitParked;
import static dev.runnel.time.TimerTest.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.Select;
import dev.runnel.internal.WaitReason;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Timers and {@code after} as select cases, and the "time.After in a loop" pitfall. */
@Timeout(30)
class TimerSelectTest {

  private final ManualClock clock = new ManualClock();

  @Test
  void readyChannelWinsOverAnAfterThatIsNotDue() throws InterruptedException {
    for (int i = 0; i < 50; i++) {
      Channel<String> ch = Channel.make(1);
      ch.send("value");
      String won =
          Select.<String>expression()
              .onReceive(ch, v -> v)
              .onReceive(clock.after(Duration.ofSeconds(1)), t -> "timeout")
              .run();
      assertThat(won).isEqualTo("value");
    }
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void afterWinsWhenTheClockAdvances() throws Exception {
    Channel<String> never = Channel.make();
    Task<String> selector =
        Runner.VIRTUAL.call(
            () ->
                Select.<String>expression()
                    .onReceive(never, v -> "channel")
                    .onReceive(clock.after(Duration.ofHours(1)), t -> "after " + t)
                    .run());
    assertThat(awaitParked(selector.thread()).reason()).isEqualTo(WaitReason.SELECT);
    clock.awaitPendingTimers(1);
    clock.advance(Duration.ofMinutes(59));
    assertThat(selector.isDone()).isFalse();
    clock.advance(Duration.ofMinutes(1));
    assertThat(selector.join()).isEqualTo("after " + START.plusSeconds(3600));
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void dueAfterIsReadyWithoutAdvance() throws InterruptedException {
    clock.advance(Duration.ofSeconds(3));
    String won =
        Select.<String>expression()
            .onReceive(clock.after(Duration.ZERO), t -> "after " + t)
            .otherwise(() -> "default")
            .run();
    assertThat(won).isEqualTo("after " + START.plusSeconds(3));
  }

  @Test
  void timerChannelInSelectIsUnqueuedWhenAnotherCaseWins() throws Exception {
    Timer t = clock.newTimer(Duration.ofMinutes(5));
    Channel<String> ch = Channel.make();
    Task<String> selector =
        Runner.VIRTUAL.call(
            () ->
                Select.<String>expression()
                    .onReceive(ch, v -> v)
                    .onReceive(t.c(), x -> "timer")
                    .run());
    awaitParked(selector.thread());
    clock.awaitPendingTimers(1);
    ch.send("channel");
    assertThat(selector.join()).isEqualTo("channel");
    assertThat(clock.pendingTimers()).isZero();
    // the timer is still armed and delivers later to a plain receive
    assertThat(t.stop()).isTrue();
    t.reset(Duration.ofMinutes(1));
    clock.advance(Duration.ofMinutes(1));
    assertThat(t.c().tryReceive().value()).isEqualTo(START.plusSeconds(60));
  }

  @Test
  void afterInEveryIterationOfAParkedSelectLoopLeavesNoTimerBehind() throws Exception {
    // Each iteration parks in a select on a channel and a fresh after(1h); the channel always
    // wins. The seed 003 pitfall: the after() timers must not pile up in the clock's queue.
    int n = 300;
    Channel<Integer> work = Channel.make();
    AtomicInteger maxPendingAfterSelect = new AtomicInteger();
    AtomicInteger timeouts = new AtomicInteger();
    Task<Integer> consumer =
        Runner.VIRTUAL.call(
            () -> {
              AtomicReference<Integer> got = new AtomicReference<>();
              int sum = 0;
              for (int i = 0; i < n; i++) {
                Select.select()
                    .onReceive(work, got::set)
                    .onReceive(clock.after(Duration.ofHours(1)), x -> timeouts.incrementAndGet())
                    .run();
                sum += got.get();
                maxPendingAfterSelect.accumulateAndGet(clock.pendingTimers(), Math::max);
              }
              return sum;
            });
    int expected = 0;
    for (int i = 0; i < n; i++) {
      clock.awaitPendingTimers(1); // the consumer is (or was just) parked with its after queued
      work.send(i);
      expected += i;
    }
    assertThat(consumer.join()).isEqualTo(expected);
    assertThat(timeouts).hasValue(0);
    assertThat(maxPendingAfterSelect).as("timers left after each select").hasValue(0);
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void afterInAFastSelectLoopNeverAccumulates() throws Exception {
    int n = 20_000;
    Channel<Integer> work = Channel.make();
    Go.go(
        () -> {
          for (int i = 0; i < n; i++) {
            work.send(i);
          }
        });
    AtomicInteger received = new AtomicInteger();
    int maxPending = 0;
    for (int i = 0; i < n; i++) {
      // a new select each time, so each iteration has its own after() as in Go
      Select.select()
          .onReceive(work, v -> received.incrementAndGet())
          .onReceive(clock.after(Duration.ofHours(1)), x -> {})
          .run();
      maxPending = Math.max(maxPending, clock.pendingTimers());
    }
    assertThat(received).hasValue(n);
    assertThat(maxPending).isZero();
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void selectOnAFiredUnreceivedTimerTakesItsValue() throws InterruptedException {
    Timer t = clock.newTimer(Duration.ofSeconds(2));
    clock.advance(Duration.ofSeconds(5));
    Instant[] got = new Instant[1];
    Select.select().onReceive(t.c(), v -> got[0] = v).otherwise(() -> {}).run();
    assertThat(got[0]).isEqualTo(START.plusSeconds(2));
    assertThat(t.stop()).isFalse();
  }

  @Test
  void timerFiringWhileAnotherCaseWinsIsDeliveredExactlyOnce() throws Exception {
    // Races a channel send against the timer's firing for a parked select, so that the timer
    // sometimes fires into a select that another case has just won (its value is then kept
    // for a later receive). Whatever wins, the timer's value is received exactly once, and
    // stop() reports it active exactly when it was not yet received.
    int iterations = 1000;
    int timerWon = 0;
    for (int i = 0; i < iterations; i++) {
      ManualClock c = new ManualClock();
      Timer t = c.newTimer(Duration.ofSeconds(1));
      Channel<String> ch = Channel.make(1);
      Task<String> selector =
          Runner.VIRTUAL.call(
              () ->
                  Select.<String>expression()
                      .onReceive(ch, v -> v)
                      .onReceive(t.c(), x -> "timer " + x)
                      .run());
      awaitParked(selector.thread());
      c.awaitPendingTimers(1);
      Task<Void> sender = Runner.VIRTUAL.run(() -> ch.send("channel"));
      c.advance(Duration.ofSeconds(1));
      String won = selector.join();
      sender.join();
      if (won.startsWith("timer")) {
        timerWon++;
        assertThat(won).isEqualTo("timer " + START.plusSeconds(1));
        assertThat(ch.tryReceive().value()).isEqualTo("channel");
        assertThat(t.c().tryReceive()).as("iteration %d: delivered once", i).isNull();
        assertThat(t.stop()).as("iteration %d: received", i).isFalse();
      } else if (i % 2 == 0) {
        assertThat(won).isEqualTo("channel");
        assertThat(t.stop()).as("iteration %d: fired, not received", i).isTrue();
        assertThat(t.c().tryReceive()).as("iteration %d: discarded by stop", i).isNull();
      } else {
        assertThat(won).isEqualTo("channel");
        assertThat(t.c().tryReceive().value())
            .as("iteration %d", i)
            .isEqualTo(START.plusSeconds(1));
        assertThat(t.c().tryReceive()).as("iteration %d: delivered once", i).isNull();
        assertThat(t.stop()).as("iteration %d: received", i).isFalse();
      }
      assertThat(c.pendingTimers()).isZero();
    }
    assertThat(timerWon).isBetween(0, iterations);
  }
}
