package dev.runnel.semaphore;

import static dev.runnel.semaphore.WeightedSemaphoreTest.assertIdleAndUsable;
import static dev.runnel.testkit.Threads.awaitParked;
import static dev.runnel.testkit.Threads.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.internal.WaitReason;
import dev.runnel.testkit.Racer;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cancellation racing grants, and many goroutines at once: units are never lost, never granted
 * twice, and never more than the size are held.
 */
@Timeout(60)
class WeightedSemaphoreRaceTest {

  /** Waits for {@code task}: true if its acquire returned, false if it threw {@code ctx.err()}. */
  private static boolean granted(Task<Void> task, Context ctx) throws Exception {
    try {
      task.join();
      return true;
    } catch (CancellationException e) {
      assertThat(e).isSameAs(ctx.err());
      return false;
    }
  }

  /**
   * A cancellable head (2 of 3 units) and a plain waiter (1) behind it; the cancel races a
   * release of everything. Either both are granted, or only the plain one: 3 or 1 in use.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelRacingAReleaseThatFitsEveryone(Runner runner) throws Exception {
    for (int round = 0; round < 300; round++) {
      WeightedSemaphore sem = new WeightedSemaphore(3);
      sem.acquire(3);
      CancelContext ctx = Context.withCancel(Context.background());
      Task<Void> head = runner.run(() -> sem.acquire(ctx, 2));
      awaitParked(head.thread(), WaitReason.SEMACQUIRE);
      Task<Void> plain = runner.run(() -> sem.acquire(1));
      awaitParked(plain.thread(), WaitReason.SEMACQUIRE);

      Racer canceller = Racer.start(runner, round, ctx::cancel);
      canceller.go();
      sem.release(3);
      canceller.join();

      boolean headGranted = granted(head, ctx);
      plain.join(); // granted either way
      assertThat(sem.inUse()).as("round %d, head granted: %s", round, headGranted)
          .isEqualTo(headGranted ? 3 : 1);
      sem.release(headGranted ? 3 : 1);
      assertIdleAndUsable(sem);
    }
  }

  /**
   * A cancellable head wanting the whole size and a plain waiter behind it; the cancel races a
   * release of the whole size. If the head won, it holds everything and the plain waiter waits
   * for it; if the cancel won, the plain waiter got its unit from that same release.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelRacingAReleaseThatFitsOnlyTheHead(Runner runner) throws Exception {
    for (int round = 0; round < 300; round++) {
      WeightedSemaphore sem = new WeightedSemaphore(3);
      sem.acquire(3);
      CancelContext ctx = Context.withCancel(Context.background());
      Task<Void> head = runner.run(() -> sem.acquire(ctx, 3));
      awaitParked(head.thread(), WaitReason.SEMACQUIRE);
      Task<Void> plain = runner.run(() -> sem.acquire(1));
      awaitParked(plain.thread(), WaitReason.SEMACQUIRE);

      Racer canceller = Racer.start(runner, round, ctx::cancel);
      canceller.go();
      sem.release(3);
      canceller.join();

      if (granted(head, ctx)) {
        assertThat(sem.inUse()).as("round %d: the head holds all", round).isEqualTo(3);
        awaitParked(plain.thread(), WaitReason.SEMACQUIRE);
        assertThat(plain.isDone()).isFalse();
        sem.release(3); // on the head's behalf
      }
      plain.join();
      assertThat(sem.inUse()).as("round %d: only the plain waiter", round).isEqualTo(1);
      sem.release(1);
      assertIdleAndUsable(sem);
    }
  }

  /**
   * Several waiters with random weights, half of them cancelled by another thread while the test
   * releases: each that returns is given back as soon as it is seen done, and in the end every
   * unit is back and every uncancelled waiter got through.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancellationsRacingReleasesLoseNoUnits(Runner runner) throws Exception {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    for (int round = 0; round < 100; round++) {
      final long size = 4;
      WeightedSemaphore sem = new WeightedSemaphore(size);
      sem.acquire(size);
      int k = 6;
      List<CancelContext> ctxs = new ArrayList<>();
      List<Task<Void>> tasks = new ArrayList<>();
      long[] weights = new long[k];
      for (int i = 0; i < k; i++) {
        long w = 1 + rnd.nextLong(size);
        weights[i] = w;
        CancelContext ctx = Context.withCancel(Context.background());
        ctxs.add(ctx);
        Task<Void> t = runner.run(() -> sem.acquire(ctx, w));
        awaitParked(t.thread(), WaitReason.SEMACQUIRE);
        tasks.add(t);
      }
      Racer canceller =
          Racer.start(
              runner,
              round,
              () -> {
                for (int i = 1; i < k; i += 2) {
                  ctxs.get(i).cancel();
                }
              });
      canceller.go();
      sem.release(size);
      canceller.join();

      boolean[] seen = new boolean[k];
      int finalRound = round;
      eventually(
          "every waiter returned or failed",
          () -> {
            boolean all = true;
            for (int i = 0; i < k; i++) {
              if (seen[i]) {
                continue;
              }
              Task<Void> t = tasks.get(i);
              if (!t.isDone()) {
                all = false;
                continue;
              }
              seen[i] = true;
              boolean ok;
              try {
                ok = granted(t, ctxs.get(i));
              } catch (Exception e) {
                throw new AssertionError("round " + finalRound + ", waiter " + i, e);
              }
              if (i % 2 == 0) {
                assertThat(ok).as("round %d: waiter %d was never cancelled", finalRound, i)
                    .isTrue();
              }
              long inUse = sem.inUse();
              assertThat(inUse).as("round %d: %s", finalRound, sem).isLessThanOrEqualTo(size);
              if (ok) {
                assertThat(inUse).as("round %d: waiter %d holds %d", finalRound, i, weights[i])
                    .isGreaterThanOrEqualTo(weights[i]);
                sem.release(weights[i]);
              }
            }
            return all;
          });
      assertThat(sem.inUse()).as("round %d: every unit is back", round).isZero();
      assertIdleAndUsable(sem);
    }
  }

  /**
   * Many goroutines acquire random weights up to the size and release them. Inside the critical
   * section each adds its weight to a shared counter, which must never exceed the size; and
   * everyone finishes.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void stressNeverHoldsMoreThanTheSize(Runner runner) throws Exception {
    final long size = 10;
    int workers = runner == Runner.VIRTUAL ? 64 : 16;
    int iterations = 300;
    WeightedSemaphore sem = new WeightedSemaphore(size);
    AtomicLong held = new AtomicLong();
    AtomicLong maxHeld = new AtomicLong();
    AtomicReference<String> violation = new AtomicReference<>();
    List<Task<Void>> tasks = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      tasks.add(
          runner.run(
              () -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (int j = 0; j < iterations; j++) {
                  long w = 1 + rnd.nextLong(size);
                  boolean got = rnd.nextInt(4) == 0 ? sem.tryAcquire(w) : acquire(sem, w);
                  if (!got) {
                    continue;
                  }
                  long now = held.addAndGet(w);
                  maxHeld.accumulateAndGet(now, Math::max);
                  if (now > size) {
                    violation.compareAndSet(null, now + " units held of " + size);
                  }
                  if (rnd.nextBoolean()) {
                    Thread.yield();
                  }
                  held.addAndGet(-w);
                  sem.release(w);
                }
              }));
    }
    for (Task<Void> t : tasks) {
      t.join(Duration.ofSeconds(40));
    }
    assertThat(violation.get()).isNull();
    assertThat(maxHeld.get()).isBetween(1L, size);
    assertThat(held.get()).isZero();
    assertIdleAndUsable(sem);
  }

  private static boolean acquire(WeightedSemaphore sem, long w) throws InterruptedException {
    sem.acquire(w);
    return true;
  }

  /**
   * The same with contexts that expire at random moments (real time, a few microseconds): some
   * acquires fail, and none of them may leak or steal units.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void stressWithExpiringContextsLosesNoUnits(Runner runner) throws Exception {
    final long size = 6;
    int workers = runner == Runner.VIRTUAL ? 48 : 12;
    int iterations = 300;
    WeightedSemaphore sem = new WeightedSemaphore(size);
    AtomicLong held = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    AtomicReference<String> violation = new AtomicReference<>();
    List<Task<Void>> tasks = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      tasks.add(
          runner.run(
              () -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (int j = 0; j < iterations; j++) {
                  long w = 1 + rnd.nextLong(size);
                  Duration timeout = Duration.ofNanos(rnd.nextLong(1_000, 200_000));
                  try (CancelContext ctx = Context.withTimeout(Context.background(), timeout)) {
                    try {
                      sem.acquire(ctx, w);
                    } catch (CancellationException e) {
                      if (e != ctx.err()) {
                        violation.compareAndSet(null, "threw " + e + ", not ctx.err()");
                      }
                      failures.incrementAndGet();
                      continue;
                    }
                    long now = held.addAndGet(w);
                    if (now > size) {
                      violation.compareAndSet(null, now + " units held of " + size);
                    }
                    Thread.yield();
                    held.addAndGet(-w);
                    sem.release(w);
                  }
                }
              }));
    }
    for (Task<Void> t : tasks) {
      t.join(Duration.ofSeconds(40));
    }
    assertThat(violation.get()).isNull();
    assertThat(held.get()).isZero();
    assertIdleAndUsable(sem);
  }
}
