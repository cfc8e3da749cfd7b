package dev.runnel.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.context.Context;
import dev.runnel.resilience.CallRejectedException;
import dev.runnel.sync.WaitGroup;
import dev.runnel.time.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Retries bounded by a ratio of first attempts plus a floor, over a sliding window. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RetryBudgetTest {

  private final ManualClock clock = new ManualClock();

  private static int withdrawAll(RetryBudget b) {
    int n = 0;
    while (b.tryWithdraw()) {
      n++;
    }
    return n;
  }

  @Test
  void theFloorAllowsRetriesWithoutTrafficAndRefillsAsTheWindowSlides() {
    RetryBudget b = new RetryBudget(0, 1, Duration.ofSeconds(10), clock);
    assertThat(withdrawAll(b)).isEqualTo(10);
    clock.advance(Duration.ofSeconds(5));
    assertThat(b.tryWithdraw()).isFalse();
    clock.advance(Duration.ofSeconds(5));
    assertThat(withdrawAll(b)).isEqualTo(10);
  }

  @Test
  void eachFirstAttemptEarnsTheRatioUntilItLeavesTheWindow() {
    RetryBudget b = new RetryBudget(0.5, 0, Duration.ofSeconds(10), clock);
    for (int i = 0; i < 10; i++) {
      b.deposit();
    }
    assertThat(b.balance()).isEqualTo(5.0);
    assertThat(withdrawAll(b)).isEqualTo(5);
    clock.advance(Duration.ofSeconds(3));
    for (int i = 0; i < 4; i++) {
      b.deposit();
    }
    assertThat(withdrawAll(b)).isEqualTo(2);
    clock.advance(Duration.ofSeconds(8)); // the first ten deposits and five withdrawals leave
    assertThat(b.balance()).isEqualTo(2 - 2);
  }

  @Test
  void anOutageCannotMultiplyTheLoad() throws Exception {
    double ratio = 0.2;
    RetryBudget budget = new RetryBudget(ratio, 1, Duration.ofSeconds(10), clock);
    Retry retry =
        Retry.builder()
            .clock(clock)
            .maxAttempts(5)
            .backoff(Backoff.fixed(Duration.ZERO))
            .budget(budget)
            .build();
    AtomicInteger attempts = new AtomicInteger();
    AtomicInteger rejected = new AtomicInteger();
    int callers = 20;
    int callsEach = 10;
    WaitGroup wg = new WaitGroup();
    for (int c = 0; c < callers; c++) {
      wg.go(
          () -> {
            for (int i = 0; i < callsEach; i++) {
              try {
                retry.call(
                    Context.background(),
                    ctx -> {
                      attempts.incrementAndGet();
                      throw new IOException("503");
                    });
              } catch (IOException e) {
                if (Arrays.stream(e.getSuppressed())
                    .anyMatch(CallRejectedException.class::isInstance)) {
                  rejected.incrementAndGet();
                }
              }
            }
          });
    }
    wg.await();
    int first = callers * callsEach;
    assertThat(attempts.get()).isBetween(first, (int) ((1 + ratio) * first + 10));
    assertThat(rejected.get()).isPositive();
    assertThat(budget.balance()).isLessThan(1);
  }

  @Test
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> new RetryBudget(-1, 0, Duration.ofSeconds(1), clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ratio");
    assertThatThrownBy(() -> new RetryBudget(0, Double.NaN, Duration.ofSeconds(1), clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("minRetriesPerSecond");
    assertThatThrownBy(() -> new RetryBudget(0, 0, Duration.ofNanos(5), clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window");
    assertThatThrownBy(() -> new RetryBudget(0, 0, Duration.ofSeconds(1), null))
        .isInstanceOf(NullPointerException.class);
  }
}
