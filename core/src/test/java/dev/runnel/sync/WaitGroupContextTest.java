package dev.runnel.sync;

import static dev.runnel.testkit.Threads.awaitParked;
import static dev.runnel.testkit.Threads.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.context.ContextCanceledException;
import dev.runnel.context.DeadlineExceededException;
import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import dev.runnel.testkit.Racer;
import dev.runnel.testkit.TestContexts;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import dev.runnel.time.ManualClock;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code WaitGroup.await(ctx)}: Go's {@code select} on "the group is done" and {@code
 * ctx.Done()}; a cancelled wait throws {@code ctx.err()} and leaves the group as if it never
 * waited.
 */
@Timeout(20)
class WaitGroupContextTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted(); // never leak a flag into the next test
  }



  /** The group has no count and no registered waiter, and a full add/done/await round works. */
  private static void assertIdleAndReusable(WaitGroup wg) throws Exception {
    assertThat(wg.toString()).isEqualTo("WaitGroup[count=0, waiters=0]");
    wg.add(1); // would throw "Add called concurrently with Wait" if a waiter were left over
    Task<Void> waiter = Runner.VIRTUAL.runBlocked(wg::await);
    wg.done();
    waiter.join();
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      wg.await(ctx); // counter zero: returns at once
    }
    assertThat(wg.toString()).isEqualTo("WaitGroup[count=0, waiters=0]");
  }

  // ------------------------------------------------------------------ completes normally

  @Test
  void awaitWithLiveContextReturnsAtOnceWhenTheCounterIsZero() throws Exception {
    WaitGroup wg = new WaitGroup();
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      wg.await(ctx);
    }
    wg.await(Context.background());
    assertIdleAndReusable(wg);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void awaitWithContextReturnsWhenTheCounterReachesZero(Runner runner) throws Exception {
    WaitGroup wg = new WaitGroup();
    wg.add(2);
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Task<Void> waiter = runner.run(() -> wg.await(ctx));
      Waiter w = awaitParked(waiter.thread(), WaitReason.WAIT_GROUP);
      assertThat(w.waitingOn()).isSameAs(wg);
      wg.done();
      assertThat(waiter.isDone()).isFalse();
      wg.done();
      waiter.join();
      assertThat(ctx.err()).isNull();
    }
    assertIdleAndReusable(wg);
  }

  // ------------------------------------------------------------------ done on entry

  @Test
  void doneContextOnEntryThrowsEvenWhenTheCounterIsZero() throws Exception {
    // Observed and documented: the done context is checked first, so even a wait that would
    // return at once throws.
    WaitGroup wg = new WaitGroup();
    CancelContext ctx = TestContexts.cancelled();
    assertThatThrownBy(() -> wg.await(ctx)).isSameAs(ctx.err());
    assertIdleAndReusable(wg);
  }

  @Test
  void doneContextOnEntryThrowsWithoutRegisteringAWaiter() throws Exception {
    WaitGroup wg = new WaitGroup();
    wg.add(1);
    CancelContext ctx = TestContexts.cancelled();
    assertThatThrownBy(() -> wg.await(ctx)).isSameAs(ctx.err());
    assertThat(wg.toString()).isEqualTo("WaitGroup[count=1, waiters=0]");
    wg.done();
    assertIdleAndReusable(wg);
  }

  // ------------------------------------------------------------------ cancelled while waiting

  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelledWhileWaitingThrowsAndOtherWaitersAreStillReleased(Runner runner)
      throws Exception {
    WaitGroup wg = new WaitGroup();
    wg.add(1);
    Task<Void> plain = runner.runBlocked(wg::await);
    CancelContext ctx = Context.withCancel(Context.background());
    Task<Void> cancellable = runner.run(() -> wg.await(ctx));
    awaitParked(cancellable.thread(), WaitReason.WAIT_GROUP);
    try (CancelContext other = Context.withCancel(Context.background())) {
      Task<Void> otherCtx = runner.run(() -> wg.await(other));
      awaitParked(otherCtx.thread(), WaitReason.WAIT_GROUP);
      assertThat(wg.toString()).isEqualTo("WaitGroup[count=1, waiters=3]");
      ctx.cancel();
      assertThat(cancellable.failure()).isInstanceOf(ContextCanceledException.class)
          .isSameAs(ctx.err());
      assertThat(wg.toString()).as("the cancelled waiter left").isEqualTo(
          "WaitGroup[count=1, waiters=2]");
      assertThat(plain.isDone()).isFalse();
      wg.done();
      plain.join();
      otherCtx.join();
    }
    assertIdleAndReusable(wg);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelledOnlyWaiterLeavesTheGroupReusable(Runner runner) throws Exception {
    WaitGroup wg = new WaitGroup();
    wg.add(1);
    CancelContext ctx = Context.withCancel(Context.background());
    Task<Void> waiter = runner.run(() -> wg.await(ctx));
    awaitParked(waiter.thread(), WaitReason.WAIT_GROUP);
    ctx.cancel();
    assertThat(waiter.failure()).isSameAs(ctx.err());
    assertThat(wg.toString()).isEqualTo("WaitGroup[count=1, waiters=0]");
    wg.add(1); // more work while nobody waits: not a misuse
    wg.done();
    wg.done();
    assertIdleAndReusable(wg);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void deadlineWhileWaitingThrowsDeadlineExceeded(Runner runner) throws Exception {
    ManualClock clock = new ManualClock();
    WaitGroup wg = new WaitGroup();
    wg.add(1);
    CancelContext ctx =
        Context.withTimeout(Context.withClock(Context.background(), clock), Duration.ofMinutes(1));
    Task<Void> waiter = runner.run(() -> wg.await(ctx));
    awaitParked(waiter.thread(), WaitReason.WAIT_GROUP);
    clock.advance(Duration.ofSeconds(59));
    assertThat(ctx.err()).isNull();
    clock.advance(Duration.ofSeconds(1));
    assertThat(waiter.failure()).isInstanceOf(DeadlineExceededException.class)
        .isSameAs(ctx.err());
    wg.done();
    assertIdleAndReusable(wg);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptWhileWaitingStillThrowsInterruptedException(Runner runner) throws Exception {
    WaitGroup wg = new WaitGroup();
    wg.add(1);
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Task<Void> waiter = runner.run(() -> wg.await(ctx));
      awaitParked(waiter.thread(), WaitReason.WAIT_GROUP);
      waiter.thread().interrupt();
      assertThat(waiter.failure()).isInstanceOf(InterruptedException.class);
      assertThat(ctx.err()).isNull();
    }
    assertThat(wg.toString()).isEqualTo("WaitGroup[count=1, waiters=0]");
    wg.done();
    assertIdleAndReusable(wg);
  }

  /**
   * No race at all: the cancellation has returned before the {@code done()} that empties the
   * group, so the context became done first and {@code await(ctx)} must throw.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelThatReturnedBeforeTheReleaseAlwaysWins(Runner runner) throws Exception {
    for (int round = 0; round < 100; round++) {
      WaitGroup wg = new WaitGroup();
      wg.add(1);
      CancelContext ctx = Context.withCancel(Context.background());
      Task<Void> waiter = runner.run(() -> wg.await(ctx));
      awaitParked(waiter.thread(), WaitReason.WAIT_GROUP);
      ctx.cancel();
      wg.done();
      assertThat(waiter.failure()).as("round %d: await(ctx) after cancel() returned", round)
          .isSameAs(ctx.err());
      assertIdleAndReusable(wg);
    }
  }

  // ------------------------------------------------------------------ cancel vs release

  /**
   * A blocked {@code await(ctx)} raced by a cancel and the {@code done()} that releases it: it
   * returns or throws {@code ctx.err()}, and either way the group is left consistent and a plain
   * waiter beside it is released.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelRacingTheReleaseLeavesTheGroupConsistent(Runner runner) throws Exception {
    for (int round = 0; round < 300; round++) {
      WaitGroup wg = new WaitGroup();
      wg.add(1);
      Task<Void> plain = runner.runBlocked(wg::await);
      CancelContext ctx = Context.withCancel(Context.background());
      Task<Void> waiter = runner.run(() -> wg.await(ctx));
      awaitParked(waiter.thread(), WaitReason.WAIT_GROUP);
      Racer canceller = Racer.start(runner, round, ctx::cancel);
      canceller.go();
      wg.done(); // must not throw a misuse error whatever the cancelled waiter does
      canceller.join();
      try {
        waiter.join(); // released before the cancellation took effect
      } catch (CancellationException e) {
        assertThat(waiter.failure()).as("round %d", round).isSameAs(ctx.err());
      }
      plain.join();
      assertIdleAndReusable(wg);
    }
  }
}
