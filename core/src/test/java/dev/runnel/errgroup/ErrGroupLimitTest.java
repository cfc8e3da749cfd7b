package dev.runnel.errgroup;

import static dev.runnel.errgroup.ErrGroupTest.hold;
import static dev.runnel.testkit.Threads.awaitParked;
import static dev.runnel.testkit.Threads.eventually;
import static dev.runnel.testkit.Threads.parkedWaiter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.context.Context;
import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's documented {@code errgroup.Group.SetLimit} and {@code TryGo} behaviour. */
@Timeout(10)
class ErrGroupLimitTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  private static String modifyWhileActive(int n) {
    return "errgroup: modify limit while "
        + n
        + " goroutines in the group are still active (setLimit)";
  }

  /** Counts goroutines running at once, and the most seen. */
  private static final class Concurrency {
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger max = new AtomicInteger();

    void enter() {
      int now = running.incrementAndGet();
      max.accumulateAndGet(now, Math::max);
    }

    void exit() {
      running.decrementAndGet();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void neverMoreThanTheLimitRunAtOnce(int limit) throws Exception {
    ErrGroup g = new ErrGroup();
    g.setLimit(limit);
    Concurrency c = new Concurrency();
    for (int i = 0; i < 200; i++) {
      g.go(
          () -> {
            c.enter();
            Thread.yield(); // let others in, if the limit would let them
            c.exit();
          });
    }
    g.await();
    assertThat(c.max.get()).isBetween(1, limit);
    assertThat(c.running).hasValue(0);
  }

  @Test
  void theLimitIsReachedAndHeldWhileTheGoroutinesRun() throws Exception {
    ErrGroup g = new ErrGroup();
    g.setLimit(3);
    Concurrency c = new Concurrency();
    CountDownLatch gate = new CountDownLatch(1);
    for (int i = 0; i < 3; i++) {
      assertThat(
              g.tryGo(
                  () -> {
                    c.enter();
                    hold(gate);
                    c.exit();
                  }))
          .isTrue();
    }
    eventually("three goroutines run", () -> c.running.get() == 3);
    assertThat(g.tryGo(c::enter)).as("at the limit").isFalse();
    gate.countDown();
    g.await();
    assertThat(c.max).hasValue(3);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void goBlocksAtTheLimitUntilASlotFrees(Runner runner) throws Exception {
    ErrGroup g = new ErrGroup();
    g.setLimit(1);
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger secondRan = new AtomicInteger();
    g.go(() -> hold(gate));
    Task<Void> starter = runner.run(() -> g.go(secondRan::incrementAndGet));
    awaitParked(starter.thread(), WaitReason.CHAN_SEND);
    assertThat(starter.isDone()).isFalse();
    assertThat(secondRan).hasValue(0);

    gate.countDown();
    starter.join();
    g.await();
    assertThat(secondRan).hasValue(1);
  }

  @Test
  void blockedGoCallersStartInTurnAsSlotsFree() throws Exception {
    ErrGroup g = new ErrGroup();
    g.setLimit(2);
    Concurrency c = new Concurrency();
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    // A producer goroutine of its own pushes 10 goroutines through a limit of 2.
    Task<Void> producer =
        Runner.VIRTUAL.run(
            () -> {
              for (int i = 0; i < 10; i++) {
                g.go(
                    () -> {
                      c.enter();
                      started.incrementAndGet();
                      hold(gate);
                      c.exit();
                    });
              }
            });
    awaitParked(producer.thread(), WaitReason.CHAN_SEND);
    eventually("two run", () -> started.get() == 2);
    gate.countDown();
    producer.join();
    g.await();
    assertThat(started).hasValue(10);
    assertThat(c.max.get()).isBetween(1, 2);
  }

  @Test
  void tryGoFailsAtTheLimitAndSucceedsWhenASlotIsFree() throws Exception {
    ErrGroup g = new ErrGroup();
    g.setLimit(1);
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger ran = new AtomicInteger();
    assertThat(g.tryGo(() -> hold(gate))).isTrue();
    assertThat(g.tryGo(ran::incrementAndGet)).isFalse();
    assertThat(g.tryGo(ran::incrementAndGet)).isFalse();
    gate.countDown();
    g.await(); // every goroutine returned: its slot is free
    assertThat(g.tryGo(ran::incrementAndGet)).isTrue();
    g.await();
    assertThat(ran).as("only the started one ran").hasValue(1);
  }

  @Test
  void aRefusedTryGoDoesNotCountTowardsAwait() throws Exception {
    ErrGroup g = ErrGroup.withContext(Context.background());
    g.setLimit(1);
    CountDownLatch gate = new CountDownLatch(1);
    assertThat(g.tryGo(() -> hold(gate))).isTrue();
    assertThat(
            g.tryGo(
                () -> {
                  throw new Exception("never runs");
                }))
        .isFalse();
    gate.countDown();
    g.await(); // returns: nothing failed, nothing left to wait for
    assertThat(g.context().cause()).isSameAs(g.context().err());
  }

  @Test
  void aFailingGoroutineFreesItsSlot() throws Exception {
    ErrGroup g = new ErrGroup();
    g.setLimit(1);
    Exception failure = new Exception("fail");
    g.go(
        () -> {
          throw failure;
        });
    g.go(
        () -> {
          throw new Boomlet();
        });
    g.go(() -> {}); // would block forever if a failure kept its slot
    assertThatThrownBy(g::await).isInstanceOf(Boomlet.class);
    assertThat(g.tryGo(() -> {})).isTrue();
    assertThatThrownBy(g::await).isInstanceOf(Boomlet.class);
  }

  /** A panic that frees its slot too. */
  static final class Boomlet extends Error {}

  @Test
  void aNegativeLimitMeansNoLimit() throws Exception {
    ErrGroup g = new ErrGroup();
    g.setLimit(1);
    g.setLimit(-1);
    Concurrency c = new Concurrency();
    CountDownLatch gate = new CountDownLatch(1);
    for (int i = 0; i < 20; i++) {
      assertThat(
              g.tryGo(
                  () -> {
                    c.enter();
                    hold(gate);
                    c.exit();
                  }))
          .isTrue();
    }
    g.go(() -> {}); // does not block either
    eventually("all 20 run at once", () -> c.running.get() == 20);
    gate.countDown();
    g.await();
  }

  @Test
  void limitZeroMakesTryGoFailAndGoBlock() throws Exception {
    ErrGroup g = new ErrGroup();
    g.setLimit(0);
    AtomicInteger ran = new AtomicInteger();
    assertThat(g.tryGo(ran::incrementAndGet)).isFalse();
    // Nothing can ever free a slot: this thread stays blocked (a parked virtual thread, no
    // goroutine); the test only shows that it blocks.
    Task<Void> stuck = Runner.VIRTUAL.run(() -> g.go(ran::incrementAndGet));
    awaitParked(stuck.thread(), WaitReason.CHAN_SEND);
    assertThat(stuck.isDone()).isFalse();
    g.await(); // nothing started
    assertThat(ran).hasValue(0);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void goAtTheLimitWaitsUninterruptiblyAndKeepsTheInterruptFlag(Runner runner) throws Exception {
    ErrGroup g = new ErrGroup();
    g.setLimit(1);
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger secondRan = new AtomicInteger();
    g.go(() -> hold(gate));
    Task<Boolean> starter =
        runner.call(
            () -> {
              g.go(secondRan::incrementAndGet);
              return Thread.currentThread().isInterrupted();
            });
    Waiter before = awaitParked(starter.thread(), WaitReason.CHAN_SEND);
    starter.thread().interrupt();
    // It gives up that wait and queues again with a new waiter: still blocked.
    eventually(
        "the starter waits again",
        () -> {
          Waiter now = parkedWaiter(starter.thread());
          return now != null && now != before && now.reason() == WaitReason.CHAN_SEND;
        });
    assertThat(starter.isDone()).isFalse();
    assertThat(secondRan).hasValue(0);

    gate.countDown();
    assertThat(starter.join()).as("go returned with the interrupt flag still set").isTrue();
    g.await();
    assertThat(secondRan).hasValue(1);
  }

  @Test
  void goAtTheLimitInterruptedBeforeItBlocksStillWaits() throws Exception {
    ErrGroup g = new ErrGroup();
    g.setLimit(1);
    CountDownLatch gate = new CountDownLatch(1);
    g.go(() -> hold(gate));
    Task<Boolean> starter =
        Runner.VIRTUAL.call(
            () -> {
              Thread.currentThread().interrupt();
              g.go(() -> {});
              return Thread.currentThread().isInterrupted();
            });
    awaitParked(starter.thread(), WaitReason.CHAN_SEND);
    assertThat(starter.isDone()).isFalse();
    gate.countDown();
    assertThat(starter.join()).isTrue();
    g.await();
  }

  @Test
  void changingTheLimitWhileGoroutinesAreActiveThrowsWithGosText() throws Exception {
    ErrGroup g = new ErrGroup();
    g.setLimit(3);
    CountDownLatch gate = new CountDownLatch(1);
    g.go(() -> hold(gate));
    g.go(() -> hold(gate));
    assertThatThrownBy(() -> g.setLimit(5))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage(modifyWhileActive(2));
    assertThatThrownBy(() -> g.setLimit(-1)).hasMessage(modifyWhileActive(2));
    assertThatThrownBy(() -> g.setLimit(3)).hasMessage(modifyWhileActive(2));
    // The old limit is still in force.
    assertThat(g.tryGo(() -> hold(gate))).isTrue();
    assertThat(g.tryGo(() -> {})).isFalse();
    assertThatThrownBy(() -> g.setLimit(1)).hasMessage(modifyWhileActive(3));

    gate.countDown();
    g.await();
    g.setLimit(1); // nothing active any more
    CountDownLatch gate2 = new CountDownLatch(1);
    assertThat(g.tryGo(() -> hold(gate2))).isTrue();
    assertThat(g.tryGo(() -> {})).as("the new limit is in force").isFalse();
    gate2.countDown();
    g.await();
  }

  /**
   * Each slot of the limit is a buffered channel slot, so a limit the VM cannot allocate is
   * refused with the channel's text (Go's token channel takes no memory, so Go accepts it), and
   * the old limit stays in force.
   */
  @Test
  void aLimitTooLargeToAllocateIsRefusedAndKeepsTheOldLimit() throws Exception {
    ErrGroup g = new ErrGroup();
    g.setLimit(1);
    assertThatThrownBy(() -> g.setLimit(Integer.MAX_VALUE))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("makechan: size out of range: 2147483647 ");
    CountDownLatch gate = new CountDownLatch(1);
    assertThat(g.tryGo(() -> hold(gate))).isTrue();
    assertThat(g.tryGo(() -> {})).as("the old limit is in force").isFalse();
    gate.countDown();
    g.await();
  }

  @Test
  void settingALimitWhileUnlimitedGoroutinesRunIsAllowedAndCountsOnlyNewOnes() throws Exception {
    // Go checks only the goroutines holding a slot; those started without a limit hold none.
    ErrGroup g = new ErrGroup();
    CountDownLatch gate = new CountDownLatch(1);
    g.go(() -> hold(gate));
    g.go(() -> hold(gate));
    g.setLimit(1);
    assertThat(g.tryGo(() -> hold(gate))).isTrue();
    assertThat(g.tryGo(() -> {})).isFalse();
    assertThatThrownBy(() -> g.setLimit(2)).hasMessage(modifyWhileActive(1));
    gate.countDown();
    g.await();
  }

  @Test
  void failuresUnderALimitStillCancelTheContextAndAreReported() throws Exception {
    ErrGroup g = ErrGroup.withContext(Context.background());
    g.setLimit(2);
    Exception failure = new Exception("first");
    g.go(
        () -> {
          throw failure;
        });
    for (int i = 0; i < 5; i++) {
      g.go(() -> g.context().done().receive()); // each ends once the context is cancelled
    }
    assertThatThrownBy(g::await)
        .isExactlyInstanceOf(ExecutionException.class)
        .cause()
        .isSameAs(failure);
    assertThat(g.context().cause()).isSameAs(failure);
  }
}
