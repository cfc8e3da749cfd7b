package dev.runnel.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.GoFunc;
import dev.runnel.ReceiveChannel;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.time.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Schedules on a {@link ManualClock}: when they run, overruns that skip, failures, cancellation
 * and the ticks channel. No test sleeps: each waits until the schedule's goroutine waits on the
 * clock ({@code awaitPendingTimers}), then moves the clock.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SchedulerTest {

  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final Duration SECOND = Duration.ofSeconds(1);

  private final ManualClock clock = new ManualClock(T0);
  private final Scheduler scheduler = new Scheduler(clock, ZoneOffset.UTC);
  private final CancelContext ctx = Context.withCancel(Context.background());
  /** Each run sends the clock's reading here. */
  private final Channel<Instant> ran = Channel.make(100);

  @AfterEach
  void tearDown() {
    ctx.cancel();
    Go.setPanicHandler(null);
  }

  private Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  private void record() throws InterruptedException {
    ran.send(clock.now());
  }

  /** Waits until the schedule waits for its next run, then moves the clock to it. */
  private void fireNext() throws InterruptedException {
    clock.awaitPendingTimers(1);
    clock.advanceToNextTimer();
  }

  @Test
  void atRunsOnceAtTheInstantAndNotBefore() throws InterruptedException {
    Schedule s = scheduler.at(ctx, at(10), this::record);
    clock.awaitPendingTimers(1);
    clock.advance(Duration.ofSeconds(9));
    assertThat(s.nextRun()).isEqualTo(at(10));
    assertThat(ran.tryReceive()).isNull();
    clock.advance(SECOND);
    assertThat(ran.receive()).isEqualTo(at(10));
    s.await();
    assertThat(s.isDone()).isTrue();
    assertThat(s.runs()).isEqualTo(1);
    assertThat(s.nextRun()).isNull();
    assertThat(ran.tryReceive()).isNull();
  }

  @Test
  void anInstantInThePastRunsAtOnce() throws InterruptedException {
    Schedule s = scheduler.at(ctx, at(-5), this::record);
    assertThat(ran.receive()).isEqualTo(T0);
    s.await();
    assertThat(s.runs()).isEqualTo(1);
  }

  @Test
  void afterRunsOnceAfterTheDelay() throws InterruptedException {
    Schedule s = scheduler.after(ctx, Duration.ofMinutes(5), this::record);
    fireNext();
    assertThat(ran.receive()).isEqualTo(at(300));
    s.await();
  }

  @Test
  void cancellingBeforeTheRunMeansItNeverRuns() throws InterruptedException {
    Schedule s = scheduler.after(ctx, Duration.ofMinutes(5), this::record);
    clock.awaitPendingTimers(1);
    s.cancel();
    s.await();
    clock.advance(Duration.ofMinutes(10));
    assertThat(s.runs()).isZero();
    assertThat(ran.tryReceive()).isNull();
    assertThat(s.context().err()).isNotNull();
  }

  @Test
  void theParentContextStopsTheSchedule() throws InterruptedException {
    Schedule s = scheduler.atFixedRate(ctx, SECOND, SECOND, this::record);
    fireNext();
    assertThat(ran.receive()).isEqualTo(at(1));
    ctx.cancel();
    s.await();
    assertThat(s.runs()).isEqualTo(1);
  }

  @Test
  void fixedRateRunsOnTheGrid() throws InterruptedException {
    Duration tenSeconds = Duration.ofSeconds(10);
    Schedule s = scheduler.atFixedRate(ctx, tenSeconds, tenSeconds, this::record);
    for (int i = 1; i <= 3; i++) {
      fireNext();
      assertThat(ran.receive()).isEqualTo(at(10L * i));
    }
    s.close();
    assertThat(s.runs()).isEqualTo(3);
    assertThat(s.skipped()).isZero();
  }

  @Test
  void aStartInThePastIsAlignedToTheNextGridInstant() throws InterruptedException {
    // the classic "every Tuesday at 14:00" from a Tuesday long ago: start - 3.5 periods
    Schedule s =
        scheduler.atFixedRate(ctx, at(-35), Duration.ofSeconds(10), this::record);
    clock.awaitPendingTimers(1);
    assertThat(s.nextRun()).isEqualTo(at(5));
    clock.advanceToNextTimer();
    assertThat(ran.receive()).isEqualTo(at(5));
    s.close();
  }

  @Test
  void anOverrunSkipsTheMissedRunsInsteadOfBursting() throws InterruptedException {
    Channel<Instant> started = Channel.make(10);
    Channel<Boolean> release = Channel.make();
    Schedule s =
        scheduler.atFixedRate(
            ctx,
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            () -> {
              started.send(clock.now());
              release.receive();
            });
    fireNext();
    assertThat(started.receive()).isEqualTo(at(10));
    clock.advance(Duration.ofSeconds(25)); // the run lasts until 35: 20 and 30 are missed
    release.send(true);
    clock.awaitPendingTimers(1);
    assertThat(s.nextRun()).isEqualTo(at(40));
    assertThat(s.skipped()).isEqualTo(2);
    assertThat(started.tryReceive()).isNull(); // no catch-up run
    assertThat(clock.advanceToNextTimer()).isEqualTo(Duration.ofSeconds(5));
    assertThat(started.receive()).isEqualTo(at(40));
    release.send(true);
    fireNext();
    assertThat(started.receive()).isEqualTo(at(50));
    release.send(true);
    s.close();
    assertThat(s.runs()).isEqualTo(3);
    assertThat(s.skipped()).isEqualTo(2);
  }

  @Test
  void aRunEndingExactlyOnTheNextInstantRunsAgainAtOnce() throws InterruptedException {
    Channel<Boolean> release = Channel.make();
    Schedule s =
        scheduler.atFixedRate(
            ctx,
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            () -> {
              record();
              release.receive();
            });
    fireNext();
    assertThat(ran.receive()).isEqualTo(at(10));
    clock.advance(Duration.ofSeconds(10));
    release.send(true);
    assertThat(ran.receive()).isEqualTo(at(20)); // no timer needed: due now
    release.send(true);
    s.close();
    assertThat(s.skipped()).isZero();
  }

  @Test
  void fixedDelayWaitsAfterEachRunEnds() throws InterruptedException {
    Channel<Boolean> release = Channel.make();
    Schedule s =
        scheduler.withFixedDelay(
            ctx,
            Duration.ofSeconds(5),
            Duration.ofSeconds(3),
            () -> {
              record();
              release.receive();
            });
    fireNext();
    assertThat(ran.receive()).isEqualTo(at(5));
    clock.advance(Duration.ofSeconds(7)); // the run takes 7 s, ends at 12
    release.send(true);
    clock.awaitPendingTimers(1);
    assertThat(s.nextRun()).isEqualTo(at(15));
    clock.advanceToNextTimer();
    assertThat(ran.receive()).isEqualTo(at(15));
    release.send(true);
    s.close();
    assertThat(s.skipped()).isZero();
  }

  @Test
  void cronRunsAtTheMatchesInTheSchedulersZone() throws InterruptedException {
    Scheduler tokyo = new Scheduler(clock, ZoneId.of("Asia/Tokyo")); // UTC+9, no DST
    Schedule s = tokyo.cron(ctx, "30 9 * * *", this::record); // 09:30 Tokyo = 00:30Z
    fireNext();
    assertThat(ran.receive()).isEqualTo(Instant.parse("2024-01-01T00:30:00Z"));
    fireNext();
    assertThat(ran.receive()).isEqualTo(Instant.parse("2024-01-02T00:30:00Z"));
    s.close();
    assertThat(tokyo.zone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
  }

  @Test
  void aCronOverrunSkipsTheMissedMatches() throws InterruptedException {
    Channel<Boolean> release = Channel.make();
    Schedule s =
        scheduler.cron(
            ctx,
            "*/15 * * * *",
            () -> {
              record();
              release.receive();
            });
    fireNext();
    assertThat(ran.receive()).isEqualTo(at(15 * 60));
    clock.advance(Duration.ofMinutes(40)); // until 00:55: 00:30 and 00:45 are missed
    release.send(true);
    clock.awaitPendingTimers(1);
    assertThat(s.nextRun()).isEqualTo(at(60 * 60));
    assertThat(s.skipped()).isEqualTo(2);
    s.close();
  }

  @Test
  void aFailingRunIsReportedAndTheScheduleGoesOn() throws InterruptedException {
    Channel<Throwable> reported = Channel.make(10);
    Go.setPanicHandler((t, e) -> reported.trySend(e));
    IOException boom = new IOException("boom");
    Schedule s =
        scheduler.atFixedRate(
            ctx,
            SECOND,
            SECOND,
            () -> {
              record();
              if (clock.now().equals(at(1))) {
                throw boom;
              }
            });
    fireNext();
    assertThat(ran.receive()).isEqualTo(at(1));
    assertThat(reported.receive()).isSameAs(boom);
    fireNext();
    assertThat(ran.receive()).isEqualTo(at(2));
    s.close();
    assertThat(s.failures()).isEqualTo(1);
    assertThat(s.runs()).isEqualTo(2);
  }

  @Test
  void anErrorIsReportedAndEndsTheSchedule() throws InterruptedException {
    Channel<Throwable> reported = Channel.make(10);
    Go.setPanicHandler((t, e) -> reported.trySend(e));
    AssertionError fatal = new AssertionError("fatal");
    Schedule s =
        scheduler.atFixedRate(
            ctx,
            SECOND,
            SECOND,
            () -> {
              throw fatal;
            });
    fireNext();
    assertThat(reported.receive()).isSameAs(fatal);
    s.await();
    assertThat(s.failures()).isEqualTo(1);
    assertThat(s.context().err()).isNotNull();
  }

  @Test
  void aTaskThatCancelsItsContextEndsTheScheduleAfterItsRun() throws InterruptedException {
    CancelContext own = Context.withCancel(ctx);
    Schedule s =
        scheduler.atFixedRate(
            own,
            SECOND,
            SECOND,
            () -> {
              record();
              own.cancel(); // "stop on failure" is this line in a catch
            });
    fireNext();
    assertThat(ran.receive()).isEqualTo(at(1));
    s.await();
    assertThat(s.runs()).isEqualTo(1);
    assertThat(s.failures()).isZero();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void cancellingInterruptsARunningRunWithoutCountingAFailure() throws InterruptedException {
    Channel<Boolean> started = Channel.make(1);
    Channel<Boolean> never = Channel.make();
    Channel<Throwable> reported = Channel.make(10);
    Go.setPanicHandler((t, e) -> reported.trySend(e));
    Schedule s =
        scheduler.atFixedRate(
            ctx,
            Duration.ZERO,
            SECOND,
            () -> {
              started.send(true);
              never.receive(); // interruptible
            });
    started.receive();
    s.close();
    assertThat(s.isDone()).isTrue();
    assertThat(s.runs()).isEqualTo(1);
    assertThat(s.failures()).isZero();
    assertThat(reported.tryReceive()).isNull();
  }

  @Test
  void aRunThatIgnoresTheInterruptIsAwaited() throws InterruptedException {
    Channel<Boolean> started = Channel.make(1);
    Channel<Boolean> finish = Channel.make(1);
    Schedule s =
        scheduler.at(
            ctx,
            T0,
            () -> {
              started.send(true);
              boolean done = false;
              while (!done) {
                try {
                  finish.receive();
                  done = true;
                } catch (InterruptedException ignored) {
                  // this task insists on finishing
                }
              }
            });
    started.receive();
    s.cancel();
    assertThat(s.isDone()).isFalse();
    finish.send(true);
    s.await();
    assertThat(s.runs()).isEqualTo(1);
  }

  @Test
  void ticksAreAlignedToTheStartAndCarryTheirDueInstant() throws InterruptedException {
    ReceiveChannel<Instant> ticks = scheduler.ticks(ctx, at(-25), Duration.ofSeconds(10));
    fireNext();
    assertThat(ticks.receive()).isEqualTo(at(5));
    fireNext();
    assertThat(ticks.receive()).isEqualTo(at(15));
    ctx.cancel();
    assertThat(ticks.receive()).isNull(); // closed as its goroutine ends
  }

  @Test
  void aSlowTickReceiverGetsTheNextTickNotABacklog() throws InterruptedException {
    ReceiveChannel<Instant> ticks = scheduler.ticks(ctx, at(10), Duration.ofSeconds(10));
    for (int i = 0; i < 3; i++) {
      fireNext(); // nobody receives: the first tick waits, the others are dropped
    }
    clock.awaitPendingTimers(1);
    assertThat(ticks.receive()).isEqualTo(at(10));
    assertThat(ticks.tryReceive()).isNull();
    fireNext();
    assertThat(ticks.receive()).isEqualTo(at(40));
    ctx.cancel();
    assertThat(ticks.receive()).isNull();
  }

  @Test
  void theTicksGoroutineEndsEvenIfNobodyReceives() throws InterruptedException {
    ReceiveChannel<Instant> ticks = scheduler.ticks(ctx, T0, SECOND);
    fireNext();
    fireNext();
    ctx.cancel();
    int values = 0;
    for (Instant ignored : ticks) {
      values++;
    }
    assertThat(values).isEqualTo(1); // the tick due at the start; the later ones found it full
  }

  @Test
  void badArgumentsAreRefused() {
    GoFunc noop = () -> {};
    assertThatThrownBy(() -> scheduler.atFixedRate(ctx, SECOND, Duration.ZERO, noop))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("non-positive period");
    assertThatThrownBy(() -> scheduler.ticks(ctx, T0, SECOND.negated()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("non-positive period");
    assertThatThrownBy(() -> scheduler.withFixedDelay(ctx, SECOND, SECOND.negated(), noop))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative delay");
    assertThatThrownBy(() -> scheduler.cron(ctx, "* * *", noop))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> scheduler.at(null, T0, noop)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> scheduler.at(ctx, T0, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Scheduler(null)).isInstanceOf(NullPointerException.class);
  }
}
