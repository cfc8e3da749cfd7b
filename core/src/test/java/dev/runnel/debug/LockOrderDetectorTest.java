package dev.runnel.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.debug.TestGoroutines.Started;
import dev.runnel.internal.LockTracker;
import dev.runnel.sync.Cond;
import dev.runnel.sync.Mutex;
import dev.runnel.sync.RWMutex;
import dev.runnel.testkit.Threads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * go-deadlock's rule for Runnel locks: two locks seen taken in both orders are reported once, with
 * both stacks, even though the goroutines here run one after the other and never deadlock. No
 * {@code @Timeout} (see {@link DeadlockDetectorTest}): every wait is bounded.
 */
class LockOrderDetectorTest {

  private final TestGoroutines goroutines = new TestGoroutines();
  private final List<LockOrderViolation> violations = new CopyOnWriteArrayList<>();

  @BeforeEach
  void enable() {
    LockOrderDetector.enable(violations::add);
  }

  @AfterEach
  void cleanUp() throws InterruptedException {
    LockOrderDetector.disable();
    goroutines.interruptAll();
    goroutines.joinAll();
  }

  /** Runs {@code body} in a goroutine and waits for it to end. */
  private Started runToEnd(dev.runnel.GoFunc body) throws InterruptedException {
    Started g = goroutines.go(body);
    g.thread().join(Threads.PATIENCE);
    assertThat(g.thread().isAlive()).as("goroutine ended").isFalse();
    return g;
  }

  // Named methods, so that the reported stacks can be recognised.

  static void lockFirstThenSecond(Mutex first, Mutex second) {
    first.lock();
    second.lock();
    second.unlock();
    first.unlock();
  }

  static void lockSecondThenFirst(Mutex first, Mutex second) {
    second.lock();
    first.lock();
    first.unlock();
    second.unlock();
  }

  private static boolean hasFrame(List<StackTraceElement> stack, String method) {
    return stack.stream()
        .anyMatch(
            f ->
                f.getClassName().equals(LockOrderDetectorTest.class.getName())
                    && f.getMethodName().equals(method));
  }

  // ------------------------------------------------------------------ inversions

  @Test
  void bothOrdersInTwoGoroutinesAreReportedOnceWithBothStacks() throws Exception {
    Mutex a = new Mutex();
    Mutex b = new Mutex();
    Started earlier = runToEnd(() -> lockFirstThenSecond(a, b));
    assertThat(violations).as("one order alone").isEmpty();
    Started later = runToEnd(() -> lockSecondThenFirst(a, b));

    assertThat(violations).hasSize(1);
    LockOrderViolation v = violations.get(0);
    assertThat(v.isRelock()).isFalse();
    assertThat(v.first()).as("held by the later goroutine").isEqualTo(ThreadInspector.name(b));
    assertThat(v.second()).as("taken by the later goroutine").isEqualTo(ThreadInspector.name(a));
    assertThat(v.goroutine()).isEqualTo(later.thread().getName());
    assertThat(v.earlierGoroutine()).isEqualTo(earlier.thread().getName());
    assertThat(v.stack()).isNotEmpty();
    assertThat(v.earlierStack()).isNotEmpty();
    assertThat(hasFrame(v.stack(), "lockSecondThenFirst")).as("stack: %s", v.stack()).isTrue();
    assertThat(hasFrame(v.earlierStack(), "lockFirstThenSecond"))
        .as("earlier stack: %s", v.earlierStack())
        .isTrue();
    assertThat(v.stack().get(0).getClassName())
        .as("the lock's own frames are trimmed")
        .doesNotStartWith("dev.runnel.sync.")
        .doesNotStartWith("dev.runnel.internal.");
    assertThat(v.toString())
        .startsWith("potential deadlock: inconsistent lock order\n")
        .contains(label(later.thread()) + " locks " + v.second() + " while holding " + v.first())
        .contains(label(earlier.thread()) + " locked " + v.first() + " while holding " + v.second())
        .contains("lockSecondThenFirst")
        .contains("lockFirstThenSecond");
  }

