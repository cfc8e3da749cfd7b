package dev.runnel.time;

import static dev.runnel.time.TimerTest.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.Go;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code afterFunc} timers: Go's {@code time.AfterFunc}, on a {@link ManualClock}. */
@Timeout(10)
class AfterFuncTest {

  private static final Duration D = Duration.ofSeconds(30);

  private final ManualClock clock = new ManualClock();

  @Test
  void runsTheFunctionInAnotherGoroutineAfterTheDelay() throws InterruptedException {
    Channel<Thread> ran = Channel.make(1);
    Timer t = clock.afterFunc(D, () -> ran.trySend(Thread.currentThread()));
    assertThat(t.c()).as("an afterFunc timer has no channel").isNull();
    assertThat(clock.pendingTimers()).isEqualTo(1);
    clock.advance(D.minusNanos(1));
    assertThat(clock.pendingTimers()).as("not started before its deadline").isEqualTo(1);
    assertThat(ran.tryReceive()).isNull();
    clock.advance(Duration.ofNanos(1));
    assertThat(clock.pendingTimers()).isZero();
    Thread runner = ran.receive(Duration.ofSeconds(5)).value();
    assertThat(runner).isNotSameAs(Thread.currentThread());
    assertThat(runner.isVirtual()).isTrue();
    assertThat(runner.getName()).startsWith("goroutine-");
  }

  @Test
  void functionSeesTheClockAtOrAfterItsDeadline() throws InterruptedException {
    Channel<Instant> seen = Channel.make(1);
    clock.afterFunc(D, () -> seen.trySend(clock.now()));
    clock.advance(D);
    assertThat(seen.receive(Duration.ofSeconds(5)).value()).isEqualTo(START.plus(D));
  }

  @Test
  void stopBeforeItFiresPreventsTheFunction() throws InterruptedException {
    AtomicInteger runs = new AtomicInteger();
    Timer t = clock.afterFunc(D, runs::incrementAndGet);
    assertThat(t.stop()).isTrue();
    assertThat(t.stop()).as("second stop").isFalse();
    assertThat(clock.pendingTimers()).isZero();
    clock.advance(D.multipliedBy(3));
    // advance starts due functions synchronously; a marker function shows goroutines have run
    CountDownLatch marker = new CountDownLatch(1);
    clock.afterFunc(Duration.ZERO, marker::countDown);
    clock.advance(Duration.ZERO);
    assertThat(marker.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(runs).hasValue(0);
  }

  @Test
  void stopAfterTheFunctionStartedReturnsFalse() throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Timer t =
        clock.afterFunc(
            D,
            () -> {
              started.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    clock.advance(D);
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(Go.numGoroutine()).as("the running function is a goroutine").isPositive();
    assertThat(t.stop()).as("already started").isFalse();
    release.countDown();
  }

  @Test
  void resetReArmsAndReportsWhetherItWasActive() throws InterruptedException {
    Channel<Instant> runs = Channel.make(10);
    Timer t = clock.afterFunc(D, () -> runs.trySend(clock.now()));
    assertThat(t.reset(D.multipliedBy(2))).as("armed: active").isTrue();
    clock.advance(D);
    assertThat(clock.pendingTimers()).as("moved to the later deadline").isEqualTo(1);
    clock.advance(D);
    assertThat(runs.receive(Duration.ofSeconds(5)).value())
        .isEqualTo(START.plus(D.multipliedBy(2)));
    assertThat(t.reset(D)).as("already ran: not active").isFalse();
    clock.advance(D);
    assertThat(runs.receive(Duration.ofSeconds(5)).value())
        .isEqualTo(START.plus(D.multipliedBy(3)));
    assertThat(t.stop()).isFalse();
    assertThat(t.reset(D)).as("stopped/ran: not active").isFalse();
    assertThat(t.stop()).isTrue();
    clock.advance(D.multipliedBy(2));
    assertThat(clock.pendingTimers()).isZero();
    assertThat(runs.size()).isZero();
  }

  @Test
  void eachArmingRunsTheFunctionOnce() throws InterruptedException {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch three = new CountDownLatch(3);
    Timer t =
        clock.afterFunc(
            D,
            () -> {
              runs.incrementAndGet();
              three.countDown();
            });
    clock.advance(D);
    t.reset(D);
    clock.advance(D);
    t.reset(D);
    clock.advance(D.multipliedBy(10));
    assertThat(three.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(clock.pendingTimers()).isZero();
    assertThat(runs).hasValue(3);
  }

  @Test
  void nullFunctionIsRejected() {
    assertThatThrownBy(() -> clock.afterFunc(D, null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void zeroDelayRunsWithoutMovingTheClock() throws InterruptedException {
    // A timer that is due when it is queued fires at once (ManualClock's catch-up), as on the
    // real clock: nobody has to call advance for it.
    CountDownLatch ran = new CountDownLatch(1);
    Timer t = clock.afterFunc(Duration.ZERO, ran::countDown);
    assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(clock.now()).isEqualTo(START);
    assertThat(t.stop()).isFalse();
  }

  @Test
  void zeroDelayOnTheRealClockRunsPromptly() throws InterruptedException {
    CountDownLatch ran = new CountDownLatch(1);
    Time.afterFunc(Duration.ZERO, ran::countDown);
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
  }
}
