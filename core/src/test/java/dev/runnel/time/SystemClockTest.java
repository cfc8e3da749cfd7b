package dev.runnel.time;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.Channel;
import dev.runnel.Received;
import dev.runnel.Select;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real clock path ({@link Time}, the timer thread): lower bounds are exact, upper bounds are
 * generous for a loaded machine.
 */
@Timeout(60)
class SystemClockTest {

  private static final Duration GENEROUS = Duration.ofSeconds(10);

  private static Duration since(long t0) {
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  @Test
  void systemClockIsTimesClock() {
    assertThat(Clock.system()).isSameAs(Clock.system());
    assertThat(Clock.system().toString()).isEqualTo("Clock.system()");
    Instant before = Instant.now();
    assertThat(Time.now()).isAfterOrEqualTo(before);
    assertThat(Time.since(before).isNegative()).isFalse();
    assertThat(Time.until(before.plusSeconds(3600))).isPositive();
  }

  @Test
  void newTimerFiresAfterItsDelay() throws InterruptedException {
    Duration d = Duration.ofMillis(50);
    Instant wallBefore = Instant.now();
    long t0 = System.nanoTime();
    Timer t = Time.newTimer(d);
    Received<Instant> r = t.c().receive(GENEROUS);
    Duration took = since(t0);
    assertThat(r).as("fired within " + GENEROUS).isNotNull();
    assertThat(took).isGreaterThanOrEqualTo(d).isLessThan(GENEROUS);
    // the value is the fire time: about wallBefore + d (wall and monotonic clocks may drift a bit)
    assertThat(r.value())
        .isAfter(wallBefore.plus(d).minusMillis(20))
        .isBefore(Instant.now().plusMillis(20));
    assertThat(t.stop()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedReceiverIsWokenByTheTimerThread(Runner runner) throws Exception {
    Timer t = Time.newTimer(Duration.ofMillis(30));
    long t0 = System.nanoTime();
    Task<Instant> receiver = runner.call(() -> t.c().receive());
    assertThat(receiver.join(GENEROUS)).isNotNull();
    assertThat(since(t0)).isLessThan(GENEROUS);
  }

  @Test
  void stopOfAnExpiredUnreceivedTimerDiscardsItsValue() throws InterruptedException {
    Timer t = Time.newTimer(Duration.ofMillis(5));
    Time.sleep(Duration.ofMillis(30)); // let it expire without receiving
    assertThat(t.stop()).as("fired but unreceived is active").isTrue();
    assertThat(t.c().tryReceive()).isNull();
    assertThat(t.c().receive(Duration.ofMillis(50))).isNull();
  }

  @Test
  void resetOfAnExpiredUnreceivedTimerDeliversOnlyTheNewValue() throws InterruptedException {
    Timer t = Time.newTimer(Duration.ofMillis(5));
    Time.sleep(Duration.ofMillis(30));
    Instant resetAt = Instant.now();
    assertThat(t.reset(Duration.ofMillis(50))).isTrue();
    assertThat(t.c().tryReceive()).as("stale value").isNull();
    Received<Instant> r = t.c().receive(GENEROUS);
    assertThat(r).isNotNull();
    assertThat(r.value()).isAfter(resetAt.plusMillis(30));
  }

  @Test
  void afterWinsASelectAgainstANeverReadyChannel() throws InterruptedException {
    Channel<String> never = Channel.make();
    long t0 = System.nanoTime();
    String won =
        Select.<String>expression()
            .onReceive(never, v -> "channel")
            .onReceive(Time.after(Duration.ofMillis(40)), t -> "after")
            .run(GENEROUS, "select timed out");
    assertThat(won).isEqualTo("after");
    assertThat(since(t0)).isGreaterThanOrEqualTo(Duration.ofMillis(40)).isLessThan(GENEROUS);
  }

  @Test
  void readyChannelWinsASelectAgainstAfter() throws InterruptedException {
    Channel<String> ready = Channel.make(1);
    ready.send("channel");
    String won =
        Select.<String>expression()
            .onReceive(ready, v -> v)
            .onReceive(Time.after(Duration.ofSeconds(30)), t -> "after")
            .run();
    assertThat(won).isEqualTo("channel");
  }

  @Test
  void tickerDeliversRepeatedly() throws InterruptedException {
    Duration period = Duration.ofMillis(10);
    long t0 = System.nanoTime();
    Ticker ticker = Time.newTicker(period);
    List<Instant> ticks = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        Received<Instant> r = ticker.c().receive(GENEROUS);
        assertThat(r).as("tick %d", i + 1).isNotNull();
        ticks.add(r.value());
      }
    } finally {
      ticker.stop();
    }
    assertThat(since(t0)).isGreaterThanOrEqualTo(period.multipliedBy(5)).isLessThan(GENEROUS);
    assertThat(ticks).isSorted().doesNotHaveDuplicates();
    assertThat(ticker.c().tryReceive()).as("no tick after stop").isNull();
    assertThat(ticker.c().receive(Duration.ofMillis(50))).as("no tick after stop").isNull();
  }

  @Test
  void tickChannelDelivers() throws InterruptedException {
    assertThat(Time.tick(Duration.ofMillis(5)).receive(GENEROUS)).isNotNull();
    assertThat(Time.tick(Duration.ZERO).tryReceive()).isNull();
  }

  @Test
  void afterFuncRunsAfterItsDelay() throws InterruptedException {
    CountDownLatch ran = new CountDownLatch(1);
    long[] at = new long[1];
    long t0 = System.nanoTime();
    Timer t =
        Time.afterFunc(
            Duration.ofMillis(30),
            () -> {
              at[0] = System.nanoTime();
              ran.countDown();
            });
    assertThat(ran.await(GENEROUS.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(at[0] - t0).isGreaterThanOrEqualTo(Duration.ofMillis(30).toNanos());
    assertThat(t.stop()).isFalse();
  }

  @Test
  void stoppedAfterFuncNeverRuns() throws InterruptedException {
    CountDownLatch ran = new CountDownLatch(1);
    Timer t = Time.afterFunc(Duration.ofMillis(20), ran::countDown);
    assertThat(t.stop()).isTrue();
    assertThat(ran.await(100, TimeUnit.MILLISECONDS)).isFalse();
  }

  @Test
  void manyTimersFireAndTheQueueEmpties() throws Exception {
    // a hundred goroutines each wait on their own timer; all are woken by the one timer thread
    List<Task<Instant>> receivers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Timer t = Time.newTimer(Duration.ofMillis(10 + i % 20));
      receivers.add(Runner.VIRTUAL.call(() -> t.c().receive()));
    }
    for (Task<Instant> r : receivers) {
      assertThat(r.join(GENEROUS)).isNotNull();
    }
  }

  @Test
  void timerThreadIsOneDaemonPlatformThread() throws Exception {
    Time.newTimer(Duration.ofMillis(1)).c().receive();
    List<Thread> timerThreads =
        Thread.getAllStackTraces().keySet().stream()
            .filter(th -> th.getName().equals("runnel-timer"))
            .toList();
    assertThat(timerThreads).hasSize(1);
    assertThat(timerThreads.get(0).isDaemon()).isTrue();
    assertThat(timerThreads.get(0).isVirtual()).isFalse();
    Task<Instant> r = Runner.VIRTUAL.call(() -> Time.newTimer(Duration.ofMillis(1)).c().receive());
    assertThat(r.join()).isNotNull();
  }

  @Test
  void stopRacingTheTimerThreadReportsExactlyWhetherTheValueWasReceived() throws Exception {
    // A waiting receiver and stop() race the timer thread. Go 1.23: stop returns true iff the
    // value was not received, and after stop no value is received; so exactly one of the two.
    Random rnd = new Random(5);
    int stoppedFirst = 0;
    for (int i = 0; i < 2000; i++) {
      Timer t = Time.newTimer(Duration.ofNanos(rnd.nextInt(200_000)));
      Channel<Boolean> quit = Channel.make();
      Task<String> receiver =
          Runner.VIRTUAL.call(
              () ->
                  Select.<String>expression()
                      .onReceive(t.c(), x -> "timer")
                      .onReceive(quit, x -> "quit")
                      .run());
      if (rnd.nextBoolean()) {
        Thread.onSpinWait();
      }
      boolean stopped = t.stop();
      quit.close();
      String got = receiver.join(GENEROUS);
      if (stopped) {
        stoppedFirst++;
        assertThat(got)
            .as("iteration %d: stop() was true, so nothing is received", i)
            .isEqualTo("quit");
      } else {
        assertThat(got)
            .as("iteration %d: stop() was false, so it was received", i)
            .isEqualTo("timer");
      }
      assertThat(t.c().tryReceive()).isNull();
    }
    assertThat(stoppedFirst).isBetween(0, 2000);
  }

  @Test
  void stopWithoutAnyReceiverIsAlwaysTrue() {
    // Nobody receives, so a timer is active until stopped, however its firing races the stop.
    Random rnd = new Random(9);
    for (int i = 0; i < 5000; i++) {
      Timer t = Time.newTimer(Duration.ofNanos(rnd.nextInt(50_000)));
      long spinUntil = System.nanoTime() + rnd.nextInt(50_000);
      while (System.nanoTime() - spinUntil < 0) {
        Thread.onSpinWait();
      }
      assertThat(t.stop()).as("iteration %d", i).isTrue();
      assertThat(t.c().tryReceive()).as("iteration %d", i).isNull();
    }
  }
}
