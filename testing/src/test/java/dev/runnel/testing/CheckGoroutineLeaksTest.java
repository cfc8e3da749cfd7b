package dev.runnel.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.ReceiveChannel;
import dev.runnel.Select;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.time.Time;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * {@link CheckGoroutineLeaks} on sample test classes run in a nested engine: leaks fail the test
 * that made them, with a dump; goroutines that end on their own, or that a class stops in
 * {@code @AfterAll} in per-class mode, do not. Every sample's leaked goroutine is released before
 * the test here returns.
 */
@Timeout(60)
class CheckGoroutineLeaksTest {

  // ---- The classic leak: a receiver nobody sends to ----

  /** Closed by the outer test, to release the sample's leaked goroutine. */
  static Channel<Integer> forgotten;

  @Sample
  @CheckGoroutineLeaks(retryMillis = 100)
  static class ForgottenReceiver {
    @Test
    void startsAReceiverNobodySendsTo() throws InterruptedException {
      long mark = GoroutineLeaks.mark();
      Channel<Integer> ch = forgotten;
      Go.go(() -> ch.receive());
      Samples.awaitState(mark, "chan receive");
    }
  }

  @Test
  void aGoroutineBlockedForeverOnAChannelFailsTheTestWithItsDump() {
    forgotten = Channel.make();
    try {
      EngineExecutionResults results = Samples.run(ForgottenReceiver.class);

      results.testEvents().assertStatistics(s -> s.started(1).failed(1));
      Throwable failure = Samples.onlyFailure(results.testEvents());
      assertThat(failure).isInstanceOf(AssertionError.class);
      assertThat(failure.getMessage())
          .startsWith("found 1 leaked goroutine:\n\ngoroutine ")
          .contains("[chan receive")
          .contains("dev.runnel.Channel.receive")
          .contains("ForgottenReceiver.lambda$startsAReceiverNobodySendsTo$");
    } finally {
      forgotten.close();
    }
  }

  // ---- The forgotten sender: the caller gives up on ctx.done() ----

  /** Where the sample leaves its result channel, for the outer test to drain. */
  static final AtomicReference<Channel<String>> abandoned = new AtomicReference<>();

  /**
   * The worker of the seed's example: its work ({@code work} closing) ends after the caller's
   * deadline, then it reports the result to a caller that is gone.
   */
  static void search(ReceiveChannel<Void> work, Channel<String> result)
      throws InterruptedException {
    work.receive();
    result.send("result");
  }

  /** The caller: waits for the result or its deadline, whichever comes first. */
  static String searchWithDeadline(Channel<String> result, ReceiveChannel<Void> work)
      throws InterruptedException {
    AtomicReference<String> outcome = new AtomicReference<>();
    abandoned.set(result);
    try (CancelContext ctx = Context.withTimeout(Context.background(), Duration.ofMillis(20))) {
      Go.go(() -> search(work, result));
      Select.select()
          .onReceive(result, outcome::set)
          .onReceive(ctx.done(), ignored -> outcome.set("gave up"))
          .run();
    }
    return outcome.get();
  }

  @Sample
  @CheckGoroutineLeaks(retryMillis = 200)
  static class ForgottenSender {
    @Test
    void unbufferedResultChannel() throws InterruptedException {
      Channel<Void> work = Channel.make();
      assertThat(searchWithDeadline(Channel.make(), work)).isEqualTo("gave up");
      work.close(); // the work ends after the caller left
    }
  }

  @Sample
  @CheckGoroutineLeaks(retryMillis = 200)
  static class ForgottenSenderFixed {
    @Test
    void resultChannelWithRoomForTheOneResult() throws InterruptedException {
      Channel<Void> work = Channel.make();
      assertThat(searchWithDeadline(Channel.make(1), work)).isEqualTo("gave up");
      work.close();
    }
  }

  @Test
  void aWorkerSendingToACallerThatGaveUpOnItsContextLeaksOnAnUnbufferedChannel()
      throws InterruptedException {
    try {
      EngineExecutionResults results = Samples.run(ForgottenSender.class);

      results.testEvents().assertStatistics(s -> s.started(1).failed(1));
      assertThat(Samples.onlyFailure(results.testEvents()).getMessage())
          .startsWith("found 1 leaked goroutine:")
          .contains("[chan send")
          .contains("dev.runnel.Channel.send")
          .contains(CheckGoroutineLeaksTest.class.getName() + ".search(");
    } finally {
      assertThat(abandoned.get().receive(Duration.ofSeconds(10)).ok()).isTrue(); // frees the sender
    }
  }

  @Test
  void theSameWorkerWithABufferOfOneLeaksNothing() {
    Samples.run(ForgottenSenderFixed.class)
        .testEvents()
        .assertStatistics(s -> s.started(1).succeeded(1).failed(0));
  }

  // ---- Retries: goroutines that are finishing are not leaks ----

  /** Closed by the outer test, to release the sample's goroutine. */
  static Channel<Void> gate;

