package dev.runnel.debug;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.Channel;
import dev.runnel.Select;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.debug.TestGoroutines.Started;
import dev.runnel.sync.Cond;
import dev.runnel.sync.Mutex;
import dev.runnel.sync.WaitGroup;
import dev.runnel.testkit.Threads;
import dev.runnel.time.Time;
import dev.runnel.time.Timer;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DeadlockDetector#check()} stays quiet whenever some goroutine can still make progress: a
 * running goroutine, a pending timer, a wait with a deadline, a thread blocked outside Runnel.
 * Each case keeps one goroutine blocked for good next to the one that saves the program, and
 * where it can, ends the saving one and checks that the deadlock then is reported, so that the
 * quiet check is not quiet for another reason. No {@code @Timeout} (see {@link
 * DeadlockDetectorTest}): waits are bounded.
 */
class NoFalsePositivesTest {

  private final TestGoroutines goroutines = new TestGoroutines();
  private final Channel<Integer> never = Channel.make();

  @BeforeEach
  void quietClock() {
    TestGoroutines.assumeDeadlocksCanBeSeen(); // else the "then it is reported" halves cannot pass
    DeadlockDetectorTest.awaitNoPendingTimer();
  }

  @AfterEach
  void cleanUp() throws InterruptedException {
    goroutines.interruptAll();
    goroutines.joinAll();
    Thread.interrupted();
  }

  /** A goroutine blocked for good on a channel nobody uses. */
  private Started blockedForGood() {
    return goroutines.goBlocked(never::receive);
  }

  @Test
  void noGoroutinesAtAllIsNoDeadlock() {
    assertThat(DeadlockDetector.check()).isEmpty();
  }

  @Test
  void blockedGoroutineWhileAnotherRunsIsNoDeadlock() throws Exception {
    blockedForGood();
    AtomicBoolean spin = new AtomicBoolean(true);
    Started spinner =
        goroutines.go(
            () -> {
              while (spin.get()) {
                Thread.onSpinWait();
              }
            });

    assertThat(DeadlockDetector.check()).isEmpty();

    spin.set(false);
    spinner.thread().join(Threads.PATIENCE);
    assertThat(DeadlockDetector.check()).as("once the spinner ends").isPresent();
  }

  @Test
  void receiveOnTimeAfterWithTimerPendingIsNoDeadlock() throws Exception {
    blockedForGood();
    Started timed = goroutines.goBlocked(() -> Time.after(Duration.ofMillis(800)).receive());

    assertThat(DeadlockDetector.check()).as("a timer is pending").isEmpty();

    timed.thread().join(Threads.PATIENCE);
    DeadlockDetectorTest.awaitNoPendingTimer();
    assertThat(DeadlockDetector.check()).as("once the timer fired").isPresent();
  }

  @Test
  void receiveOnTimerChannelIsNoDeadlockUntilTheTimerIsStopped() throws Exception {
    blockedForGood();
    Timer timer = Time.newTimer(Duration.ofSeconds(30));
    goroutines.goBlocked(() -> timer.c().receive());

    assertThat(DeadlockDetector.check()).as("a timer is pending").isEmpty();

    assertThat(timer.stop()).isTrue();
    // now nothing can wake the timer's receiver either: a real deadlock
    assertThat(DeadlockDetector.check()).as("once the timer is stopped").isPresent();
  }

  @Test
  void receiveWithTimeoutContextIsNoDeadlockUntilTheContextIsCancelled() throws Exception {
    blockedForGood();
    CancelContext ctx = Context.withTimeout(Context.background(), Duration.ofSeconds(30));
    Channel<Integer> other = Channel.make();
    Started waiting =
        goroutines.goBlocked(
            () -> {
              try {
                other.receive(ctx);
              } catch (CancellationException expected) {
                // the test cancels it
              }
            });

    assertThat(DeadlockDetector.check()).as("the context's timer is pending").isEmpty();

    ctx.cancel();
    waiting.thread().join(Threads.PATIENCE);
    DeadlockDetectorTest.awaitNoPendingTimer(); // cancel removes the context's timer
    assertThat(DeadlockDetector.check()).as("once the context is done").isPresent();
  }

