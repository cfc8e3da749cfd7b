package dev.runnel.rate;

import static dev.runnel.testkit.Threads.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import dev.runnel.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Long runs on manual time: the admitted rate matches the limit (Go's TestLongRunningQPS), and
 * concurrent callers never get more than the bucket produced (Go's TestSimultaneousRequests).
 */
@Timeout(60)
class RateLimiterLoadTest {

  private static final double RATE = 1000;
  private static final int BURST = 10;
  private static final Duration TICK = Duration.ofNanos(100_000); // 100 µs
  private static final int TICKS = 100_000; // 10 s

  @Test
  void allowNEveryHundredMicrosAdmitsTheRatePlusTheBurst() {
    RateLimiter lim = new RateLimiter(RATE, BURST);
    Instant t0 = Instant.parse("2000-01-01T00:00:00Z");
    int[] perSecond = new int[10];
    for (int k = 0; k < TICKS; k++) {
      if (lim.allowN(t0.plus(TICK.multipliedBy(k)), 1)) {
        perSecond[k / 10_000]++;
      }
    }
    checkAdmitted(perSecond);
  }

  @Test
  void allowOnAnAdvancingManualClockAdmitsTheRatePlusTheBurst() {
    ManualClock clock = new ManualClock();
    RateLimiter lim = new RateLimiter(RATE, BURST, clock);
    int[] perSecond = new int[10];
    for (int k = 0; k < TICKS; k++) {
      if (k > 0) {
        clock.advance(TICK);
      }
      if (lim.allow()) {
        perSecond[k / 10_000]++;
      }
    }
    checkAdmitted(perSecond);
  }

  /** Calls at 0, 100 µs, ..., 9.9999 s; the bucket produces the burst plus 1000/s meanwhile. */
  private static void checkAdmitted(int[] perSecond) {
    int total = 0;
    for (int n : perSecond) {
      total += n;
    }
    double elapsed = (TICKS - 1) * TICK.toNanos() / 1e9;
    double ideal = BURST + RATE * elapsed; // 10009.9
    assertThat(total).as("never more than produced").isLessThanOrEqualTo((int) (ideal + 1));
    assertThat(total).as("very close to what was produced").isGreaterThanOrEqualTo(
        (int) Math.ceil(0.999 * ideal));
    assertThat(total).isBetween(10_000 - 100, 10_000 + 100 + BURST);
    assertThat(perSecond[0]).as("first second: rate plus burst").isBetween(1000, 1020);
    for (int s = 1; s < perSecond.length; s++) {
      assertThat(perSecond[s]).as("second %d", s).isBetween(990, 1010);
    }
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void simultaneousCallersGetExactlyTheBurstWhileTimeStandsStill(Runner runner)
      throws Exception {
    ManualClock clock = new ManualClock();
    RateLimiter lim = new RateLimiter(1, 5, clock);
    AtomicInteger admitted = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Task<Void>> tasks = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      tasks.add(
          runner.run(
              () -> {
                start.await();
                if (lim.allow()) {
                  admitted.incrementAndGet();
                }
              }));
    }
    start.countDown();
    for (Task<Void> task : tasks) {
      task.join();
    }
    assertThat(admitted.get()).isEqualTo(5);
  }

  /**
   * Eight callers spin on allow() while this thread moves the clock 100 ms (one token) at a time,
   * each time after the callers have emptied the bucket. The admitted count never exceeds burst +
   * rate x elapsed, and ends equal to it.
   *
   * <p>The bucket is emptied before each advance because a caller that read the clock before an
   * advance and takes a token after it moves the limiter's last update back (Go's documented
   * handling of time going backwards), which lets the next caller count that interval twice; in Go
   * too, callers racing a moving clock can get slightly more than the bound.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void concurrentCallersNeverGetMoreThanTheBucketProduced(Runner runner) throws Exception {
    final int callers = 8;
    final int burst = 5;
    final int steps = 50;
    ManualClock clock = new ManualClock();
    RateLimiter lim = new RateLimiter(10, burst, clock);
    AtomicInteger admitted = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    List<Task<Void>> tasks = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      tasks.add(
          runner.run(
              () -> {
                while (!stop.get()) {
                  if (lim.allow()) {
                    admitted.incrementAndGet();
                  } else {
                    Thread.yield();
                  }
                }
              }));
    }
    try {
      for (int step = 0; step <= steps; step++) {
        int produced = burst + step; // one token per 100 ms step at 10/s
        eventually("the callers empty the bucket", () -> lim.tokensAt(clock.now()) < 1);
        assertThat(admitted.get()).isLessThanOrEqualTo(produced);
        if (step < steps) {
          clock.advance(Duration.ofMillis(100));
        }
      }
      eventually("the callers count the last token", () -> admitted.get() == burst + steps);
    } finally {
      stop.set(true);
      for (Task<Void> task : tasks) {
        task.join();
      }
    }
    assertThat(admitted.get()).isEqualTo(burst + steps);
  }
}
