package dev.runnel.singleflight;

import static dev.runnel.testkit.Threads.awaitParked;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.context.ContextCanceledException;
import dev.runnel.context.DeadlineExceededException;
import dev.runnel.internal.WaitReason;
import dev.runnel.singleflight.SingleFlight.Result;
import dev.runnel.testkit.TestContexts;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import dev.runnel.time.ManualClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A waiter that stops waiting: {@code call(ctx, key, fn)} with a context that is or becomes done,
 * or an interrupt. Only that waiter gives up; the flight goes on for the others.
 */
@Timeout(20)
class SingleFlightWaitTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancellingAWaitersContextEndsOnlyItsWait(Runner runner) throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    GatedFn<String> fn = GatedFn.returning("v");
    Task<Result<String>> first = runner.call(() -> sf.call("key", fn));
    fn.awaitStarted();
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Task<Result<String>> quitter = runner.call(() -> sf.call(ctx, "key", fn));
      Task<Result<String>> stayer = runner.call(() -> sf.call("key", fn));
      awaitParked(quitter.thread(), WaitReason.CHAN_RECEIVE);
      awaitParked(stayer.thread(), WaitReason.CHAN_RECEIVE);

      ctx.cancel();
      Throwable failure = quitter.failure();
      assertThat(failure).isInstanceOf(ContextCanceledException.class).isSameAs(ctx.err());
      assertThat(first.isDone()).as("the flight goes on").isFalse();
      assertThat(stayer.isDone()).as("the other waiter still waits").isFalse();
      awaitParked(stayer.thread(), WaitReason.CHAN_RECEIVE);

      fn.release();
      assertThat(first.join().value()).isEqualTo("v");
      assertThat(stayer.join()).isEqualTo(new Result<>("v", true));
    }
    assertThat(fn.runs()).isEqualTo(1);
  }

  @Test
  void aWaitersDeadlineEndsOnlyItsWait() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    GatedFn<String> fn = GatedFn.returning("v");
    Task<Result<String>> first = Runner.VIRTUAL.call(() -> sf.call("key", fn));
    fn.awaitStarted();
    ManualClock clock = new ManualClock();
    try (CancelContext ctx =
        Context.withTimeout(Context.withClock(Context.background(), clock), Duration.ofMinutes(1))) {
      Task<Result<String>> quitter = Runner.VIRTUAL.call(() -> sf.call(ctx, "key", fn));
      awaitParked(quitter.thread(), WaitReason.CHAN_RECEIVE);
      clock.advance(Duration.ofSeconds(59));
      assertThat(quitter.isDone()).isFalse();
      clock.advance(Duration.ofSeconds(1));
      assertThat(quitter.failure()).isInstanceOf(DeadlineExceededException.class).isSameAs(ctx.err());
      assertThat(first.isDone()).isFalse();
      fn.release();
      assertThat(first.join().value()).isEqualTo("v");
    }
    assertThat(fn.runs()).isEqualTo(1);
  }

  @Test
  void aWaiterWithAContextDoneAlreadyFailsAtOnceAndTheFlightGoesOn() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    GatedFn<String> fn = GatedFn.returning("v");
    Task<Result<String>> first = Runner.VIRTUAL.call(() -> sf.call("key", fn));
    fn.awaitStarted();
    CancelContext done = TestContexts.cancelled();
    Task<Result<String>> quitter = Runner.VIRTUAL.call(() -> sf.call(done, "key", fn));
    assertThat(quitter.failure()).isSameAs(done.err());
    Task<Result<String>> stayer = Runner.VIRTUAL.call(() -> sf.call("key", fn));
    awaitParked(stayer.thread(), WaitReason.CHAN_RECEIVE);
    fn.release();
    assertThat(first.join().value()).isEqualTo("v");
    assertThat(stayer.join()).isEqualTo(new Result<>("v", true));
    assertThat(fn.runs()).isEqualTo(1);
  }

  @Test
  void theCallerThatRunsFnRunsItToTheEndWhateverItsContext() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    CancelContext done = TestContexts.cancelled();
    assertThat(sf.call(done, "key", () -> "v")).isEqualTo(new Result<>("v", false));

    try (CancelContext ctx = Context.withCancel(Context.background())) {
      GatedFn<String> fn = GatedFn.returning("w");
      Task<Result<String>> runner = Runner.VIRTUAL.call(() -> sf.call(ctx, "key", fn));
      fn.awaitStarted();
      ctx.cancel();
      assertThat(runner.isDone()).isFalse();
      fn.release();
      assertThat(runner.join()).isEqualTo(new Result<>("w", false));
    }
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptingAWaiterEndsOnlyItsWait(Runner runner) throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    GatedFn<String> fn = GatedFn.returning("v");
    Task<Result<String>> first = runner.call(() -> sf.call("key", fn));
    fn.awaitStarted();
    AtomicBoolean flagAfter = new AtomicBoolean(true);
    Task<Result<String>> quitter =
        runner.call(
            () -> {
              try {
                return sf.call("key", fn);
              } finally {
                flagAfter.set(Thread.currentThread().isInterrupted());
              }
            });
    Task<Result<String>> stayer = runner.call(() -> sf.call("key", fn));
    awaitParked(quitter.thread(), WaitReason.CHAN_RECEIVE);
    awaitParked(stayer.thread(), WaitReason.CHAN_RECEIVE);

    quitter.thread().interrupt();
    assertThat(quitter.failure()).isInstanceOf(InterruptedException.class);
    assertThat(flagAfter).as("the interrupt status is cleared").isFalse();
    assertThat(first.isDone()).isFalse();
    assertThat(stayer.isDone()).isFalse();
    awaitParked(stayer.thread(), WaitReason.CHAN_RECEIVE);

    fn.release();
    assertThat(first.join()).isEqualTo(new Result<>("v", true));
    assertThat(stayer.join()).isEqualTo(new Result<>("v", true));
    assertThat(fn.runs()).isEqualTo(1);
  }

  @Test
  void aWaiterInterruptedBeforeItWaitsThrowsAndTheFlightGoesOn() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    GatedFn<String> fn = GatedFn.returning("v");
    Task<Result<String>> first = Runner.VIRTUAL.call(() -> sf.call("key", fn));
    fn.awaitStarted();
    Task<Result<String>> quitter =
        Runner.VIRTUAL.call(
            () -> {
              Thread.currentThread().interrupt();
              return sf.call("key", fn);
            });
    assertThat(quitter.failure()).isInstanceOf(InterruptedException.class);
    fn.release();
    assertThat(first.join().value()).isEqualTo("v");
    assertThat(fn.runs()).isEqualTo(1);
  }

  @Test
  void aCancelledWaiterCanCallAgainAndShareTheSameFlight() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    GatedFn<String> fn = GatedFn.returning("v");
    Task<Result<String>> first = Runner.VIRTUAL.call(() -> sf.call("key", fn));
    fn.awaitStarted();
    Task<Result<String>> again =
        Runner.VIRTUAL.call(
            () -> {
              try (CancelContext ctx = Context.withCancel(Context.background())) {
                ctx.cancel();
                try {
                  sf.call(ctx, "key", fn);
                  throw new AssertionError("a cancelled wait returned");
                } catch (ContextCanceledException expected) {
                  // then wait for good
                }
              }
              return sf.call("key", fn);
            });
    awaitParked(again.thread(), WaitReason.CHAN_RECEIVE);
    fn.release();
    assertThat(again.join()).isEqualTo(new Result<>("v", true));
    assertThat(first.join().value()).isEqualTo("v");
    assertThat(fn.runs()).isEqualTo(1);
  }
}