  @Test
  void runnelSleepIsNoDeadlock() throws Exception {
    blockedForGood();
    Started sleeper = goroutines.goBlocked(() -> Time.sleep(Duration.ofMillis(800)));

    assertThat(DeadlockDetector.check()).as("a goroutine sleeps").isEmpty();

    sleeper.thread().join(Threads.PATIENCE);
    DeadlockDetectorTest.awaitNoPendingTimer();
    assertThat(DeadlockDetector.check()).as("once the sleep ended").isPresent();
  }

  @Test
  void waitsWithATimeoutAreNoDeadlock() throws Exception {
    blockedForGood();
    Mutex mu = new Mutex();
    mu.lock(); // held by the test thread, which does not count
    Mutex condLock = new Mutex();
    Cond cond = new Cond(condLock);
    Channel<Integer> quiet = Channel.make();
    Started lockWait = goroutines.goBlocked(() -> mu.lock(Duration.ofSeconds(30)));
    Started condWait =
        goroutines.goBlocked(
            () -> {
              condLock.lock();
              try {
                cond.await(Duration.ofSeconds(30));
              } finally {
                condLock.unlock();
              }
            });
    Started receiveWait = goroutines.goBlocked(() -> quiet.receive(Duration.ofSeconds(30)));
    Started selectWait =
        goroutines.goBlocked(
            () -> Select.select().onReceive(quiet, v -> {}).run(Duration.ofSeconds(30)));

    for (Started timed : new Started[] {lockWait, condWait, receiveWait, selectWait}) {
      assertThat(DeadlockDetector.check()).as("while %s waits with a timeout", timed.thread()).isEmpty();
      timed.thread().interrupt();
      timed.thread().join(Threads.PATIENCE);
      assertThat(timed.thread().isAlive()).isFalse();
    }
    mu.unlock();
    DeadlockDetectorTest.awaitNoPendingTimer();
    assertThat(DeadlockDetector.check()).as("once every timed wait ended").isPresent();
  }

  @Test
  void goroutinesBlockedOutsideRunnelAreNoDeadlock() throws Exception {
    blockedForGood();
    CountDownLatch latch = new CountDownLatch(1);
    Started latchWait = goroutines.go(latch::await);
    Started sleeper = goroutines.go(() -> Thread.sleep(30_000));
    Threads.eventually(
        "both wait outside Runnel",
        () ->
            latchWait.thread().getState() == Thread.State.WAITING
                && sleeper.thread().getState() == Thread.State.TIMED_WAITING);

    assertThat(DeadlockDetector.check()).isEmpty();

    latch.countDown();
    latchWait.thread().join(Threads.PATIENCE);
    assertThat(DeadlockDetector.check()).as("the sleeping goroutine still counts").isEmpty();
    sleeper.thread().interrupt();
    sleeper.thread().join(Threads.PATIENCE);
    assertThat(DeadlockDetector.check()).as("once both ended").isPresent();
  }

  @Test
  void busyPipelineIsNeverReportedWhileItRuns() throws Exception {
    Channel<Integer> raw = Channel.make();
    Channel<Integer> doubled = Channel.make(4);
    WaitGroup stages = new WaitGroup();
    Mutex counterLock = new Mutex();
    long[] sum = new long[1];
    int[] count = new int[1];
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch consumersDone = new CountDownLatch(2);

    goroutines.go(
        () -> {
          for (int i = 0; !stop.get(); i++) {
            raw.send(i);
          }
          raw.close();
        });
    stages.add(2);
    for (int s = 0; s < 2; s++) {
      goroutines.go(
          () -> {
            try {
              for (Integer v : raw) {
                doubled.send(v * 2);
              }
            } finally {
              stages.done();
            }
          });
    }
    goroutines.go(
        () -> {
          stages.await();
          doubled.close();
        });
    for (int c = 0; c < 2; c++) {
      goroutines.go(
          () -> {
            for (Integer v : doubled) {
              counterLock.lock();
              try {
                sum[0] += v;
                count[0]++;
              } finally {
                counterLock.unlock();
              }
            }
            consumersDone.countDown();
          });
    }

    long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
    int checks = 0;
    while (System.nanoTime() < end) {
      var report = DeadlockDetector.check();
      assertThat(report).as("false positive during check %d", checks).isEmpty();
      checks++;
    }
    stop.set(true);
    assertThat(consumersDone.await(5, TimeUnit.SECONDS)).as("pipeline drained").isTrue();

    assertThat(checks).isPositive();
    counterLock.lock();
    try {
      assertThat(count[0]).isPositive();
    } finally {
      counterLock.unlock();
    }
  }
}
