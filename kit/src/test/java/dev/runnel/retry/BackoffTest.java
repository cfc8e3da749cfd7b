package dev.runnel.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sequence of each backoff form, and the bounds of each jitter. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BackoffTest {

  private static Duration ms(long n) {
    return Duration.ofMillis(n);
  }

  /** The first {@code n} delays, each retry given the previous delay. */
  private static List<Duration> sequence(Backoff b, int n, long seed) {
    Random random = new Random(seed);
    List<Duration> out = new ArrayList<>();
    Duration previous = Duration.ZERO;
    for (int retry = 1; retry <= n; retry++) {
      previous = b.delay(retry, previous, random);
      out.add(previous);
    }
    return out;
  }

  @Test
  void fixedWaitsTheSameEveryTime() {
    assertThat(sequence(Backoff.fixed(ms(250)), 4, 1))
        .containsExactly(ms(250), ms(250), ms(250), ms(250));
  }

  @Test
  void linearAddsTheStepEachRetry() {
    assertThat(sequence(Backoff.linear(ms(100), ms(50)), 4, 1))
        .containsExactly(ms(100), ms(150), ms(200), ms(250));
  }

  @Test
  void exponentialMultipliesUpToTheCap() {
    assertThat(sequence(Backoff.exponential(ms(100), 2, ms(500)), 5, 1))
        .containsExactly(ms(100), ms(200), ms(400), ms(500), ms(500));
    assertThat(sequence(Backoff.exponential(ms(100), 3, Duration.ofDays(1)), 3, 1))
        .containsExactly(ms(100), ms(300), ms(900));
  }

  @Test
  void linearJitterStaysWithinItsFractionAndVaries() {
    Backoff b = Backoff.linearJitter(ms(1000), ms(1000), 0.25);
    Random random = new Random(7);
    List<Duration> seen = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      int retry = 1 + i % 4;
      long base = 1000L * retry;
      Duration d = b.delay(retry, Duration.ZERO, random);
      assertThat(d).isBetween(ms(base * 3 / 4), ms(base * 5 / 4));
      seen.add(d);
    }
    assertThat(seen.stream().distinct().count()).isGreaterThan(900);
  }

  @Test
  void fullJitterIsUniformBetweenZeroAndTheCappedDoubling() {
    Backoff b = Backoff.exponentialFullJitter(ms(100), ms(1000));
    Random random = new Random(11);
    for (int retry = 1; retry <= 8; retry++) {
      long top = Math.min(1000, 100L << (retry - 1));
      long sum = 0;
      for (int i = 0; i < 2000; i++) {
        Duration d = b.delay(retry, Duration.ZERO, random);
        assertThat(d).isBetween(Duration.ZERO, ms(top));
        sum += d.toNanos();
      }
      double mean = sum / 2000.0 / ms(top).toNanos();
      assertThat(mean).as("mean fraction of the top at retry %d", retry).isBetween(0.4, 0.6);
    }
  }

  @Test
  void equalJitterKeepsAtLeastHalf() {
    Backoff b = Backoff.exponentialEqualJitter(ms(100), ms(1000));
    Random random = new Random(13);
    for (int retry = 1; retry <= 8; retry++) {
      long top = Math.min(1000, 100L << (retry - 1));
      for (int i = 0; i < 1000; i++) {
        assertThat(b.delay(retry, Duration.ZERO, random)).isBetween(ms(top / 2), ms(top));
      }
    }
  }

  @Test
  void decorrelatedJitterStaysBetweenBaseAndThreeTimesThePreviousCapped() {
    Backoff b = Backoff.decorrelatedJitter(ms(100), ms(5000));
    Random random = new Random(17);
    Duration previous = Duration.ZERO;
    boolean reachedCap = false;
    for (int retry = 1; retry <= 500; retry++) {
      Duration d = b.delay(retry, previous, random);
      long high = Math.min(5000, 3 * Math.max(100, previous.toMillis()));
      assertThat(d).isBetween(ms(100), ms(high).plusNanos(999_999));
      reachedCap |= d.equals(ms(5000));
      previous = d;
    }
    assertThat(sequence(b, 20, 17)).allSatisfy(d -> assertThat(d).isBetween(ms(100), ms(5000)));
    assertThat(reachedCap || previous.compareTo(ms(1000)) > 0).isTrue();
  }

  @Test
  void theSameSeedGivesTheSameJitter() {
    Backoff b = Backoff.exponentialFullJitter(ms(100), ms(10_000));
    assertThat(sequence(b, 10, 42)).isEqualTo(sequence(b, 10, 42));
    assertThat(sequence(b, 10, 42)).isNotEqualTo(sequence(b, 10, 43));
  }

  @Test
  void hugeRetryNumbersSaturateInsteadOfOverflowing() {
    Random random = new Random(1);
    assertThat(
            Backoff.exponential(ms(100), 2, Duration.ofHours(1))
                .delay(10_000, Duration.ZERO, random))
        .isEqualTo(Duration.ofHours(1));
    Duration linear =
        Backoff.linear(Duration.ofDays(365 * 100), Duration.ofDays(365 * 100))
            .delay(Integer.MAX_VALUE, Duration.ZERO, random);
    assertThat(linear).isPositive().isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
    assertThat(
            Backoff.exponentialFullJitter(ms(1), Duration.ofNanos(Long.MAX_VALUE))
                .delay(Integer.MAX_VALUE, Duration.ZERO, random))
        .isBetween(Duration.ZERO, Duration.ofNanos(Long.MAX_VALUE));
  }

  @Test
  void badArgumentsAreRefusedWithTheirName() {
    assertThatThrownBy(() -> Backoff.fixed(ms(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay is negative");
    assertThatThrownBy(() -> Backoff.fixed(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("delay");
    assertThatThrownBy(() -> Backoff.exponential(ms(1), 0.5, ms(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multiplier");
    assertThatThrownBy(() -> Backoff.linearJitter(ms(1), ms(1), 1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jitter");
    assertThatThrownBy(() -> Backoff.decorrelatedJitter(ms(10), ms(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("below base");
  }
}
