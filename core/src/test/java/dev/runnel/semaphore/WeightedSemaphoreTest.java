package dev.runnel.semaphore;

import static dev.runnel.testkit.Threads.awaitParked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link WeightedSemaphore} without contexts: the units, {@code tryAcquire}, the FIFO queue with
 * no barging, release misuse, interrupts of the plain {@code acquire(n)}, and {@code toString}.
 */
@Timeout(20)
class WeightedSemaphoreTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted(); // never leak a flag into the next test
  }

  /** Nothing in use, nobody queued, and the whole size can be taken and given back at once. */
  static void assertIdleAndUsable(WeightedSemaphore sem) {
    assertThat(sem.inUse()).as("in use: %s", sem).isZero();
    assertThat(sem.toString()).endsWith(" 0 waiting]");
    assertThat(sem.tryAcquire(sem.size())).as("tryAcquire(size) on %s", sem).isTrue();
    assertThat(sem.tryAcquire(1)).as("full: %s", sem).isFalse();
    sem.release(sem.size());
    assertThat(sem.inUse()).isZero();
  }

  /** Starts {@code acquire(n)} and waits until it is queued. */
  static Task<Void> blockedAcquire(Runner runner, WeightedSemaphore sem, long n) {
    Task<Void> t = runner.run(() -> sem.acquire(n));
    awaitParked(t.thread(), WaitReason.SEMACQUIRE);
    return t;
  }

  // ------------------------------------------------------------------ units within the size

  @Test
  void newSemaphoreHasItsSizeFree() {
    WeightedSemaphore sem = new WeightedSemaphore(7);
    assertThat(sem.size()).isEqualTo(7);
    assertThat(sem.inUse()).isZero();
    assertIdleAndUsable(sem);
  }

  @Test
  void acquireAndReleaseWithinTheSizeNeverBlock() throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(10);
    sem.acquire(3);
    assertThat(sem.inUse()).isEqualTo(3);
    sem.acquire(7); // exactly the rest
    assertThat(sem.inUse()).isEqualTo(10);
    sem.release(4);
    assertThat(sem.inUse()).isEqualTo(6);
    sem.acquire(4);
    assertThat(sem.inUse()).isEqualTo(10);
    sem.release(10); // units are not owned: one release may return several acquires
    assertIdleAndUsable(sem);
  }

  @Test
  void tryAcquireTakesFreeUnitsAndRefusesWhatDoesNotFit() {
    WeightedSemaphore sem = new WeightedSemaphore(5);
    assertThat(sem.tryAcquire(2)).isTrue();
    assertThat(sem.tryAcquire(3)).isTrue();
    assertThat(sem.inUse()).isEqualTo(5);
    assertThat(sem.tryAcquire(1)).isFalse();
    assertThat(sem.inUse()).as("a failed tryAcquire changes nothing").isEqualTo(5);
    sem.release(2);
    assertThat(sem.tryAcquire(3)).as("only 2 free").isFalse();
    assertThat(sem.inUse()).isEqualTo(3);
    assertThat(sem.tryAcquire(2)).isTrue();
    sem.release(5);
    assertThat(sem.tryAcquire(6)).as("more than the size").isFalse();
    assertIdleAndUsable(sem);
  }

  @Test
  void zeroWeightFitsWhenNobodyWaits() throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(2);
    sem.acquire(2);
    assertThat(sem.tryAcquire(0)).as("0 units fit even in a full semaphore").isTrue();
    sem.acquire(0);
    assertThat(sem.inUse()).isEqualTo(2);
    sem.release(0);
    sem.release(2);
    assertIdleAndUsable(sem);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void tryAcquireFailsWhileAnyoneWaitsEvenIfItWouldFit(Runner runner) throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(4);
    sem.acquire(2);
    Task<Void> big = blockedAcquire(runner, sem, 4); // needs all 4: waits
    assertThat(sem.tryAcquire(1)).as("2 free, but someone waits: %s", sem).isFalse();
    assertThat(sem.tryAcquire(0)).as("not even 0 units jump the queue").isFalse();
    assertThat(sem.inUse()).isEqualTo(2);
    sem.release(2);
    big.join();
    assertThat(sem.inUse()).isEqualTo(4);
    sem.release(4);
    assertIdleAndUsable(sem);
  }

  // ------------------------------------------------------------------ blocking and FIFO

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedAcquireParksAsSemacquireOnTheSemaphore(Runner runner) throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(1);
    sem.acquire(1);
    Task<Void> waiter = runner.run(() -> sem.acquire(1));
    Waiter w = awaitParked(waiter.thread(), WaitReason.SEMACQUIRE);
    assertThat(w.reason()).isEqualTo(WaitReason.SEMACQUIRE);
    assertThat(w.waitingOn()).isSameAs(sem);
    assertThat(waiter.isDone()).isFalse();
    sem.release(1);
    waiter.join();
    assertThat(sem.inUse()).as("the waiter holds the unit").isEqualTo(1);
    sem.release(1);
    assertIdleAndUsable(sem);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void releaseThatIsNotEnoughLeavesTheWaiterBlocked(Runner runner) throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(5);
    sem.acquire(5);
    Task<Void> waiter = blockedAcquire(runner, sem, 3);
    sem.release(1);
    sem.release(1);
    assertThat(sem.inUse()).isEqualTo(3);
    awaitParked(waiter.thread(), WaitReason.SEMACQUIRE); // still there
    assertThat(waiter.isDone()).isFalse();
    sem.release(1); // now 3 free
    waiter.join();
    assertThat(sem.inUse()).isEqualTo(5);
    sem.release(5);
    assertIdleAndUsable(sem);
  }

  /**
   * A large request at the head holds back smaller ones queued after it that would fit, until
   * enough is released for it; then it and the ones behind it that fit are granted, in order.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void largeRequestAtTheHeadBlocksSmallerOnesBehindIt(Runner runner) throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(10);
    sem.acquire(10);
    Task<Void> large = blockedAcquire(runner, sem, 6);
    Task<Void> small1 = blockedAcquire(runner, sem, 2);
    Task<Void> small2 = blockedAcquire(runner, sem, 3);
    assertThat(sem.toString()).isEqualTo("WeightedSemaphore[10/10 in use, 3 waiting]");

    sem.release(5); // 5 free: both small ones would fit, but the large one is first
    assertThat(sem.inUse()).isEqualTo(5);
    for (Task<Void> t : List.of(large, small1, small2)) {
      awaitParked(t.thread(), WaitReason.SEMACQUIRE);
      assertThat(t.isDone()).isFalse();
    }
    assertThat(sem.tryAcquire(1)).as("no barging past the queue").isFalse();

    sem.release(1); // 6 free: the large one goes; 0 left for the others
    large.join();
    assertThat(sem.inUse()).isEqualTo(10);
    assertThat(small1.isDone()).isFalse();
    assertThat(small2.isDone()).isFalse();

    sem.release(5); // 5 free: both small ones fit, granted together
    small1.join();
    small2.join();
    assertThat(sem.inUse()).isEqualTo(10);
    assertThat(sem.toString()).isEqualTo("WeightedSemaphore[10/10 in use, 0 waiting]");
    sem.release(10);
    assertIdleAndUsable(sem);
  }

  /** The grant stops at the first waiter that does not fit, even if a later one would. */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void grantStopsAtTheFirstWaiterThatDoesNotFit(Runner runner) throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(6);
    sem.acquire(6);
    Task<Void> a = blockedAcquire(runner, sem, 2);
    Task<Void> b = blockedAcquire(runner, sem, 3);
    Task<Void> c = blockedAcquire(runner, sem, 1);
    sem.release(4); // a fits (2 left), b does not (needs 3), c would but is behind b
    a.join();
    assertThat(sem.inUse()).isEqualTo(4);
    awaitParked(b.thread(), WaitReason.SEMACQUIRE);
    awaitParked(c.thread(), WaitReason.SEMACQUIRE);
    assertThat(b.isDone()).isFalse();
    assertThat(c.isDone()).isFalse();
    assertThat(sem.toString()).isEqualTo("WeightedSemaphore[4/6 in use, 2 waiting]");
    sem.release(2); // 4 free: b then c
    b.join();
    c.join();
    assertThat(sem.inUse()).isEqualTo(6);
    sem.release(6);
    assertIdleAndUsable(sem);
  }

  /** Equal requests, one unit freed at a time: each release grants exactly the oldest waiter. */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void waitersAreGrantedInArrivalOrder(Runner runner) throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(2);
    sem.acquire(2);
    List<Task<Void>> queue = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      queue.add(blockedAcquire(runner, sem, 1));
    }
    for (int i = 0; i < queue.size(); i++) {
      sem.release(1);
      queue.get(i).join();
      assertThat(sem.inUse()).isEqualTo(2);
      for (int j = i + 1; j < queue.size(); j++) {
        assertThat(queue.get(j).isDone()).as("waiter %d after releasing for %d", j, i).isFalse();
      }
    }
    sem.release(2);
    assertIdleAndUsable(sem);
  }

  /** A large waiter is never starved by a stream of small requests that would fit. */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void largeWaiterIsNotStarvedBySmallRequests(Runner runner) throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(4);
    sem.acquire(1);
    Task<Void> large = blockedAcquire(runner, sem, 4);
    List<Task<Void>> smalls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      assertThat(sem.tryAcquire(1)).isFalse();
      smalls.add(blockedAcquire(runner, sem, 1));
    }
    assertThat(sem.inUse()).isEqualTo(1);
    sem.release(1);
    large.join();
    assertThat(sem.inUse()).isEqualTo(4);
    for (Task<Void> s : smalls) {
      assertThat(s.isDone()).isFalse();
    }
    sem.release(4); // all five small ones wanted 1 each: four fit
    for (Task<Void> s : smalls.subList(0, 4)) {
      s.join();
    }
    assertThat(smalls.get(4).isDone()).isFalse();
    assertThat(sem.inUse()).isEqualTo(4);
    sem.release(1);
    smalls.get(4).join();
    sem.release(4);
    assertIdleAndUsable(sem);
  }

  // ------------------------------------------------------------------ requests larger than the size

  /**
   * The plain {@code acquire(n)} with {@code n} over the size never returns; it is not queued, so
   * everyone else proceeds; an interrupt ends it and leaves nothing behind.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void plainAcquireLargerThanTheSizeWaitsUntilInterruptedAndBlocksNobody(Runner runner)
      throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(3);
    Task<Void> doomed = runner.run(() -> sem.acquire(4));
    Waiter w = awaitParked(doomed.thread(), WaitReason.SEMACQUIRE);
    assertThat(w.waitingOn()).isSameAs(sem);

    assertThat(sem.tryAcquire(2)).as("free units and no queued waiter: %s", sem).isTrue();
    Task<Void> waiter = blockedAcquire(runner, sem, 2);
    sem.release(2);
    waiter.join(); // granted, not held behind the doomed request
    assertThat(sem.tryAcquire(1)).isTrue();
    sem.release(3);
    assertThat(doomed.isDone()).isFalse();

    doomed.thread().interrupt();
    assertThat(doomed.failure()).isInstanceOf(InterruptedException.class);
    assertIdleAndUsable(sem);
  }

  // ------------------------------------------------------------------ release misuse

  @Test
  void releaseMoreThanHeldThrowsAndChangesNothing() throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(5);
    assertThatThrownBy(() -> sem.release(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("semaphore: released more than held: release(1) with 0 held");
    assertThat(sem.inUse()).isZero();

    sem.acquire(2);
    assertThatThrownBy(() -> sem.release(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("semaphore: released more than held: release(3) with 2 held");
    assertThat(sem.inUse()).as("as it was").isEqualTo(2);
    assertThat(sem.tryAcquire(3)).as("still exactly 3 free").isTrue();
    assertThat(sem.tryAcquire(1)).isFalse();
    sem.release(5);
    assertIdleAndUsable(sem);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void failedReleaseGrantsNothingToWaiters(Runner runner) throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(4);
    sem.acquire(3);
    Task<Void> waiter = blockedAcquire(runner, sem, 2);
    assertThatThrownBy(() -> sem.release(4))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("semaphore: released more than held: release(4) with 3 held");
    assertThat(sem.inUse()).isEqualTo(3);
    awaitParked(waiter.thread(), WaitReason.SEMACQUIRE);
    assertThat(waiter.isDone()).isFalse();
    sem.release(1);
    waiter.join();
    assertThat(sem.inUse()).isEqualTo(4);
    sem.release(4);
    assertIdleAndUsable(sem);
  }

  // ------------------------------------------------------------------ negative weights, sizes

  /**
   * A negative weight is refused by every form, before it can touch the units: acquiring -5 would
   * otherwise free 5 units that were never held, and releasing -5 would take 5 without waiting.
   */
  @Test
  void negativeWeightIsRefusedAndChangesNothing() throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(5);
    assertThatThrownBy(() -> sem.acquire(-5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("semaphore: acquire of negative weight: -5");
    assertThat(sem.inUse()).isZero();
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      assertThatThrownBy(() -> sem.acquire(ctx, -5))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("semaphore: acquire of negative weight: -5");
    }
    assertThatThrownBy(() -> sem.tryAcquire(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("semaphore: tryAcquire of negative weight: -1");
    assertThatThrownBy(() -> sem.release(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("semaphore: release of negative weight: -1");
    assertThatThrownBy(() -> sem.acquire(Long.MIN_VALUE))
        .isInstanceOf(IllegalArgumentException.class);
    assertIdleAndUsable(sem);

    sem.acquire(5); // full: a negative acquire must not "fit" either
    assertThatThrownBy(() -> sem.acquire(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sem.tryAcquire(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(sem.inUse()).isEqualTo(5);
    assertThat(sem.tryAcquire(1)).isFalse();
    sem.release(5);
    assertIdleAndUsable(sem);
  }

  /** The checks come before the queue: a refused weight neither joins it nor disturbs it. */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void negativeWeightWithWaitersQueuedChangesNothing(Runner runner) throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(4);
    sem.acquire(3);
    Task<Void> waiter = blockedAcquire(runner, sem, 2);
    assertThatThrownBy(() -> sem.release(-2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sem.tryAcquire(-2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sem.acquire(-2)).isInstanceOf(IllegalArgumentException.class);
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      assertThatThrownBy(() -> sem.acquire(ctx, -2))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(sem.inUse()).isEqualTo(3);
    assertThat(sem.toString()).endsWith(" 1 waiting]");
    awaitParked(waiter.thread(), WaitReason.SEMACQUIRE);
    assertThat(waiter.isDone()).isFalse();
    sem.release(1);
    waiter.join();
    assertThat(sem.inUse()).isEqualTo(4);
    sem.release(4);
    assertIdleAndUsable(sem);
  }

  /** A weight of zero is Go's: it fits whenever nobody waits. */
  @Test
  void zeroWeightIsAllowed() throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(1);
    sem.acquire(1);
    assertThat(sem.tryAcquire(0)).isTrue();
    sem.acquire(0);
    sem.release(0);
    assertThat(sem.inUse()).isEqualTo(1);
    sem.release(1);
    assertIdleAndUsable(sem);
  }

  /**
   * Sizes are checked at construction: a negative size, and a size above {@link
   * WeightedSemaphore#MAX_SIZE}, are refused rather than silently changed.
   */
  @Test
  void sizeOutOfRangeIsRefused() throws Exception {
    assertThatThrownBy(() -> new WeightedSemaphore(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("semaphore: size out of range: -1 ");
    assertThatThrownBy(() -> new WeightedSemaphore(Long.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("semaphore: size out of range: 9223372036854775807");
    assertThatThrownBy(() -> new WeightedSemaphore(WeightedSemaphore.MAX_SIZE + 1))
        .isInstanceOf(IllegalArgumentException.class);

    assertIdleAndUsable(new WeightedSemaphore(0));
    WeightedSemaphore max = new WeightedSemaphore(WeightedSemaphore.MAX_SIZE);
    assertThat(max.size()).isEqualTo(WeightedSemaphore.MAX_SIZE);
    max.acquire(WeightedSemaphore.MAX_SIZE - 1);
    assertThat(max.tryAcquire(2)).isFalse();
    assertThat(max.tryAcquire(1)).isTrue();
    max.release(WeightedSemaphore.MAX_SIZE);
    assertIdleAndUsable(max);
  }

  // ------------------------------------------------------------------ interrupts

  @Test
  void interruptedOnEntryThrowsEvenWhenFree() {
    WeightedSemaphore sem = new WeightedSemaphore(2);
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> sem.acquire(1)).isInstanceOf(InterruptedException.class);
    assertThat(Thread.currentThread().isInterrupted()).as("flag cleared").isFalse();
    assertIdleAndUsable(sem);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptWhileWaitingThrowsAndLeavesTheSemaphoreAsItWas(Runner runner) throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(3);
    sem.acquire(2);
    Task<Void> waiter =
        runner.run(
            () -> {
              try {
                sem.acquire(2);
              } finally {
                assertThat(Thread.currentThread().isInterrupted()).isFalse();
              }
            });
    awaitParked(waiter.thread(), WaitReason.SEMACQUIRE);
    assertThat(sem.tryAcquire(1)).as("blocked by the waiter").isFalse();
    waiter.thread().interrupt();
    assertThat(waiter.failure()).isInstanceOf(InterruptedException.class);
    assertThat(sem.inUse()).isEqualTo(2);
    assertThat(sem.toString()).isEqualTo("WeightedSemaphore[2/3 in use, 0 waiting]");
    assertThat(sem.tryAcquire(1)).as("tryAcquire works again").isTrue();
    sem.release(3);
    assertIdleAndUsable(sem);
  }

  /** An interrupted head leaves, and the waiters it was holding back that now fit are granted. */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptedHeadWakesTheWaitersBehindIt(Runner runner) throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(5);
    sem.acquire(1);
    Task<Void> head = blockedAcquire(runner, sem, 5);
    Task<Void> next = blockedAcquire(runner, sem, 1);
    Task<Void> last = blockedAcquire(runner, sem, 3);
    head.thread().interrupt();
    assertThat(head.failure()).isInstanceOf(InterruptedException.class);
    next.join();
    last.join();
    assertThat(sem.inUse()).isEqualTo(5);
    sem.release(5);
    assertIdleAndUsable(sem);
  }

  // ------------------------------------------------------------------ toString

  @ParameterizedTest
  @EnumSource(Runner.class)
  void toStringShowsUnitsInUseSizeAndWaiters(Runner runner) throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(8);
    assertThat(sem.toString()).isEqualTo("WeightedSemaphore[0/8 in use, 0 waiting]");
    sem.acquire(5);
    assertThat(sem.toString()).isEqualTo("WeightedSemaphore[5/8 in use, 0 waiting]");
    Task<Void> a = blockedAcquire(runner, sem, 4);
    assertThat(sem.toString()).isEqualTo("WeightedSemaphore[5/8 in use, 1 waiting]");
    Task<Void> b = blockedAcquire(runner, sem, 1);
    assertThat(sem.toString()).isEqualTo("WeightedSemaphore[5/8 in use, 2 waiting]");
    sem.release(2);
    a.join();
    b.join();
    assertThat(sem.toString()).isEqualTo("WeightedSemaphore[8/8 in use, 0 waiting]");
    sem.release(8);
    assertIdleAndUsable(sem);
  }
}
