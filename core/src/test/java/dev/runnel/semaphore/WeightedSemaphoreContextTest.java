package dev.runnel.semaphore;

import static dev.runnel.semaphore.WeightedSemaphoreTest.assertIdleAndUsable;
import static dev.runnel.testkit.Threads.awaitParked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.context.ContextCanceledException;
import dev.runnel.context.DeadlineExceededException;
import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
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
 * {@code WeightedSemaphore.acquire(ctx, n)}: Go's {@code Acquire(ctx, n)}. A done context fails
 * the call, on entry or while waiting, with {@code ctx.err()}, and the semaphore is then as it
 * was; a cancelled head lets the waiters behind it through.
 */
@Timeout(20)
class WeightedSemaphoreContextTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted(); // never leak a flag into the next test
  }

  private static Task<Void> blockedAcquire(Runner runner, WeightedSemaphore sem, long n) {
    return WeightedSemaphoreTest.blockedAcquire(runner, sem, n);
  }

  private static Task<Void> blockedAcquire(
      Runner runner, WeightedSemaphore sem, Context ctx, long n) {
    Task<Void> t = runner.run(() -> sem.acquire(ctx, n));
    awaitParked(t.thread(), WaitReason.SEMACQUIRE);
    return t;
  }

  // ------------------------------------------------------------------ completes normally

  @Test
  void acquireWithLiveContextTakesFreeUnits() throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(4);
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      sem.acquire(ctx, 3);
      assertThat(sem.inUse()).isEqualTo(3);
      sem.acquire(ctx, 1);
      assertThat(sem.inUse()).isEqualTo(4);
    }
    sem.release(4);
    sem.acquire(Context.background(), 4); // a context that is never done
    sem.release(4);
    assertIdleAndUsable(sem);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedAcquireWithContextIsGrantedOnRelease(Runner runner) throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(2);
    sem.acquire(2);
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Task<Void> waiter = runner.run(() -> sem.acquire(ctx, 2));
      Waiter w = awaitParked(waiter.thread(), WaitReason.SEMACQUIRE);
      assertThat(w.waitingOn()).isSameAs(sem);
      sem.release(2);
      waiter.join();
      assertThat(sem.inUse()).isEqualTo(2);
      ctx.cancel(); // after the grant: the units stay taken
      assertThat(sem.inUse()).isEqualTo(2);
    }
    sem.release(2);
    assertIdleAndUsable(sem);
  }

  // ------------------------------------------------------------------ done on entry

  @Test
  void doneContextOnEntryThrowsEvenWhenTheUnitsAreFree() {
    WeightedSemaphore sem = new WeightedSemaphore(3);
    CancelContext ctx = TestContexts.cancelled();
    assertThatThrownBy(() -> sem.acquire(ctx, 1))
        .isInstanceOf(ContextCanceledException.class)
        .isSameAs(ctx.err());
    assertThatThrownBy(() -> sem.acquire(ctx, 0)).isSameAs(ctx.err());
    assertIdleAndUsable(sem);
  }

  @Test
  void expiredDeadlineOnEntryThrowsDeadlineExceeded() {
    WeightedSemaphore sem = new WeightedSemaphore(3);
    ManualClock clock = new ManualClock();
    CancelContext ctx =
        Context.withTimeout(Context.withClock(Context.background(), clock), Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> sem.acquire(ctx, 1))
        .isInstanceOf(DeadlineExceededException.class)
        .isSameAs(ctx.err());
    assertIdleAndUsable(sem);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void doneContextOnEntryDoesNotQueue(Runner runner) throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(3);
    sem.acquire(3);
    Task<Void> waiter = blockedAcquire(runner, sem, 1);
    CancelContext ctx = TestContexts.cancelled();
    assertThatThrownBy(() -> sem.acquire(ctx, 1)).isSameAs(ctx.err());
    assertThat(sem.toString()).isEqualTo("WeightedSemaphore[3/3 in use, 1 waiting]");
    sem.release(1);
    waiter.join();
    sem.release(3);
    assertIdleAndUsable(sem);
  }

  @Test
  void doneContextWinsOverAnInterruptOnEntry() {
    WeightedSemaphore sem = new WeightedSemaphore(1);
    CancelContext ctx = TestContexts.cancelled();
    Thread.currentThread().interrupt();
    Throwable thrown = null;
    try {
      sem.acquire(ctx, 1);
    } catch (Throwable e) {
      thrown = e;
    }
    // Either failure is a fair reading; neither may take the unit or swallow anything.
    assertThat(thrown).isNotNull();
    if (thrown instanceof InterruptedException) {
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
    } else {
      assertThat(thrown).isSameAs(ctx.err());
      assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
    }
    assertIdleAndUsable(sem);
  }

  // ------------------------------------------------------------------ done while waiting

  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelledWhileWaitingThrowsAndLeavesTheSemaphoreAsItWas(Runner runner) throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(4);
    sem.acquire(3);
    CancelContext ctx = Context.withCancel(Context.background());
    AtomicBoolean acquired = new AtomicBoolean();
    Task<Void> waiter =
        runner.run(
            () -> {
              sem.acquire(ctx, 2);
              acquired.set(true); // never reached
            });
    awaitParked(waiter.thread(), WaitReason.SEMACQUIRE);
    assertThat(sem.tryAcquire(1)).as("the waiter blocks tryAcquire").isFalse();
    ctx.cancel();
    assertThat(waiter.failure())
        .isInstanceOf(ContextCanceledException.class)
        .isSameAs(ctx.err());
    assertThat(acquired).isFalse();
    assertThat(sem.inUse()).isEqualTo(3);
    assertThat(sem.toString()).isEqualTo("WeightedSemaphore[3/4 in use, 0 waiting]");
    assertThat(sem.tryAcquire(1)).as("tryAcquire works again").isTrue();
    sem.release(4);
    assertIdleAndUsable(sem);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void deadlineWhileWaitingThrowsDeadlineExceeded(Runner runner) throws Exception {
    ManualClock clock = new ManualClock();
    WeightedSemaphore sem = new WeightedSemaphore(2);
    sem.acquire(2);
    CancelContext ctx =
        Context.withTimeout(Context.withClock(Context.background(), clock), Duration.ofSeconds(5));
    Task<Void> waiter = blockedAcquire(runner, sem, ctx, 1);
    clock.advance(Duration.ofSeconds(4));
    awaitParked(waiter.thread(), WaitReason.SEMACQUIRE);
    assertThat(waiter.isDone()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(waiter.failure())
        .isInstanceOf(DeadlineExceededException.class)
        .isSameAs(ctx.err());
    assertThat(sem.inUse()).isEqualTo(2);
    assertThat(sem.toString()).isEqualTo("WeightedSemaphore[2/2 in use, 0 waiting]");
    sem.release(2);
    assertIdleAndUsable(sem);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptWhileWaitingWithContextThrowsInterruptedException(Runner runner)
      throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(2);
    sem.acquire(1);
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Task<Void> waiter =
          runner.run(
              () -> {
                try {
                  sem.acquire(ctx, 2);
                } finally {
                  assertThat(Thread.currentThread().isInterrupted()).isFalse();
                }
              });
      awaitParked(waiter.thread(), WaitReason.SEMACQUIRE);
      waiter.thread().interrupt();
      assertThat(waiter.failure()).isInstanceOf(InterruptedException.class);
      assertThat(ctx.err()).isNull();
      assertThat(sem.inUse()).isEqualTo(1);
      assertThat(sem.toString()).isEqualTo("WeightedSemaphore[1/2 in use, 0 waiting]");
    }
    sem.release(1);
    assertIdleAndUsable(sem);
  }

  /**
   * The head wants more than is free; the next wants 1, which is free, but waits behind it.
   * Cancelling the head must grant the next one, not leave it waiting for a release.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelledHeadWakesTheWaiterItWasBlocking(Runner runner) throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(5);
    sem.acquire(1);
    CancelContext ctx = Context.withCancel(Context.background());
    Task<Void> head = blockedAcquire(runner, sem, ctx, 5);
    Task<Void> next = blockedAcquire(runner, sem, 1);
    assertThat(next.isDone()).as("1 free unit, but behind the head").isFalse();
    ctx.cancel();
    assertThat(head.failure()).isSameAs(ctx.err());
    next.join();
    assertThat(sem.inUse()).isEqualTo(2);
    assertThat(sem.toString()).isEqualTo("WeightedSemaphore[2/5 in use, 0 waiting]");
    sem.release(2);
    assertIdleAndUsable(sem);
  }

  /** The same when the head's deadline passes, with several waiters behind it. */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void expiredHeadLetsEveryWaiterThatFitsThrough(Runner runner) throws Exception {
    ManualClock clock = new ManualClock();
    WeightedSemaphore sem = new WeightedSemaphore(6);
    sem.acquire(2);
    CancelContext ctx =
        Context.withTimeout(Context.withClock(Context.background(), clock), Duration.ofSeconds(1));
    Task<Void> head = blockedAcquire(runner, sem, ctx, 6);
    Task<Void> a = blockedAcquire(runner, sem, 1);
    Task<Void> b = blockedAcquire(runner, sem, 3);
    Task<Void> c = blockedAcquire(runner, sem, 1); // 4 free: a, b fit; c does not
    clock.advance(Duration.ofSeconds(1));
    assertThat(head.failure()).isInstanceOf(DeadlineExceededException.class);
    a.join();
    b.join();
    assertThat(sem.inUse()).isEqualTo(6);
    awaitParked(c.thread(), WaitReason.SEMACQUIRE);
    assertThat(c.isDone()).isFalse();
    sem.release(1);
    c.join();
    sem.release(6);
    assertIdleAndUsable(sem);
  }

  /** A cancelled waiter in the middle leaves; the head still blocks, the rest keep their order. */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelledWaiterBehindTheHeadGrantsNothing(Runner runner) throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(5);
    sem.acquire(2);
    Task<Void> head = blockedAcquire(runner, sem, 5);
    CancelContext ctx = Context.withCancel(Context.background());
    Task<Void> middle = blockedAcquire(runner, sem, ctx, 1);
    Task<Void> tail = blockedAcquire(runner, sem, 2);
    ctx.cancel();
    assertThat(middle.failure()).isSameAs(ctx.err());
    assertThat(sem.inUse()).isEqualTo(2);
    assertThat(sem.toString()).isEqualTo("WeightedSemaphore[2/5 in use, 2 waiting]");
    awaitParked(head.thread(), WaitReason.SEMACQUIRE);
    awaitParked(tail.thread(), WaitReason.SEMACQUIRE);
    assertThat(tail.isDone()).as("still behind the head").isFalse();
    sem.release(2);
    head.join();
    assertThat(tail.isDone()).isFalse();
    sem.release(2);
    tail.join();
    assertThat(sem.inUse()).isEqualTo(5);
    sem.release(5);
    assertIdleAndUsable(sem);
  }

  // ------------------------------------------------------------------ larger than the size

  /**
   * A request larger than the size is not queued: it waits only for its context, throws {@code
   * ctx.err()}, and nobody else waits on it meanwhile.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void requestLargerThanTheSizeWaitsForItsContextAndBlocksNobody(Runner runner)
      throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(2);
    CancelContext ctx = Context.withCancel(Context.background());
    Task<Void> doomed = blockedAcquire(runner, sem, ctx, 3);

    assertThat(sem.tryAcquire(1)).as("free and nobody queued: %s", sem).isTrue();
    try (CancelContext live = Context.withCancel(Context.background())) {
      sem.acquire(live, 1);
    }
    assertThat(sem.inUse()).isEqualTo(2);
    Task<Void> waiter = blockedAcquire(runner, sem, 2);
    sem.release(2);
    waiter.join(); // granted although the doomed request came first
    assertThat(sem.inUse()).isEqualTo(2);
    sem.release(2);
    // still waiting, even with every unit free
    awaitParked(doomed.thread(), WaitReason.SEMACQUIRE);
    assertThat(doomed.isDone()).isFalse();

    ctx.cancel();
    assertThat(doomed.failure())
        .isInstanceOf(ContextCanceledException.class)
        .isSameAs(ctx.err());
    assertIdleAndUsable(sem);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void requestLargerThanTheSizeEndsAtItsDeadline(Runner runner) throws Exception {
    ManualClock clock = new ManualClock();
    WeightedSemaphore sem = new WeightedSemaphore(2);
    CancelContext ctx =
        Context.withTimeout(Context.withClock(Context.background(), clock), Duration.ofSeconds(3));
    Task<Void> doomed = blockedAcquire(runner, sem, ctx, 10);
    clock.advance(Duration.ofSeconds(3));
    assertThat(doomed.failure())
        .isInstanceOf(DeadlineExceededException.class)
        .isSameAs(ctx.err());
    assertIdleAndUsable(sem);
  }

  /** Several doomed requests and a stream of ordinary ones (Go: "doesn't block if too big"). */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void manyRequestsLargerThanTheSizeDoNotHoldUpOrdinaryOnes(Runner runner) throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(2);
    CancelContext ctx = Context.withCancel(Context.background());
    Task<?>[] doomed = new Task<?>[3];
    for (int i = 0; i < doomed.length; i++) {
      doomed[i] = blockedAcquire(runner, sem, ctx, 3 + i);
    }
    Task<?>[] workers = new Task<?>[8];
    for (int i = 0; i < workers.length; i++) {
      workers[i] =
          runner.run(
              () -> {
                try (CancelContext mine = Context.withCancel(Context.background())) {
                  sem.acquire(mine, 1);
                  try {
                    Thread.yield();
                  } finally {
                    sem.release(1);
                  }
                }
              });
    }
    for (Task<?> w : workers) {
      w.join();
    }
    ctx.cancel();
    for (Task<?> d : doomed) {
      assertThat(d.failure()).isSameAs(ctx.err());
    }
    assertIdleAndUsable(sem);
  }
}
