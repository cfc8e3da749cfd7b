package dev.runnel.sync;

import static dev.runnel.testkit.Threads.awaitParked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Go;
import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Go's documented {@code sync.WaitGroup} behaviour, its misuse panics, and interrupts. */
@Timeout(10)
class WaitGroupTest {

  private static final String NEGATIVE = "sync: negative WaitGroup counter";
  private static final String ADD_DURING_WAIT =
      "sync: WaitGroup misuse: Add called concurrently with Wait (add, await)";
  private static final String REUSED =
      "sync: WaitGroup is reused before previous Wait has returned (await)";

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void awaitReturnsAtOnceAtZero() throws InterruptedException {
    WaitGroup wg = new WaitGroup();
    wg.await();
    wg.add(2);
    wg.done();
    wg.done();
    wg.await();
    assertThat(wg.count()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void awaitBlocksUntilTheCounterReachesZero(Runner runner) throws Exception {
    WaitGroup wg = new WaitGroup();
    wg.add(2);
    Task<Void> waiter = runner.run(wg::await);
    Waiter w = awaitParked(waiter.thread());
    assertThat(w.reason()).isEqualTo(WaitReason.WAIT_GROUP);
    assertThat(w.waitingOn()).isSameAs(wg);
    wg.done();
    awaitParked(waiter.thread());
    assertThat(waiter.isDone()).as("one still to go").isFalse();
    wg.done();
    waiter.join();
    assertThat(wg.count()).isZero();
  }

  @Test
  void negativeCounterThrowsAndLeavesTheCounterUnchanged() throws InterruptedException {
    WaitGroup wg = new WaitGroup();
    assertThatThrownBy(() -> wg.add(-1))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage(NEGATIVE + ": done() or add(-1) at 0");
    assertThat(wg.count()).isZero();
    assertThatThrownBy(wg::done).hasMessage(NEGATIVE + ": done() or add(-1) at 0");
    wg.add(2);
    assertThatThrownBy(() -> wg.add(-3)).hasMessage(NEGATIVE + ": add(-3) at 2");
    assertThat(wg.count()).isEqualTo(2);
    wg.done();
    wg.done();
    wg.await();
    assertThat(wg.count()).isZero();
  }

  @Test
  void goRunsTheFunctionAndAwaitWaitsForIt() throws Exception {
    WaitGroup wg = new WaitGroup();
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean ran = new AtomicBoolean();
    wg.go(
        () -> {
          assertThat(release.await(5, TimeUnit.SECONDS)).isTrue();
          ran.set(true);
        });
    assertThat(wg.count()).isEqualTo(1);
    Task<Boolean> waiter =
        Runner.VIRTUAL.call(
            () -> {
              wg.await();
              return ran.get(); // what f did happens-before await returns
            });
    awaitParked(waiter.thread());
    release.countDown();
    assertThat(waiter.join()).isTrue();
    assertThat(wg.count()).isZero();
  }

  @Test
  void throwingFunctionStillCountsDoneAndIsReportedAsAPanic() throws Exception {
    CompletableFuture<Throwable> reported = new CompletableFuture<>();
    Go.setPanicHandler((t, e) -> reported.complete(e));
    try {
      WaitGroup wg = new WaitGroup();
      IllegalStateException boom = new IllegalStateException("boom");
      wg.go(
          () -> {
            throw boom;
          });
      wg.await();
      assertThat(wg.count()).isZero();
      assertThat(reported.get(5, TimeUnit.SECONDS)).isSameAs(boom);
    } finally {
      Go.setPanicHandler(null);
    }
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void reusableOnceAwaitHasReturned(Runner runner) throws Exception {
    WaitGroup wg = new WaitGroup();
    for (int round = 0; round < 3; round++) {
      wg.add(1);
      Task<Void> waiter = runner.runBlocked(wg::await);
      wg.done();
      waiter.join();
    }
    assertThat(wg.count()).isZero();
    assertThat(wg.toString()).contains("waiters=0");
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptedAwaitThrowsAndTheGroupStillWorks(Runner runner) throws Exception {
    WaitGroup wg = new WaitGroup();
    wg.add(1);
    Task<Void> interrupted = runner.runBlocked(wg::await);
    Task<Void> other = runner.runBlocked(wg::await);
    interrupted.thread().interrupt();
    assertThat(interrupted.failure()).isInstanceOf(InterruptedException.class);
    assertThat(wg.toString()).contains("waiters=1");
    assertThat(other.isDone()).isFalse();
    wg.done();
    other.join();
    assertThat(wg.toString()).contains("count=0", "waiters=0");
    wg.add(1); // reusable: no misuse detected
    wg.done();
    wg.await();
  }

  @Test
  void awaitInterruptedOnEntryThrowsEvenAtZero() {
    WaitGroup wg = new WaitGroup();
    Thread.currentThread().interrupt();
    assertThatThrownBy(wg::await).isInstanceOf(InterruptedException.class);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void manyGoroutinesAndSeveralWaiters(Runner runner) throws Exception {
    WaitGroup wg = new WaitGroup();
    int n = 1000;
    AtomicInteger finished = new AtomicInteger();
    wg.add(n);
    List<Task<Integer>> waiters = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      waiters.add(
          runner.callBlocked(
              () -> {
                wg.await();
                return finished.get();
              }));
    }
    for (int i = 0; i < n; i++) {
      Go.go(
          () -> {
            finished.incrementAndGet();
            wg.done();
          });
    }
    for (Task<Integer> w : waiters) {
      assertThat(w.join()).isEqualTo(n);
    }
    // and through go(f)
    AtomicInteger viaGo = new AtomicInteger();
    for (int i = 0; i < n; i++) {
      wg.go(viaGo::incrementAndGet);
    }
    wg.await();
    assertThat(viaGo.get()).isEqualTo(n);
  }

  // ------------------------------------------------------------------ misuse

  @ParameterizedTest
  @EnumSource(Runner.class)
  void addWhileTheLastDoneIsReleasingAWaiterIsDetected(Runner runner) throws Exception {
    // Deterministic: the last done() has brought the counter to zero and stops (at the gate)
    // before it resets the group and wakes the waiter; an add(1) then starts the next round while
    // the waiter is still registered. Both the add and the releasing done() report it, and the
    // waiter is released by the next round's done(). (Go's "reused before previous Wait has
    // returned" needs the woken waiter to be descheduled before it re-reads the state: only the
    // racing test below can reach it.)
    WaitGroup wg = new WaitGroup();
    wg.add(1);
    Task<Void> waiter = runner.runBlocked(wg::await);
    Task<Void> finisher;
    try (SemaGate gate = SemaGate.close(wg, "sema")) {
      finisher = runner.run(wg::done);
      gate.awaitStopped(finisher.thread());
      assertThat(wg.count()).isZero();
      assertThatThrownBy(() -> wg.add(1))
          .isExactlyInstanceOf(IllegalStateException.class)
          .hasMessage(ADD_DURING_WAIT);
    }
    assertThat(finisher.failure())
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage(ADD_DURING_WAIT);
    assertThat(waiter.isDone()).isFalse();
    wg.done();
    waiter.join();
    assertThat(wg.toString()).isEqualTo("WaitGroup[count=0, waiters=0]");
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void addRacingTheLastDoneWithAWaiterIsEitherFineOrAGoMisusePanic(Runner runner)
      throws Exception {
    // Go's own misuse tests race like this; whatever is thrown must carry one of Go's texts.
    Set<String> texts = Set.of(ADD_DURING_WAIT, REUSED);
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    int rounds = 0;
    while (System.nanoTime() - deadline < 0 && rounds < 200) {
      rounds++;
      WaitGroup wg = new WaitGroup();
      wg.add(1);
      Task<Void> waiter = runner.runBlocked(wg::await);
      Task<Void> finisher = runner.run(wg::done);
      try {
        wg.add(1);
      } catch (IllegalStateException e) {
        assertThat(e.getMessage()).isIn(texts);
      }
      try {
        finisher.join();
      } catch (IllegalStateException e) {
        assertThat(e.getMessage()).isIn(texts);
      }
      waiter.thread().interrupt(); // it may still wait for the second add's done
      try {
        waiter.join();
      } catch (InterruptedException e) {
        // it was still waiting
      } catch (IllegalStateException e) {
        assertThat(e.getMessage()).isIn(texts);
      }
    }
    assertThat(rounds).isPositive();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptedAwaitRacingTheNextRoundIsReportedAndLeavesTheNewRoundIntact(Runner runner)
      throws Exception {
    String misuse = ADD_DURING_WAIT;
    WaitGroup wg = new WaitGroup();
    wg.add(1);
    Task<Void> waiter = runner.runBlocked(wg::await);
    Task<Void> finisher;
    try (SemaGate gate = SemaGate.close(wg, "sema")) {
      waiter.thread().interrupt(); // gives up; stops at the gate before leaving the count
      gate.awaitStopped(waiter.thread());
      finisher = runner.run(wg::done); // counter 0; stops at the gate before the reset
      gate.awaitStopped(finisher.thread());
      // The next round begins while the waiter is still registered: Go's misuse, reported.
      assertThatThrownBy(() -> wg.add(1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(misuse);
    }
    assertThat(finisher.failure()).isInstanceOf(IllegalStateException.class).hasMessage(misuse);
    assertThat(waiter.failure()).isInstanceOf(InterruptedException.class);
    // The interrupted waiter left exactly once; the new round's add(1) is intact.
    assertThat(wg.toString()).isEqualTo("WaitGroup[count=1, waiters=0]");
    Task<Void> next = runner.runBlocked(wg::await);
    wg.done();
    next.join();
  }

  // ------------------------------------------------------------------ null body

  /** A null body fails at the call, as Go's {@code wg.Go(nil)} would at its goroutine's start. */
  @Test
  void goWithANullBodyFailsAtTheCallAndCountsNothing() throws Exception {
    WaitGroup wg = new WaitGroup();
    assertThatThrownBy(() -> wg.go(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("f");
    assertThat(wg.count()).as("nothing counted in").isZero();
    wg.await(); // returns at once
    wg.go(() -> {});
    wg.await();
    assertThat(wg.count()).isZero();
  }
}