  @Test
  void samePairAgainIsNotReportedASecondTime() throws Exception {
    Mutex a = new Mutex();
    Mutex b = new Mutex();
    runToEnd(() -> lockFirstThenSecond(a, b));
    runToEnd(() -> lockSecondThenFirst(a, b));
    runToEnd(() -> lockSecondThenFirst(a, b));
    runToEnd(() -> lockFirstThenSecond(a, b));
    assertThat(violations).hasSize(1);
  }

  @Test
  void consistentOrderInManyGoroutinesIsNeverReported() throws Exception {
    Mutex a = new Mutex();
    Mutex b = new Mutex();
    Mutex c = new Mutex();
    for (int g = 0; g < 8; g++) {
      goroutines.go(
          () -> {
            for (int i = 0; i < 200; i++) {
              lockFirstThenSecond(a, b);
              lockFirstThenSecond(b, c);
              a.lock();
              c.lock();
              c.unlock();
              a.unlock();
            }
          });
    }
    goroutines.joinAll();
    assertThat(violations).isEmpty();
  }

  @Test
  void readLockInvolvedInBothOrdersIsReported() throws Exception {
    RWMutex rw = new RWMutex();
    Mutex mu = new Mutex();
    runToEnd(
        () -> {
          rw.readLock();
          mu.lock();
          mu.unlock();
          rw.readUnlock();
        });
    runToEnd(
        () -> {
          mu.lock();
          rw.readLock();
          rw.readUnlock();
          mu.unlock();
        });
    assertThat(violations).hasSize(1);
    assertThat(violations.get(0).first()).isEqualTo(ThreadInspector.name(mu));
    assertThat(violations.get(0).second()).isEqualTo(ThreadInspector.name(rw));
  }

  @Test
  void writeLockOfRwMutexInBothOrdersIsReported() throws Exception {
    RWMutex rw = new RWMutex();
    Mutex mu = new Mutex();
    runToEnd(
        () -> {
          rw.lock();
          mu.lock();
          mu.unlock();
          rw.unlock();
        });
    runToEnd(
        () -> {
          mu.lock();
          rw.lock();
          rw.unlock();
          mu.unlock();
        });
    assertThat(violations).hasSize(1);
  }

  // ------------------------------------------------------------------ relock

  @Test
  void relockByTheHolderIsReportedAsRelock() throws Exception {
    Mutex mu = new Mutex();
    boolean[] second = new boolean[1];
    Started g =
        runToEnd(
            () -> {
              mu.lock();
              try {
                // blocking form with a bound, so the test cannot hang on the self-deadlock
                second[0] = mu.lock(Duration.ofMillis(50));
              } finally {
                mu.unlock();
              }
            });
    assertThat(second[0]).isFalse();
    assertThat(violations).hasSize(1);
    LockOrderViolation v = violations.get(0);
    assertThat(v.isRelock()).isTrue();
    assertThat(v.first()).isEqualTo(v.second()).isEqualTo(ThreadInspector.name(mu));
    assertThat(v.goroutine()).isEqualTo(g.thread().getName());
    assertThat(v.earlierStack()).isEmpty();
    assertThat(v.toString())
        .startsWith(
            "potential deadlock: " + label(g.thread()) + " locks " + v.second()
                + ", which it already holds:\n")
        .contains("LockOrderDetectorTest");
  }

  @Test
  void tryLockOnHeldMutexIsNotAReport() throws Exception {
    Mutex mu = new Mutex();
    runToEnd(
        () -> {
          mu.lock();
          assertThat(mu.tryLock()).isFalse(); // cannot deadlock: not checked
          mu.unlock();
        });
    assertThat(violations).isEmpty();
  }

  // ------------------------------------------------------------------ holds

  @Test
  void unlockByAnotherGoroutineEndsTheHolderHold() throws Exception {
    Mutex a = new Mutex();
    Mutex b = new Mutex();
    Channel<Boolean> aReleased = Channel.make();
    Started holder =
        goroutines.go(
            () -> {
              a.lock();
              aReleased.receive(); // another goroutine unlocks a meanwhile
              b.lock(); // holds nothing now: no order a -> b
              b.unlock();
            });
    Threads.awaitParked(holder.thread());
    runToEnd(a::unlock);
    assertThat(LockTracker.holders(a)).isEmpty();
    aReleased.send(true);
    holder.thread().join(Threads.PATIENCE);

    runToEnd(() -> lockSecondThenFirst(a, b));

    assertThat(violations).as("a -> b was never taken while a was held").isEmpty();
  }

