package dev.runnel.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.debug.GoroutineInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each ignore rule of {@link CheckGoroutineLeaks} and {@link GoroutineLeakExtension} spares the
 * goroutines it names and only those; goroutines started before the mark are never reported.
 */
@Timeout(60)
class IgnoreRulesTest {

  /** Every sample's goroutines wait on one of these; released after each test here. */
  static Channel<Void> gate;

  @BeforeEach
  void openGate() {
    gate = Channel.make();
  }

  @AfterEach
  void releaseSampleGoroutines() {
    gate.close();
  }

  /** The body of the samples' goroutines: a named frame under the top one. */
  static void waitForGate(Channel<Void> g) throws InterruptedException {
    g.receive();
  }

  /** Starts a goroutine that waits for the gate, and waits until it blocks. */
  static void startWaiter(String name) throws InterruptedException {
    long mark = GoroutineLeaks.mark();
    Channel<Void> g = gate;
    Go.go(() -> {
      if (name != null) {
        Thread.currentThread().setName(name);
      }
      waitForGate(g);
    });
    Samples.awaitState(mark, "chan receive");
  }

  @Sample
  @CheckGoroutineLeaks(ignoreNames = "metrics-.*", retryMillis = 50)
  static class ByName {
    @Test
    void matchingName() throws InterruptedException {
      startWaiter("metrics-flusher");
    }

    @Test
    void nameThatDoesNotMatchInFull() throws InterruptedException {
      startWaiter("app-metrics-flusher");
    }
  }

  @Test
  void nameRegexIgnoresGoroutinesWhoseWholeNameMatches() {
    var results = Samples.run(ByName.class);

    results.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
    assertThat(Samples.onlyFailedTest(results.testEvents())).isEqualTo("nameThatDoesNotMatchInFull()");
  }

  @Sample
  @CheckGoroutineLeaks(ignoreTopFunctions = "dev.runnel.Channel.receive", retryMillis = 50)
  static class ByTopFunction {
    @Test
    void blockedInTheIgnoredFunction() throws InterruptedException {
      long mark = GoroutineLeaks.mark();
      startWaiter(null);
      GoroutineInfo g = Samples.awaitState(mark, "chan receive");
      assertThat(g.topFunction()).isEqualTo("dev.runnel.Channel.receive");
    }
  }

  /** The ignored function is on the stack, under Channel.receive. */
  @Sample
  @CheckGoroutineLeaks(
      ignoreTopFunctions = "dev.runnel.testing.IgnoreRulesTest.waitForGate",
      retryMillis = 50)
  static class ByTopFunctionBelowTheTop {
    @Test
    void ignoredFunctionIsOnTheStackButNotOnTop() throws InterruptedException {
      startWaiter(null);
    }
  }

  @Test
  void topFunctionRuleIgnoresGoroutinesWhoseInnermostFrameIsTheFunction() {
    Samples.run(ByTopFunction.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));
    Samples.run(ByTopFunctionBelowTheTop.class)
        .testEvents()
        .assertStatistics(s -> s.started(1).failed(1));
  }

  @Sample
  @CheckGoroutineLeaks(
      ignoreStackContaining = "dev.runnel.testing.IgnoreRulesTest.waitForGate",
      retryMillis = 50)
  static class ByStackContainingMethod {
    @Test
    void ignoredFunctionIsOnTheStack() throws InterruptedException {
      startWaiter(null);
    }
  }

  @Sample
  @CheckGoroutineLeaks(ignoreStackContaining = "com.example", retryMillis = 50)
  static class ByStackContainingOtherPackage {
    @Test
    void noFrameInThePackage() throws InterruptedException {
      startWaiter(null);
    }
  }

  @Test
  void stackRuleIgnoresGoroutinesWithTheFunctionAnywhereOnTheStack() {
    Samples.run(ByStackContainingMethod.class)
        .testEvents()
        .assertStatistics(s -> s.started(1).succeeded(1));
    Samples.run(ByStackContainingOtherPackage.class)
        .testEvents()
        .assertStatistics(s -> s.started(1).failed(1));
  }

  @Sample
  static class ByPredicate {
    // Registered in code, so it replaces the autodetected default check on this class.
    @RegisterExtension
    static GoroutineLeakExtension leaks = GoroutineLeakExtension.withOptions(
        LeakOptions.defaults()
            .ignore(g -> g.name().startsWith("worker-"))
            .withRetryBudget(java.time.Duration.ofMillis(50)));

    @Test
    void acceptedByThePredicate() throws InterruptedException {
      startWaiter("worker-1");
    }

    @Test
    void rejectedByThePredicate() throws InterruptedException {
      startWaiter("poller-1");
    }
  }

  @Test
  void predicateIgnoresTheGoroutinesItAccepts() {
    var results = Samples.run(ByPredicate.class);

    results.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
    assertThat(Samples.onlyFailedTest(results.testEvents())).isEqualTo("rejectedByThePredicate()");
  }

  @Sample
  @CheckGoroutineLeaks(retryMillis = 50)
  static class StartedBeforeTheMark {
    @BeforeAll
    static void startBeforeAnyTest() throws InterruptedException {
      startWaiter(null); // per-test mode: alive across the tests, and older than their marks
    }

    @Test
    void first() {}

    @Test
    void second() {}
  }

  @Test
  void goroutinesStartedBeforeTheMarkAreNotReported() {
    var results = Samples.run(StartedBeforeTheMark.class);

    results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
    results.containerEvents().assertStatistics(s -> s.failed(0));
  }
}
