package dev.runnel.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.ReceiveChannel;
import dev.runnel.Select;
import dev.runnel.internal.SystemTime;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Go 1.23's garbage-collectable timers on the real clock: an unreferenced, unstopped timer, ticker
 * or {@code after} channel is garbage, and {@code after} in a select loop leaves nothing in the
 * timer queue.
 */
@Timeout(60)
class TimerLeakTest {

  private static final Duration GC_PATIENCE = Duration.ofSeconds(20);

  /** Runs GCs until the referent of {@code ref} is collected, failing after GC_PATIENCE. */
  private static void assertCollected(String what, WeakReference<?> ref) {
    long deadline = System.nanoTime() + GC_PATIENCE.toNanos();
    while (ref.get() != null) {
      if (System.nanoTime() - deadline > 0) {
        fail(what + " was not garbage collected within " + GC_PATIENCE);
      }
      System.gc();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  /** Makes the object in a separate frame so that no local keeps it alive. */
  private static WeakReference<Object> weakly(Supplier<Object> make) {
    return new WeakReference<>(make.get());
  }

  @Test
  void unreferencedUnstoppedTimerIsCollected() {
    assertCollected("a timer", weakly(() -> Time.newTimer(Duration.ofHours(1))));
  }

  @Test
  void unreferencedExpiredTimerThatWasNeverReadIsCollected() {
    // the "timer whose channel is never read" pitfall: it is due, nobody ever receives
    WeakReference<Object> ref = weakly(() -> Time.newTimer(Duration.ZERO));
    assertCollected("a fired, unread timer", ref);
  }

  @Test
  void unreferencedUnstoppedTickerIsCollected() {
    assertCollected("a ticker", weakly(() -> Time.newTicker(Duration.ofMillis(1))));
    // also one that has delivered a tick to a waiting receiver, and is then dropped
    WeakReference<Object> ref =
        weakly(
            () -> {
              Ticker t = Time.newTicker(Duration.ofMillis(1));
              try {
                assertThat(t.c().receive(Duration.ofSeconds(10))).isNotNull();
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
              return t;
            });
    assertCollected("a ticker that ticked", ref);
  }

  @Test
  void unreferencedAfterChannelIsCollected() {
    assertCollected("an after() channel", weakly(() -> Time.after(Duration.ofHours(1))));
    assertCollected("a tick() channel", weakly(() -> Time.tick(Duration.ofMillis(5))));
  }

  @Test
  void afterChannelThatLostASelectIsCollected() throws InterruptedException {
    Channel<String> ready = Channel.make();
    Go.go(() -> ready.send("x"));
    WeakReference<Object> ref =
        weakly(
            () -> {
              ReceiveChannel<Instant> after = Time.after(Duration.ofHours(1));
              try {
                String won =
                    Select.<String>expression()
                        .onReceive(ready, v -> v)
                        .onReceive(after, t -> "after")
                        .run();
                assertThat(won).isEqualTo("x");
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
              return after;
            });
    assertCollected("an after() that lost a select", ref);
  }

  @Test
  void armedAfterFuncIsKeptUntilItRuns() throws InterruptedException {
    // the positive control: an afterFunc timer must run even when nobody references it
    CountDownLatch ran = new CountDownLatch(1);
    weakly(() -> Time.afterFunc(Duration.ofMillis(100), ran::countDown));
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void afterInEveryIterationOfARealSelectLoopRetainsNoTimers() throws Exception {
    int n = 100_000;
    var queue = SystemTime.INSTANCE.queue();
    int before = queue.size();
    Channel<Integer> work = Channel.make();
    Go.go(
        () -> {
          for (int i = 0; i < n; i++) {
            work.send(i);
          }
        });
    AtomicInteger received = new AtomicInteger();
    AtomicInteger timeouts = new AtomicInteger();
    int maxGrowth = 0;
    for (int i = 0; i < n; i++) {
      Select.select()
          .onReceive(work, v -> received.incrementAndGet())
          .onReceive(Time.after(Duration.ofHours(1)), t -> timeouts.incrementAndGet())
          .run();
      if (i % 1000 == 0) {
        maxGrowth = Math.max(maxGrowth, queue.size() - before);
      }
    }
    assertThat(received).hasValue(n);
    assertThat(timeouts).hasValue(0);
    // Other tests' leftovers may come and go; a leak would be tens of thousands of timers.
    assertThat(maxGrowth).as("queue growth during the loop").isLessThan(100);
    assertThat(queue.size() - before).as("queue growth after the loop").isLessThan(100);
  }
}