  @Test
  void lockTakenByTryLockCountsAsHeld() throws Exception {
    Mutex a = new Mutex();
    Mutex b = new Mutex();
    runToEnd(
        () -> {
          assertThat(a.tryLock()).isTrue();
          b.lock(); // a is held: order a -> b
          b.unlock();
          a.unlock();
        });
    runToEnd(() -> lockSecondThenFirst(a, b));
    assertThat(violations).hasSize(1);
  }

  @Test
  void secondLockTakenByTryLockAddsNoOrder() throws Exception {
    Mutex a = new Mutex();
    Mutex b = new Mutex();
    runToEnd(
        () -> {
          a.lock();
          assertThat(b.tryLock()).isTrue(); // cannot block: no order a -> b
          b.unlock();
          a.unlock();
        });
    runToEnd(() -> lockSecondThenFirst(a, b));
    assertThat(violations).isEmpty();
  }

  @Test
  void condAwaitReleasingAndRetakingItsLockIsNoReport() throws Exception {
    Mutex mu = new Mutex();
    Mutex other = new Mutex();
    Cond cond = new Cond(mu);
    int[] turn = new int[1];
    int rounds = 20;
    // Two goroutines take turns through the same Cond: each wait unlocks mu and locks it again.
    for (int me = 0; me < 2; me++) {
      int mine = me;
      goroutines.go(
          () -> {
            for (int r = 0; r < rounds; r++) {
              mu.lock();
              try {
                while (turn[0] % 2 != mine) {
                  cond.await();
                }
                other.lock(); // always mu -> other: consistent
                other.unlock();
                turn[0]++;
                cond.broadcast();
              } finally {
                mu.unlock();
              }
            }
          });
    }
    goroutines.joinAll();
    assertThat(violations).isEmpty();
    assertThat(LockTracker.holders(mu)).isEmpty();
    assertThat(LockTracker.holders(other)).isEmpty();
  }

  // ------------------------------------------------------------------ switching off

  @Test
  void disableStopsReportsAndForgetsOrders() throws Exception {
    Mutex a = new Mutex();
    Mutex b = new Mutex();
    runToEnd(() -> lockFirstThenSecond(a, b));
    LockOrderDetector.disable();
    assertThat(LockOrderDetector.isEnabled()).isFalse();
    assertThat(LockTracker.on).isFalse();

    runToEnd(() -> lockSecondThenFirst(a, b));
    assertThat(violations).as("while off").isEmpty();

    LockOrderDetector.enable(violations::add);
    runToEnd(() -> lockSecondThenFirst(a, b));
    assertThat(violations).as("orders seen before disable() were forgotten").isEmpty();
    runToEnd(() -> lockFirstThenSecond(a, b));
    assertThat(violations).as("both orders seen since enable()").hasSize(1);
  }

  @Test
  void enableRejectsNullHandler() {
    assertThatThrownBy(() -> LockOrderDetector.enable(null))
        .isInstanceOf(NullPointerException.class);
    assertThat(LockOrderDetector.isEnabled()).as("the earlier handler stays").isTrue();
  }

  @Test
  void withEveryDetectorOffTrackingIsOffAndLocksStillWork() {
    LockOrderDetector.disable();
    LongWaitDetector.disable();
    DeadlockDetector.disable();
    assertThat(LockTracker.on).isFalse();

    Mutex mu = new Mutex();
    mu.lock();
    assertThat(mu.isLocked()).isTrue();
    assertThat(LockTracker.holders(mu)).as("nothing recorded while off").isEmpty();
    mu.unlock();
    assertThat(mu.isLocked()).isFalse();
    RWMutex rw = new RWMutex();
    rw.readLock();
    rw.readUnlock();
    rw.lock();
    rw.unlock();
    assertThat(rw.tryLock()).isTrue();
    rw.unlock();
  }

  /** How reports name a goroutine: as the dump's header does, {@code goroutine 7}. */
  private static String label(Thread t) {
    return "goroutine " + t.getName().substring("goroutine-".length());
  }
}
