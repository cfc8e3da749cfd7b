package dev.runnel.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.stress.LockHistoryChecker.Kind;
import dev.runnel.stress.LockHistoryChecker.Op;
import dev.runnel.sync.Mutex;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Mutex#lock()}, {@link Mutex#unlock()}, {@link Mutex#tryLock()} and {@code
 * lock(Duration.ZERO)} are linearizable with respect to a boolean (see {@link
 * LockHistoryChecker}: a {@code lock} takes effect at an instant when the mutex is free), and no
 * interleaving loses a wake-up.
 *
 * <p>Lincheck's data-structure mode reports a parked Java call as hung (ADR 0003), so this uses
 * its general-purpose model checker, as {@link ChannelBlockingOperationsAreLinearizableTest}
 * does: each scenario is two or three threads of one or two acquires, each successful acquire
 * released right after by its thread, sometimes a stray {@code unlock} (which may throw) ({@link
 * LockScenarios}). A hang (a lost wake-up) or a history the checker rejects fails with Lincheck's
 * trace. Scenarios come from a fixed seed; {@code -Drunnel.stress.seed=N} explores others.
 */
class MutexBlockingOperationsAreLinearizableTest {

  // Sample: 3 random scenarios, 30 interleavings each. Full: 12 scenarios, 150 each.
  private static final int SCENARIOS = StressBudget.pick(3, 12);
  private static final int INVOCATIONS_PER_SCENARIO = StressBudget.pick(30, 150);
  private static final List<Kind> KINDS =
      List.of(Kind.LOCK, Kind.LOCK, Kind.LOCK, Kind.TRY_LOCK, Kind.LOCK_ZERO, Kind.UNLOCK);

  /** Three goroutines contend in lock(): two of them must park and be woken in turn. */
  @Test
  void threeLockersTakeTurns() {
    LockScenarios.modelCheck(
        INVOCATIONS_PER_SCENARIO,
        () -> LockScenarios.mutex(new Mutex()),
        List.of(List.of(Kind.LOCK), List.of(Kind.LOCK), List.of(Kind.LOCK, Kind.TRY_LOCK)));
  }

  @Test
  void randomScenarios() {
    Random random = new Random(ChannelBlockingOperationsAreLinearizableTest.SEED);
    for (int s = 0; s < SCENARIOS; s++) {
      LockScenarios.modelCheck(
          INVOCATIONS_PER_SCENARIO,
          () -> LockScenarios.mutex(new Mutex()),
          LockScenarios.random(random, 2 + random.nextInt(2), KINDS));
    }
  }

  /** The checker rejects what a broken mutex would do: two holders at once. */
  @Test
  void checkerRejectsTwoHolders() {
    List<Op> twoHolders =
        List.of(
            new Op(0, Kind.LOCK, null, 0, 2),
            new Op(1, Kind.LOCK, null, 1, 3),
            new Op(0, Kind.UNLOCK, null, 4, 6),
            new Op(1, Kind.UNLOCK, null, 5, 7));
    assertThat(LockHistoryChecker.isLinearizable(twoHolders)).isFalse();
    List<Op> turns =
        List.of(
            new Op(0, Kind.LOCK, null, 0, 2),
            new Op(1, Kind.LOCK, null, 1, 6),
            new Op(0, Kind.UNLOCK, null, 3, 5),
            new Op(1, Kind.UNLOCK, null, 7, 8));
    assertThat(LockHistoryChecker.isLinearizable(turns)).isTrue();
    List<Op> strayUnlockThrewWhileLocked =
        List.of(
            new Op(0, Kind.LOCK, null, 0, 1),
            new Op(1, Kind.UNLOCK, LockHistoryChecker.THREW, 2, 3),
            new Op(0, Kind.UNLOCK, null, 4, 5));
    assertThat(LockHistoryChecker.isLinearizable(strayUnlockThrewWhileLocked)).isFalse();
  }
}
