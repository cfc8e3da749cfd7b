package dev.runnel.errgroup;

import static dev.runnel.testkit.Threads.awaitParked;
import static dev.runnel.testkit.Threads.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Go;
import dev.runnel.Received;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.context.ContextCanceledException;
import dev.runnel.internal.WaitReason;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import dev.runnel.time.Time;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Go's documented {@code errgroup.Group} behaviour without a limit: the zero group, {@code
 * withContext}, the first failure as the result, panics ({@link Error}s), interrupts, goroutines.
 * The limit is in {@link ErrGroupLimitTest}.
 */
@Timeout(10)
class ErrGroupTest {

  /** A panic: an {@link Error} thrown by a goroutine. */
  static final class Boom extends Error {
    Boom(String message) {
      super(message);
    }
  }

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  /** Blocks until {@code gate} opens; a goroutine body's way to stay running until released. */
  static void hold(CountDownLatch gate) throws InterruptedException {
    if (!gate.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("gate never opened");
    }
  }

  /** The thread published by a goroutine, for the test or other goroutines to join. */
  static Thread thread(CompletableFuture<Thread> published) throws Exception {
    return published.get(5, TimeUnit.SECONDS);
  }

  static void joinThread(CompletableFuture<Thread> published) throws Exception {
    Thread t = thread(published);
    t.join(Duration.ofSeconds(5));
    assertThat(t.isAlive()).as("goroutine ended").isFalse();
  }

  // ---- the zero group ----

  @Test
  void zeroGroupAwaitWithNoGoroutinesReturns() throws Exception {
    ErrGroup g = new ErrGroup();
    g.await();
    g.await(); // and again
  }

  @Test
  void zeroGroupContextIsBackground() {
    assertThat(new ErrGroup().context()).isSameAs(Context.background());
  }

  @Test
  void zeroGroupTryGoWithoutALimitAlwaysStarts() throws Exception {
    ErrGroup g = new ErrGroup();
    AtomicInteger ran = new AtomicInteger();
    for (int i = 0; i < 10; i++) {
      assertThat(g.tryGo(ran::incrementAndGet)).isTrue();
    }
    g.await();
    assertThat(ran).hasValue(10);
  }

