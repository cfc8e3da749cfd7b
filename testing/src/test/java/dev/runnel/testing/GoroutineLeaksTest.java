package dev.runnel.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.debug.GoroutineInfo;
import dev.runnel.time.Time;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link GoroutineLeaks} and {@link LeakOptions} used directly, without the extension. */
@Timeout(60)
class GoroutineLeaksTest {

  private static final LeakOptions QUICK = LeakOptions.defaults().withRetryBudget(Duration.ofMillis(50));

  @Test
  void verifyNoneReportsALiveGoroutineStartedAfterTheMarkThenPassesOnceItEnds()
      throws InterruptedException {
    long mark = GoroutineLeaks.mark();
    Channel<Void> gate = Channel.make();
    try {
      Go.go(() -> gate.receive());
      Samples.awaitState(mark, "chan receive");

      assertThatThrownBy(() -> GoroutineLeaks.verifyNone(mark, QUICK))
          .isInstanceOf(AssertionError.class)
          .hasMessageStartingWith("found 1 leaked goroutine:\n\ngoroutine ")
          .hasMessageContaining("[chan receive")
          .hasMessageContaining("GoroutineLeaksTest.lambda$verifyNoneReports");
    } finally {
      gate.close();
    }
    GoroutineLeaks.verifyNone(mark);
  }

  @Test
  void theMessageCountsEveryLeakedGoroutine() throws InterruptedException {
    long mark = GoroutineLeaks.mark();
    Channel<Void> gate = Channel.make();
    try {
      for (int i = 0; i < 3; i++) {
        Go.go(() -> gate.receive());
      }
      Samples.awaitState(mark, "chan receive");

      assertThat(GoroutineLeaks.findLeaks(mark, QUICK).goroutines()).hasSize(3);
      assertThatThrownBy(() -> GoroutineLeaks.verifyNone(mark, QUICK))
          .hasMessageStartingWith("found 3 leaked goroutines:\n\n");
    } finally {
      gate.close();
    }
  }

  @Test
  void goroutinesStartedBeforeTheMarkAreNotConsidered() throws InterruptedException {
    long before = GoroutineLeaks.mark();
    Channel<Void> gate = Channel.make();
    try {
      Go.go(() -> gate.receive());
      Samples.awaitState(before, "chan receive");
      long mark = GoroutineLeaks.mark();

      assertThatCode(() -> GoroutineLeaks.verifyNone(mark, QUICK)).doesNotThrowAnyException();
    } finally {
      gate.close();
    }
  }

  @Test
  void aGoroutineThatEndsWithinTheBudgetPasses() throws InterruptedException {
    long mark = GoroutineLeaks.mark();
    Channel<Void> done = Channel.make();
    Go.go(() -> done.receive());
    Samples.awaitState(mark, "chan receive");
    Time.afterFunc(Duration.ofMillis(30), done::close);

    GoroutineLeaks.verifyNone(mark); // retries for up to 2 s
  }

  @Test
  void ignoreRulesApplyToTheFinalDump() throws InterruptedException {
    long mark = GoroutineLeaks.mark();
    Channel<Void> gate = Channel.make();
    try {
      Go.go(() -> gate.receive());
      String top = Samples.awaitState(mark, "chan receive").topFunction();

      GoroutineLeaks.verifyNone(mark, QUICK.ignoreTopFunctions(top));
      GoroutineLeaks.verifyNone(mark, QUICK.ignore(g -> g.state().equals("chan receive")));
      assertThat(GoroutineLeaks.findLeaks(mark, QUICK.ignoreNames("nothing")).goroutines())
          .hasSize(1);
    } finally {
      gate.close();
    }
  }

  @Test
  void anInterruptedCheckChecksOnceMoreAndKeepsTheInterrupt() throws InterruptedException {
    long mark = GoroutineLeaks.mark();
    Channel<Void> gate = Channel.make();
    try {
      Go.go(() -> gate.receive());
      Samples.awaitState(mark, "chan receive");

      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> GoroutineLeaks.verifyNone(mark, LeakOptions.defaults()
              .withRetryBudget(Duration.ofMinutes(10))))
          .hasMessageStartingWith("found 1 leaked goroutine:");
      assertThat(Thread.interrupted()).isTrue();
    } finally {
      gate.close();
    }
  }

  // ---- LeakOptions ----

  private static GoroutineInfo info(String name, String... frames) {
    List<StackTraceElement> stack = java.util.Arrays.stream(frames)
        .map(f -> new StackTraceElement(
            f.substring(0, f.lastIndexOf('.')), f.substring(f.lastIndexOf('.') + 1), null, -1))
        .toList();
    return new GoroutineInfo(
        7, name, "chan receive", Duration.ZERO, null, "main", List.of(), stack);
  }

  @Test
  void defaultsIgnoreNothingAndWaitTwoSeconds() {
    LeakOptions d = LeakOptions.defaults();

    assertThat(d.hasIgnoreRules()).isFalse();
    assertThat(d.ignores(info("goroutine-7", "dev.runnel.Channel.receive"))).isFalse();
    assertThat(d.retryBudget()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void eachRuleMatchesWhatItSays() {
    GoroutineInfo g = info("pool-worker-3", "dev.runnel.Channel.receive", "com.example.Pool.loop",
        "com.example.Pool.lambda$start$0");

    assertThat(LeakOptions.defaults().ignoreNames("pool-worker-\\d+").ignores(g)).isTrue();
    assertThat(LeakOptions.defaults().ignoreNames("worker-\\d+").ignores(g)).isFalse();
    assertThat(LeakOptions.defaults().ignoreTopFunctions("dev.runnel.Channel.receive").ignores(g))
        .isTrue();
    assertThat(LeakOptions.defaults().ignoreTopFunctions("com.example.Pool.loop").ignores(g))
        .isFalse();
    assertThat(LeakOptions.defaults().ignoreStackContaining("com.example.Pool.loop").ignores(g))
        .isTrue();
    assertThat(LeakOptions.defaults().ignoreStackContaining("com.example.Pool").ignores(g))
        .isTrue();
    assertThat(LeakOptions.defaults().ignoreStackContaining("com.example.").ignores(g)).isTrue();
    assertThat(LeakOptions.defaults().ignoreStackContaining("com.exam").ignores(g)).isFalse();
    assertThat(LeakOptions.defaults().ignore(x -> x.name().contains("worker")).ignores(g)).isTrue();
  }

  @Test
  void optionsAreImmutable() {
    LeakOptions base = LeakOptions.defaults();
    LeakOptions derived = base.ignoreNames("x").withRetryBudget(Duration.ZERO);

    assertThat(base.hasIgnoreRules()).isFalse();
    assertThat(base.retryBudget()).isEqualTo(LeakOptions.DEFAULT_RETRY_BUDGET);
    assertThat(derived.hasIgnoreRules()).isTrue();
    assertThat(derived.retryBudget()).isZero();
  }

  @Test
  void aNegativeBudgetOrANullRuleIsRejected() {
    assertThatThrownBy(() -> LeakOptions.defaults().withRetryBudget(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LeakOptions.defaults().ignoreNames((String) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> LeakOptions.defaults().ignore(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> GoroutineLeaks.verifyNone(0, null))
        .isInstanceOf(NullPointerException.class);
  }
}