  @Sample
  @CheckGoroutineLeaks
  static class EndsJustAfterwards {
    @Test
    void startsAGoroutineThatEndsThirtyMillisecondsLater() throws InterruptedException {
      long mark = GoroutineLeaks.mark();
      Channel<Void> done = Channel.make();
      Go.go(() -> done.receive());
      Samples.awaitState(mark, "chan receive");
      Time.afterFunc(Duration.ofMillis(30), done::close); // the timer's goroutine ends too
    }
  }

  @Sample
  @CheckGoroutineLeaks(retryMillis = 0)
  static class NoRetry {
    @Test
    void startsAGoroutineThatEndsAfterTheCheck() throws InterruptedException {
      long mark = GoroutineLeaks.mark();
      Channel<Void> g = gate;
      Go.go(() -> g.receive());
      Samples.awaitState(mark, "chan receive");
    }
  }

  @Test
  void aGoroutineThatEndsWithinTheRetryBudgetIsNotReported() {
    Samples.run(EndsJustAfterwards.class)
        .testEvents()
        .assertStatistics(s -> s.started(1).succeeded(1).failed(0));
  }

  @Test
  void withoutRetriesAGoroutineStillRunningAtTheCheckIsReported() {
    gate = Channel.make();
    try {
      Samples.run(NoRetry.class).testEvents().assertStatistics(s -> s.started(1).failed(1));
    } finally {
      gate.close();
    }
  }

  // ---- Per-class mode ----

  static Channel<Void> classGate;

  @Sample
  @CheckGoroutineLeaks(perClass = true, retryMillis = 100)
  static class ServerStartedForTheClass {
    static Channel<Void> stop;

    @BeforeAll
    static void startServer() {
      stop = Channel.make();
      Channel<Void> s = stop;
      Go.go(() -> s.receive());
    }

    @AfterAll
    static void stopServer() {
      stop.close();
    }

    @Test
    void firstTest() {}

    @Test
    void secondTest() {}
  }

  @Sample
  @CheckGoroutineLeaks(perClass = true, retryMillis = 100)
  static class ServerNeverStopped {
    @BeforeAll
    static void startServer() {
      Channel<Void> s = classGate;
      Go.go(() -> s.receive());
    }

    @Test
    void firstTest() {}

    @Test
    void secondTest() {}
  }

  @Test
  void perClassAGoroutineStartedInBeforeAllAndStoppedInAfterAllPasses() {
    EngineExecutionResults results = Samples.run(ServerStartedForTheClass.class);

    results.testEvents().assertStatistics(s -> s.started(2).succeeded(2).failed(0));
    results.containerEvents().assertStatistics(s -> s.failed(0));
  }

  @Test
  void perClassAGoroutineNeverStoppedFailsTheClassNotItsTests() {
    classGate = Channel.make();
    try {
      EngineExecutionResults results = Samples.run(ServerNeverStopped.class);

      results.testEvents().assertStatistics(s -> s.started(2).succeeded(2).failed(0));
      assertThat(Samples.onlyFailure(results.containerEvents()).getMessage())
          .startsWith("found 1 leaked goroutine:")
          .contains("ServerNeverStopped.lambda$startServer$");
    } finally {
      classGate.close();
    }
  }

  // ---- A failing test that also leaks reports both ----

  @Sample
  @CheckGoroutineLeaks(retryMillis = 50)
  static class FailsAndLeaks {
    @Test
    void failsAfterStartingAReceiver() throws InterruptedException {
      long mark = GoroutineLeaks.mark();
      Channel<Void> g = gate;
      Go.go(() -> g.receive());
      Samples.awaitState(mark, "chan receive");
      throw new AssertionError("the test's own failure");
    }
  }

  @Test
  void aTestThatFailsAndLeaksReportsTheLeakAsSuppressed() {
    gate = Channel.make();
    try {
      Throwable failure = Samples.onlyFailure(Samples.run(FailsAndLeaks.class).testEvents());

      assertThat(failure).hasMessage("the test's own failure");
      assertThat(failure.getSuppressed()).singleElement()
          .satisfies(s -> assertThat(s).hasMessageStartingWith("found 1 leaked goroutine:"));
    } finally {
      gate.close();
    }
  }

  // ---- Autodetection: this module's tests run under the check without the annotation ----

  @Sample
  static class NotAnnotated {
    @Test
    void leaksAReceiver() throws InterruptedException {
      long mark = GoroutineLeaks.mark();
      Channel<Void> g = gate;
      Go.go(() -> g.receive());
      Samples.awaitState(mark, "chan receive");
    }
  }

  @Test
  void theAutodetectedExtensionChecksTestsWithoutTheAnnotation() {
    gate = Channel.make();
    try {
      Throwable failure = Samples.onlyFailure(Samples.run(NotAnnotated.class).testEvents());

      assertThat(failure).hasMessageStartingWith("found 1 leaked goroutine:");
    } finally {
      gate.close();
    }
  }
}