  @Test
  void awaitWithoutFailureReturnsNormallyAndSeesTheGoroutinesWrites() throws Exception {
    ErrGroup g = new ErrGroup();
    int[] results = new int[20]; // plain writes: await must publish them
    for (int i = 0; i < results.length; i++) {
      int k = i;
      g.go(() -> results[k] = k * k);
    }
    g.await();
    for (int i = 0; i < results.length; i++) {
      assertThat(results[i]).isEqualTo(i * i);
    }
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void awaitReturnsOnlyAfterEveryGoroutineReturnedEvenAfterAFailure(Runner runner)
      throws Exception {
    ErrGroup g = new ErrGroup();
    Exception failure = new Exception("first");
    CompletableFuture<Thread> failing = new CompletableFuture<>();
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger slowFinished = new AtomicInteger();
    g.go(
        () -> {
          failing.complete(Thread.currentThread());
          throw failure;
        });
    g.go(
        () -> {
          hold(gate);
          slowFinished.incrementAndGet();
        });
    joinThread(failing); // the failure is recorded

    Task<Void> awaiter = runner.run(g::await);
    awaitParked(awaiter.thread(), WaitReason.WAIT_GROUP);
    assertThat(awaiter.isDone()).as("await while one goroutine still runs").isFalse();

    gate.countDown();
    Throwable thrown = awaiter.failure();
    assertThat(thrown).isExactlyInstanceOf(ExecutionException.class).hasCause(failure);
    assertThat(thrown.getCause()).isSameAs(failure);
    assertThat(slowFinished).as("the slow goroutine returned before await").hasValue(1);
  }

  @Test
  void firstExceptionIsTheCauseOfTheExecutionException() throws Exception {
    ErrGroup g = new ErrGroup();
    Exception a = new Exception("a");
    Exception b = new IllegalStateException("b");
    Exception c = new java.io.IOException("c");
    CompletableFuture<Thread> first = new CompletableFuture<>();
    CompletableFuture<Thread> second = new CompletableFuture<>();
    // Started in the order c, b, a; they fail in the order a, b, c.
    g.go(
        () -> {
          joinThread(second);
          throw c;
        });
    g.go(
        () -> {
          second.complete(Thread.currentThread());
          joinThread(first);
          throw b;
        });
    g.go(
        () -> {
          first.complete(Thread.currentThread());
          throw a;
        });
    assertThatThrownBy(g::await).isExactlyInstanceOf(ExecutionException.class).cause().isSameAs(a);
  }

  @Test
  void uncheckedExceptionsCountAsFailuresToo() throws Exception {
    ErrGroup g = new ErrGroup();
    RuntimeException e = new IllegalArgumentException("bad");
    g.go(
        () -> {
          throw e;
        });
    g.go(() -> {});
    assertThatThrownBy(g::await).isExactlyInstanceOf(ExecutionException.class).cause().isSameAs(e);
  }

  @Test
  void theFirstFailureStaysTheResultOfLaterAwaits() throws Exception {
    ErrGroup g = new ErrGroup();
    Exception first = new Exception("first");
    g.go(
        () -> {
          throw first;
        });
    assertThatThrownBy(g::await).cause().isSameAs(first);
    g.go(
        () -> {
          throw new Exception("later");
        });
    assertThatThrownBy(g::await).cause().isSameAs(first);
  }

  // ---- withContext ----

  @Test
  void withContextTheFirstFailureCancelsTheContextWithItAsTheCause() throws Exception {
    ErrGroup g = ErrGroup.withContext(Context.background());
    Context ctx = g.context();
    assertThat(ctx.err()).isNull();
    assertThat(ctx.cause()).isNull();
    Exception failure = new Exception("fetch failed");
    CountDownLatch gate = new CountDownLatch(1);
    CompletableFuture<Throwable> seenByOther = new CompletableFuture<>();
    g.go(
        () -> {
          ctx.done().receive(); // the others see the cancellation while the group still runs
          seenByOther.complete(ctx.cause());
          hold(gate);
        });
    g.go(
        () -> {
          throw failure;
        });

    assertThat(seenByOther.get(5, TimeUnit.SECONDS)).isSameAs(failure);
    assertThat(ctx.err()).isInstanceOf(ContextCanceledException.class);
    assertThat(ctx.cause()).isSameAs(failure);
    gate.countDown();
    assertThatThrownBy(g::await).cause().isSameAs(failure);
    assertThat(ctx.cause()).isSameAs(failure);
  }

  @Test
  void withContextTheOthersStopEarlyAndTheirCancellationDoesNotReplaceTheFirstFailure()
      throws Exception {
    ErrGroup g = ErrGroup.withContext(Context.background());
    Exception failure = new Exception("search failed");
    AtomicInteger stopped = new AtomicInteger();
    for (int i = 0; i < 5; i++) {
      g.go(
          () -> {
            try {
              Time.sleep(g.context(), Duration.ofMinutes(5)); // ends only by cancellation
            } catch (CancellationException e) {
              stopped.incrementAndGet();
              throw e; // a failure too, but not the first
            }
          });
    }
    g.go(
        () -> {
          throw failure;
        });
    assertThatThrownBy(g::await).cause().isSameAs(failure);
    assertThat(stopped).hasValue(5);
  }

  @Test
  void withContextTheContextIsCancelledWhenAwaitReturnsWithoutFailure() throws Exception {
    ErrGroup g = ErrGroup.withContext(Context.background());
    AtomicInteger cancelledDuringRun = new AtomicInteger();
    for (int i = 0; i < 3; i++) {
      g.go(
          () -> {
            if (g.context().err() != null) {
              cancelledDuringRun.incrementAndGet();
            }
          });
    }
    g.await();
    assertThat(cancelledDuringRun).as("no goroutine saw a cancelled context").hasValue(0);
    Context ctx = g.context();
    assertThat(ctx.err()).isInstanceOf(ContextCanceledException.class);
    assertThat(ctx.cause()).as("no cause: the error itself, as Go's cancel(nil)").isSameAs(ctx.err());
    Received<?> done = ctx.done().tryReceive();
    assertThat(done).as("done is closed").isNotNull();
    assertThat(done.ok()).as("done is closed").isFalse();
  }

  @Test
  void withContextAwaitWithNoGoroutinesCancelsTheContext() throws Exception {
    ErrGroup g = ErrGroup.withContext(Context.background());
    g.await();
    assertThat(g.context().err()).isInstanceOf(ContextCanceledException.class);
  }

  @Test
  void withContextTheContextIsAChildOfTheParent() throws Exception {
    Object key = new Object();
    CancelContext parent =
        Context.withCancelCause(Context.withValue(Context.background(), key, "v"));
    ErrGroup g = ErrGroup.withContext(parent);
    assertThat(g.context().value(key)).isEqualTo("v");
    CompletableFuture<Throwable> cause = new CompletableFuture<>();
    g.go(
        () -> {
          g.context().done().receive();
          cause.complete(g.context().cause());
        });
    Exception why = new Exception("shutting down");
    parent.cancel(why);
    assertThat(cause.get(5, TimeUnit.SECONDS)).isSameAs(why);
    g.await(); // the goroutine returned normally: no failure
  }

  @Test
  void withContextTheContextIsNotCancelledBeforeAwaitWhenNothingFailed() throws Exception {
    ErrGroup g = ErrGroup.withContext(Context.background());
    CompletableFuture<Thread> done = new CompletableFuture<>();
    g.go(() -> done.complete(Thread.currentThread()));
    joinThread(done);
    assertThat(g.context().err()).as("every goroutine returned, await not called yet").isNull();
    g.await();
    assertThat(g.context().err()).isNotNull();
  }

  // ---- panics: Errors ----

  @ParameterizedTest
  @EnumSource(Runner.class)
  void anErrorIsRethrownAsIsByAwaitAfterEveryGoroutineReturned(Runner runner) throws Exception {
    ErrGroup g = ErrGroup.withContext(Context.background());
    Boom boom = new Boom("panic in a goroutine");
    CompletableFuture<Thread> panicking = new CompletableFuture<>();
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger slowFinished = new AtomicInteger();
    g.go(
        () -> {
          panicking.complete(Thread.currentThread());
          throw boom;
        });
    g.go(
        () -> {
          hold(gate);
          slowFinished.incrementAndGet();
        });
    joinThread(panicking);
    assertThat(g.context().cause()).as("a panic cancels the context too").isSameAs(boom);

    Task<Void> awaiter = runner.run(g::await);
    awaitParked(awaiter.thread(), WaitReason.WAIT_GROUP);
    assertThat(awaiter.isDone()).isFalse();
    gate.countDown();
    assertThat(awaiter.failure()).isSameAs(boom);
    assertThat(slowFinished).hasValue(1);
    assertThat(g.context().cause()).isSameAs(boom);
  }

  @Test
  void anErrorBeatsAnEarlierException() throws Exception {
    ErrGroup g = ErrGroup.withContext(Context.background());
    Exception failure = new Exception("ordinary failure, first");
    Boom boom = new Boom("panic, second");
    g.go(
        () -> {
          g.context().done().receive(); // after the exception is recorded
          throw boom;
        });
    g.go(
        () -> {
          throw failure;
        });
    assertThatThrownBy(g::await).isSameAs(boom);
    assertThat(g.context().cause()).as("the context keeps its first cause").isSameAs(failure);
  }

  @Test
  void theFirstErrorWinsAmongErrors() throws Exception {
    ErrGroup g = new ErrGroup();
    Boom first = new Boom("first");
    Boom second = new Boom("second");
    CompletableFuture<Thread> firstThread = new CompletableFuture<>();
    g.go(
        () -> {
          joinThread(firstThread);
          throw second;
        });
    g.go(
        () -> {
          firstThread.complete(Thread.currentThread());
          throw first;
        });
    assertThatThrownBy(g::await).isSameAs(first);
  }

  @Test
  void failuresInTheGroupAreNotReportedAsPanics() throws Exception {
    List<Throwable> panics = new CopyOnWriteArrayList<>();
    Go.setPanicHandler((t, e) -> panics.add(e));
    try {
      ErrGroup g = ErrGroup.withContext(Context.background());
      CompletableFuture<Thread> t1 = new CompletableFuture<>();
      CompletableFuture<Thread> t2 = new CompletableFuture<>();
      g.go(
          () -> {
            t1.complete(Thread.currentThread());
            throw new Exception("failure");
          });
      g.go(
          () -> {
            t2.complete(Thread.currentThread());
            throw new Boom("panic");
          });
      assertThatThrownBy(g::await).isInstanceOf(Boom.class);
      joinThread(t1); // a panic report would have happened before the threads end
      joinThread(t2);
      // The handler does work: a plain goroutine's panic reaches it.
      RuntimeException marker = new RuntimeException("marker");
      Go.go(
          () -> {
            throw marker;
          });
      eventually("the marker panic is reported", () -> !panics.isEmpty());
      assertThat(panics).containsExactly(marker);
    } finally {
      Go.setPanicHandler(null);
    }
  }

  // ---- interrupts ----

  @ParameterizedTest
  @EnumSource(Runner.class)
  void awaitIsInterruptibleAndTheGoroutinesKeepRunning(Runner runner) throws Exception {
    ErrGroup g = ErrGroup.withContext(Context.background());
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger finished = new AtomicInteger();
    g.go(
        () -> {
          hold(gate);
          finished.incrementAndGet();
        });
    Task<Boolean> awaiter =
        runner.call(
            () -> {
              try {
                g.await();
                return null;
              } catch (InterruptedException e) {
                return Thread.currentThread().isInterrupted();
              }
            });
    awaitParked(awaiter.thread(), WaitReason.WAIT_GROUP);
    awaiter.thread().interrupt();
    assertThat(awaiter.join()).as("InterruptedException thrown, flag cleared").isFalse();
    assertThat(finished).as("the goroutine still runs").hasValue(0);
    assertThat(g.context().err()).as("an interrupted await does not cancel the group").isNull();

    gate.countDown();
    g.await();
    assertThat(finished).hasValue(1);
    assertThat(g.context().err()).isNotNull();
  }

  @Test
  void awaitInterruptedOnEntryThrows() throws Exception {
    ErrGroup g = new ErrGroup();
    CountDownLatch gate = new CountDownLatch(1);
    g.go(() -> hold(gate));
    Thread.currentThread().interrupt();
    assertThatThrownBy(g::await).isInstanceOf(InterruptedException.class);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    gate.countDown();
    g.await();
  }

  // ---- goroutines ----

  @Test
  void goroutinesStartedByGoAreGoroutinesAndCountInNumGoroutine() throws Exception {
    // Goroutines of earlier tests may still be ending (await returns when their bodies have):
    // the counts below are exact.
    eventually("earlier goroutines have ended", () -> Go.numGoroutine() == 0);
    ErrGroup g = new ErrGroup();
    int before = Go.numGoroutine();
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(3);
    List<Long> ids = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 3; i++) {
      g.go(
          () -> {
            ids.add(Go.goroutineId());
            started.countDown();
            hold(gate);
          });
    }
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(Go.numGoroutine()).isEqualTo(before + 3);
    assertThat(ids).hasSize(3).allSatisfy(id -> assertThat(id).isPositive()).doesNotHaveDuplicates();
    gate.countDown();
    g.await();
    eventually("the group's goroutines ended", () -> Go.numGoroutine() == before);
  }

  @Test
  void tryGoStartsAGoroutineToo() throws Exception {
    ErrGroup g = new ErrGroup();
    CompletableFuture<Long> id = new CompletableFuture<>();
    assertThat(g.tryGo(() -> id.complete(Go.goroutineId()))).isTrue();
    g.await();
    assertThat(id.getNow(-1L)).isPositive();
  }

  // ------------------------------------------------------------------ null body

  /** A null body fails at the call, before it takes a slot or counts in the group. */
  @Test
  void goAndTryGoWithANullBodyFailAtTheCallAndTakeNothing() throws Exception {
    ErrGroup g = new ErrGroup();
    g.setLimit(1);
    assertThatThrownBy(() -> g.go(null)).isInstanceOf(NullPointerException.class).hasMessage("f");
    assertThatThrownBy(() -> g.tryGo(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("f");
    g.await(); // nothing was started: returns at once, no failure recorded
    g.setLimit(2); // allowed: no goroutine is active
    CountDownLatch release = new CountDownLatch(1);
    assertThat(g.tryGo(() -> release.await())).isTrue();
    assertThat(g.tryGo(() -> {})).as("both slots were free").isTrue();
    release.countDown();
    g.await();
  }
}
