package dev.runnel.breaker;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.Go;
import dev.runnel.breaker.CircuitBreaker.State;
import dev.runnel.breaker.CircuitBreaker.StateChange;
import dev.runnel.context.Context;
import dev.runnel.sync.WaitGroup;
import dev.runnel.time.ManualClock;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many goroutines on one breaker: the counts and bounds that must hold exactly under races. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CircuitBreakerConcurrencyTest {

  static final int GOROUTINES = 16;

  final ManualClock clock = new ManualClock();

  /** Runs {@code body} on {@link #GOROUTINES} goroutines released together; waits for all. */
  static void together(Runnable body) throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    WaitGroup wg = new WaitGroup();
    wg.add(GOROUTINES);
    for (int i = 0; i < GOROUTINES; i++) {
      Go.go(
          () -> {
            try {
              start.await();
              body.run();
            } finally {
              wg.done();
            }
          });
    }
    start.countDown();
    wg.await();
  }

  @Test
  void concurrentSuccessesFillTheWindowExactly() throws InterruptedException {
    CircuitBreaker b = CircuitBreaker.builder().clock(clock).countWindow(100).build();
    AtomicInteger errors = new AtomicInteger();
    together(
        () -> {
          for (int i = 0; i < 1_000; i++) {
            try {
              int n = i;
              b.call(Context.background(), c -> n);
            } catch (Exception e) {
              errors.incrementAndGet();
            }
          }
        });
    assertThat(errors.get()).isZero();
    assertThat(b.metrics().bufferedCalls()).isEqualTo(100);
    assertThat(b.metrics().failedCalls()).isZero();
    assertThat(b.metrics().lateResults()).isZero();
    assertThat(b.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void aRacingHalfOpenPeriodPermitsExactlyItsProbes() throws InterruptedException {
    CircuitBreaker b =
        CircuitBreaker.builder().clock(clock).countWindow(1).minimumCalls(1).probes(3)
            .waitInOpen(ofSeconds(1)).build();
    b.onError(b.tryAcquirePermission(), ofMillis(1), new IOException());
    clock.advance(ofSeconds(1));
    AtomicInteger permitted = new AtomicInteger();
    together(
        () -> {
          if (b.tryAcquirePermission() >= 0) {
            permitted.incrementAndGet();
          }
        });
    assertThat(permitted.get()).isEqualTo(3);
    assertThat(b.metrics().notPermittedCalls()).isEqualTo(GOROUTINES - 3);
    assertThat(b.state()).isEqualTo(State.HALF_OPEN);
  }

  @Test
  void concurrentFailuresOpenTheBreakerOnceAndListenersSeeOneOrderedHistory()
      throws InterruptedException {
    List<StateChange> seen = new CopyOnWriteArrayList<>();
    CircuitBreaker b =
        CircuitBreaker.builder().clock(clock).countWindow(10).minimumCalls(10)
            .onStateChange(seen::add).build();
    AtomicInteger refused = new AtomicInteger();
    together(
        () -> {
          for (int i = 0; i < 100; i++) {
            try {
              b.call(Context.background(), c -> { throw new IOException(); });
            } catch (CircuitOpenException e) {
              refused.incrementAndGet();
            } catch (Exception e) {
              // the failure itself
            }
          }
        });
    assertThat(b.state()).isEqualTo(State.OPEN);
    assertThat(seen).containsExactly(new StateChange(State.CLOSED, State.OPEN, 1));
    assertThat(refused.get()).isEqualTo(b.metrics().notPermittedCalls()).isPositive();
    assertThat(b.metrics().bufferedCalls()).isEqualTo(10);
  }
}
