package dev.runnel.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.stress.LockHistoryChecker.Kind;
import dev.runnel.stress.LockHistoryChecker.Op;
import dev.runnel.sync.RWMutex;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RWMutex#lock()}, {@link RWMutex#readLock()}, {@link RWMutex#tryLock()}, {@link
 * RWMutex#tryReadLock()} and their releases, used correctly (each thread releases only what it
 * holds), are linearizable with respect to a writer flag and a reader count (see {@link
 * LockHistoryChecker}), and no interleaving loses a wake-up. Lincheck's general-purpose model
 * checker runs the scenarios of {@link LockScenarios}, without stray releases (misuse is in {@link
 * RWMutexTryOperationsAreLinearizableTest}) and without {@code tryLock}, which, like Go's {@code
 * TryLock}, can fail while another goroutine is inside {@code unlock} (Lincheck's trace: t1 lock,
 * t1 unlock [2,9], t2 readLock [3,4], t2 readUnlock [5,6], t2 tryLock -> false [7,8]: unlock frees
 * the readers first and its inner writer mutex last). The RWMutex Javadoc documents it.
 */
class RWMutexBlockingOperationsAreLinearizableTest {

  // Sample: 3 random scenarios, 30 interleavings each. Full: 12 scenarios, 150 each.
  private static final int SCENARIOS = StressBudget.pick(3, 12);
  private static final int INVOCATIONS_PER_SCENARIO = StressBudget.pick(30, 150);
  // no TRY_LOCK: it can fail spuriously while an unlock is under way (see the class comment)
  private static final List<Kind> KINDS =
      List.of(Kind.LOCK, Kind.READ_LOCK, Kind.READ_LOCK, Kind.TRY_READ_LOCK);

  /** A writer arrives while a reader holds, with another reader behind it: all must finish. */
  @Test
  void writerBetweenReaders() {
    LockScenarios.modelCheck(
        INVOCATIONS_PER_SCENARIO,
        () -> LockScenarios.rwMutex(new RWMutex()),
        List.of(
            List.of(Kind.READ_LOCK),
            List.of(Kind.LOCK),
            List.of(Kind.READ_LOCK, Kind.TRY_READ_LOCK)));
  }

  @Test
  void randomScenarios() {
    Random random = new Random(ChannelBlockingOperationsAreLinearizableTest.SEED + 1);
    for (int s = 0; s < SCENARIOS; s++) {
      LockScenarios.modelCheck(
          INVOCATIONS_PER_SCENARIO,
          () -> LockScenarios.rwMutex(new RWMutex()),
          LockScenarios.random(random, 2 + random.nextInt(2), KINDS));
    }
  }

  @Test
  void checkerRejectsReaderBesideWriter() {
    List<Op> readerBesideWriter =
        List.of(
            new Op(0, Kind.LOCK, null, 0, 1),
            new Op(1, Kind.TRY_READ_LOCK, true, 2, 3),
            new Op(0, Kind.UNLOCK, null, 4, 5),
            new Op(1, Kind.READ_UNLOCK, null, 6, 7));
    assertThat(LockHistoryChecker.isLinearizable(readerBesideWriter)).isFalse();
    List<Op> twoReaders =
        List.of(
            new Op(0, Kind.READ_LOCK, null, 0, 1),
            new Op(1, Kind.TRY_READ_LOCK, true, 2, 3),
            new Op(1, Kind.TRY_LOCK, false, 4, 5),
            new Op(0, Kind.READ_UNLOCK, null, 6, 7),
            new Op(1, Kind.READ_UNLOCK, null, 8, 9));
    assertThat(LockHistoryChecker.isLinearizable(twoReaders)).isTrue();
  }
}
