package dev.runnel.context;

import static dev.runnel.context.ContextProbe.childCount;
import static dev.runnel.testkit.Threads.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import dev.runnel.time.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Context#interruptOnCancel}: cancellation interrupts a call that only understands
 * interrupts, the call's {@link InterruptedException} becomes {@code ctx.err()}, and no interrupt
 * leaks out of the bridge.
 */
@Timeout(20)
class InterruptOnCancelTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  /** What a call in a test thread ended with, and the interrupt flag right after. */
  private record Outcome(Object result, Throwable thrown, boolean interruptedAfter) {}

  private static Outcome outcome(Interruptible<Object, Exception> call) {
    try {
      Object r = call.call();
      return new Outcome(r, null, Thread.currentThread().isInterrupted());
    } catch (Throwable e) {
      return new Outcome(null, e, Thread.currentThread().isInterrupted());
    }
  }

  /** Waits until {@code t} is parked inside the call, with the bridge hung on {@code ctx}. */
  private static void awaitBlockedInCall(Thread t, Context ctx) {
    eventually(
        "the call blocks with its bridge registered",
        () -> childCount(ctx) == 1 && t.getState() == Thread.State.WAITING);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelEndsABlockingTakeWithCtxErrAndClearsTheInterrupt(Runner runner) throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    Task<Outcome> task =
        runner.call(() -> outcome(() -> Context.interruptOnCancel(ctx, queue::take)));
    awaitBlockedInCall(task.thread(), ctx);

    ctx.cancel();

    Outcome o = task.join();
    assertThat(o.thrown).isInstanceOf(ContextCanceledException.class).isSameAs(ctx.err());
    assertThat(o.interruptedAfter).as("the bridge's interrupt was consumed").isFalse();
    assertThat(queue).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void deadlineEndsABlockingTake(Runner runner) throws Exception {
    ManualClock clock = new ManualClock();
    CancelContext ctx =
        Context.withTimeout(Context.withClock(Context.background(), clock), Duration.ofSeconds(1));
    BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    Task<Outcome> task =
        runner.call(() -> outcome(() -> Context.interruptOnCancel(ctx, queue::take)));
    awaitBlockedInCall(task.thread(), ctx);

    clock.advance(Duration.ofSeconds(1));

    Outcome o = task.join();
    assertThat(o.thrown).isInstanceOf(DeadlineExceededException.class).isSameAs(ctx.err());
    assertThat(o.interruptedAfter).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelOfAnAncestorEndsTheCall(Runner runner) throws Exception {
    CancelContext root = Context.withCancel(Context.background());
    CancelContext mid = Context.withCancel(root);
    Context leaf = Context.withValue(mid, "k", "v");
    Task<Outcome> task =
        runner.call(
            () ->
                outcome(
                    () ->
                        Context.interruptOnCancel(
                            leaf,
                            () -> {
                              Thread.sleep(Duration.ofMinutes(5));
                              return "slept";
                            })));
    eventually(
        "sleeping",
        () -> childCount(mid) == 1 && task.thread().getState() == Thread.State.TIMED_WAITING);
    root.cancel();
    Outcome o = task.join();
    assertThat(o.thrown).isSameAs(root.err());
    assertThat(o.interruptedAfter).isFalse();
  }

  @Test
  void aCallThatCompletesNormallyLeavesTheFlagAsOnEntry() throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    assertThat(Context.interruptOnCancel(ctx, () -> "value")).isEqualTo("value");
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    assertThat(childCount(ctx)).as("the bridge left the context").isZero();
    assertThat(ctx.err()).isNull();

    Thread.currentThread().interrupt();
    assertThat(Context.interruptOnCancel(ctx, () -> "again")).isEqualTo("again");
    assertThat(Thread.interrupted()).as("the entry interrupt is kept").isTrue();
    assertThat(childCount(ctx)).isZero();
  }

  @Test
  void withANeverCancelledContextTheCallJustRuns() throws Exception {
    assertThat(Context.interruptOnCancel(Context.background(), () -> 1)).isEqualTo(1);
    Thread.currentThread().interrupt();
    assertThat(Context.interruptOnCancel(Context.withoutCancel(Context.background()), () -> 2))
        .isEqualTo(2);
    assertThat(Thread.interrupted()).isTrue();
  }

  @Test
  void aThreadInterruptedOnEntryKeepsItsFlagWhenCancelRacesTheCall() throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    CountDownLatch inCall = new CountDownLatch(1);
    Task<Outcome> task =
        Runner.VIRTUAL.call(
            () -> {
              Thread.currentThread().interrupt();
              return outcome(
                  () ->
                      Context.interruptOnCancel(
                          ctx,
                          () -> {
                            inCall.countDown();
                            // A call that ignores interrupts and ends once ctx is done.
                            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                            while (ctx.err() == null && System.nanoTime() - deadline < 0) {
                              Thread.onSpinWait();
                            }
                            return "finished";
                          }));
            });
    assertThat(inCall.await(5, TimeUnit.SECONDS)).isTrue();
    ctx.cancel();
    Outcome o = task.join();
    assertThat(o.result).isEqualTo("finished");
    assertThat(o.interruptedAfter).as("the interrupt from before the call").isTrue();
  }

  @Test
  void anAlreadyDoneContextThrowsWithoutRunningTheCall() {
    CancelContext ctx = Context.withCancel(Context.background());
    ctx.cancel();
    AtomicBoolean ran = new AtomicBoolean();
    assertThatThrownBy(
            () ->
                Context.interruptOnCancel(
                    ctx,
                    () -> {
                      ran.set(true);
                      return null;
                    }))
        .isSameAs(ctx.err());
    assertThat(ran).isFalse();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void anInterruptFromSomeoneElsePropagatesAsInterruptedException(Runner runner) throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    Task<Outcome> task =
        runner.call(() -> outcome(() -> Context.interruptOnCancel(ctx, queue::take)));
    awaitBlockedInCall(task.thread(), ctx);

    task.thread().interrupt();

    Outcome o = task.join();
    assertThat(o.thrown).isInstanceOf(InterruptedException.class);
    assertThat(o.interruptedAfter).as("take cleared the flag as it threw").isFalse();
    assertThat(ctx.err()).as("the context is untouched").isNull();
    assertThat(childCount(ctx)).as("the bridge left the context").isZero();
  }

  @Test
  void otherExceptionsOfTheCallPropagateUnchanged() {
    CancelContext ctx = Context.withCancel(Context.background());
    IOException io = new IOException("disk");
    assertThatThrownBy(
            () ->
                Context.<String, IOException>interruptOnCancel(
                    ctx,
                    () -> {
                      throw io;
                    }))
        .isSameAs(io);
    IllegalStateException unchecked = new IllegalStateException("bug");
    assertThatThrownBy(
            () ->
                Context.interruptOnCancel(
                    ctx,
                    () -> {
                      throw unchecked;
                    }))
        .isSameAs(unchecked);
    assertThat(childCount(ctx)).isZero();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelRacingANormalReturnNeverLeavesAStrayInterrupt(Runner runner) throws Exception {
    Task<Void> racer =
        runner.run(
            () -> {
              CyclicBarrier start = new CyclicBarrier(2);
              for (int i = 0; i < 2_000; i++) {
                CancelContext ctx = Context.withCancel(Context.background());
                int spins = ThreadLocalRandom.current().nextInt(200);
                Thread canceller =
                    Thread.ofVirtual()
                        .start(
                            () -> {
                              try {
                                start.await();
                              } catch (Exception e) {
                                throw new AssertionError(e);
                              }
                              ctx.cancel();
                            });
                start.await();
                try {
                  Object r =
                      Context.interruptOnCancel(
                          ctx,
                          () -> {
                            for (int s = 0; s < spins; s++) {
                              Thread.onSpinWait();
                            }
                            return "done";
                          });
                  assertThat(r).isEqualTo("done");
                } catch (CancellationException e) {
                  assertThat(e).as("cancelled before the call").isSameAs(ctx.err());
                }
                assertThat(canceller.join(Duration.ofSeconds(5))).isTrue();
                assertThat(Thread.interrupted()).as("stray interrupt in round %d", i).isFalse();
              }
            });
    racer.join(Duration.ofSeconds(15));
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelRacingAnInterruptibleWaitEndsItOneWayOrTheOther(Runner runner) throws Exception {
    Task<Void> racer =
        runner.run(
            () -> {
              CyclicBarrier start = new CyclicBarrier(2);
              BlockingQueue<String> queue = new LinkedBlockingQueue<>();
              int cancelled = 0;
              for (int i = 0; i < 1_000; i++) {
                CancelContext ctx = Context.withCancel(Context.background());
                long waitNanos = ThreadLocalRandom.current().nextLong(20_000);
                Thread canceller =
                    Thread.ofVirtual()
                        .start(
                            () -> {
                              try {
                                start.await();
                              } catch (Exception e) {
                                throw new AssertionError(e);
                              }
                              ctx.cancel();
                            });
                start.await();
                try {
                  Object r =
                      Context.interruptOnCancel(
                          ctx, () -> queue.poll(waitNanos, TimeUnit.NANOSECONDS));
                  assertThat(r).as("poll timed out before the cancel").isNull();
                } catch (CancellationException e) {
                  assertThat(e).isSameAs(ctx.err());
                  cancelled++;
                }
                assertThat(canceller.join(Duration.ofSeconds(5))).isTrue();
                assertThat(Thread.interrupted()).as("stray interrupt in round %d", i).isFalse();
              }
              assertThat(cancelled).as("some rounds were cancelled").isPositive();
            });
    racer.join(Duration.ofSeconds(15));
  }
}
