package dev.runnel.stress;

import dev.runnel.breaker.CircuitBreaker;
import dev.runnel.breaker.CircuitBreaker.Metrics;
import dev.runnel.breaker.CircuitBreaker.State;
import dev.runnel.time.ManualClock;
import java.time.Duration;
import java.util.ArrayDeque;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * {@link CircuitBreaker}'s permission check, its records (success, slow success, failure, ignored
 * failure) and its state and window are linearizable with respect to {@link Model}: a plain
 * sequential state machine written from the rules in the breaker's documentation, not from its
 * code. So the lock-free permission check, the probe-slot CAS, the epoch check of late results
 * and the lazy open-to-half-open transition each behave as one atomic step of those rules.
 *
 * <p>The breaker is small so that short histories reach every state: a window of the last 3
 * calls, 2 calls before the rates count, 50% thresholds, calls over 1 s slow, 2 probes, an open
 * wait of 1 s doubling up to 4 s, and a half-open period of at most 3 s. Records carry an epoch
 * rather than the permit of an earlier acquire, as the low-level form allows: a record for the
 * current epoch counts, any other is late, so histories mix current and late results. Each
 * fixture starts the breaker one step from a transition, so that the sample's short scenarios
 * (3 threads of 2 operations) race on it: about to open ({@link NearlyOpen}), a full window of
 * successes, where a success skips the lock ({@link SaturatedClean}), open with its wait
 * passed ({@link OpenWaitPassed}: the lazy move to half-open, the probe slots, the decision), and
 * half-open past its limit ({@link HalfOpenOverdue}). With the re-check of the epoch under the lock
 * removed, the sample finds the late record that lands in the new state's window (in two of the
 * three fixtures).
 *
 * <p>The {@link ManualClock} moves only in the fixtures, never during a scenario. A record reads
 * the clock under the breaker's lock and publishes its transition before unlocking, while the
 * permission check reads the state without the lock; a clock advanced in between lets a check see
 * the later time and the earlier state. On a real clock that is indistinguishable from a record a
 * moment earlier; on a manual clock it is not a linearizable step, and it is not what this test is
 * about.
 */
class CircuitBreakerStateMachineIsLinearizableTest {

  static final Duration FAST = Duration.ofMillis(10);
  static final Duration SLOW = Duration.ofSeconds(2);

  @Param(name = "epoch", gen = IntGen.class, conf = "0:1")
  public static class Ops {
    private final ManualClock clock = new ManualClock();
    private final CircuitBreaker breaker =
        CircuitBreaker.builder()
            .clock(clock)
            .countWindow(3)
            .minimumCalls(2)
            .failureRateThreshold(50)
            .slowCalls(Duration.ofSeconds(1), 50)
            .probes(2)
            .waitInOpen(Duration.ofSeconds(1), 2, Duration.ofSeconds(4))
            .maxWaitInHalfOpen(Duration.ofSeconds(3))
            .ignoreOn(e -> e instanceof IllegalStateException)
            .build();

    @Operation
    public long acquire() {
      return breaker.tryAcquirePermission();
    }

    /** The epoch that the parameter 0 stands for (the fixture's current or a late one). */
    int base;

    @Operation
    public void succeed(@Param(name = "epoch") int epoch) {
      breaker.onSuccess(base + epoch, FAST);
    }

    @Operation
    public void succeedSlowly(@Param(name = "epoch") int epoch) {
      breaker.onSuccess(base + epoch, SLOW);
    }

    @Operation
    public void fail(@Param(name = "epoch") int epoch) {
      breaker.onError(base + epoch, FAST, new RuntimeException("down"));
    }

    @Operation
    public void ignore(@Param(name = "epoch") int epoch) {
      breaker.onError(base + epoch, FAST, new IllegalStateException("not the dependency's fault"));
    }

    /** Moves the clock by {@code seconds}: fixtures only (see the class comment). */
    void advance(int seconds) {
      clock.advance(Duration.ofSeconds(seconds));
    }

    /** State and window as "STATE buffered/failed/slow". */
    @Operation
    public String window() {
      Metrics m = breaker.metrics();
      return m.state() + " " + m.bufferedCalls() + "/" + m.failedCalls() + "/" + m.slowCalls();
    }
  }

  /** The rules, sequentially, in whole seconds and plain fields. */
  public static class Model {
    private static final int WINDOW = 3;
    private static final int MINIMUM = 2;
    private static final int PROBES = 2;

    private long time;
    private State state = State.CLOSED;
    private long epoch;
    private long since;
    private long openUntil;
    private int reopenings;
    private final ArrayDeque<int[]> window = new ArrayDeque<>(); // {failed, slow}
    private int probesTaken;
    private int probesDone;
    private int probeFailures;
    private int probeSlow;

    public long acquire() {
      current();
      switch (state) {
        case CLOSED:
          return epoch;
        case HALF_OPEN:
          if (probesTaken < PROBES) {
            probesTaken++;
            return epoch;
          }
          if (time - since >= 3) {
            move(State.OPEN);
          }
          return -1;
        default:
          return -1;
      }
    }

    int base;

    public void succeed(int e) {
      record(base + e, 0, 0);
    }

    public void succeedSlowly(int e) {
      record(base + e, 0, 1);
    }

    public void fail(int e) {
      record(base + e, 1, 0);
    }

    public void ignore(int e) {
      if (base + e == epoch && state == State.HALF_OPEN && probesTaken > 0) {
        probesTaken--;
      }
    }

    void advance(int seconds) {
      time += seconds;
    }

    public String window() {
      current();
      int calls = 0;
      int failed = 0;
      int slow = 0;
      if (state == State.HALF_OPEN) {
        calls = probesDone;
        failed = probeFailures;
        slow = probeSlow;
      } else {
        for (int[] o : window) {
          calls++;
          failed += o[0];
          slow += o[1];
        }
      }
      return state + " " + calls + "/" + failed + "/" + slow;
    }

    private void current() {
      if (state == State.OPEN && time >= openUntil) {
        move(State.HALF_OPEN);
      }
    }

    private void record(int e, int failed, int slow) {
      if (e != epoch) {
        return; // late: a result of another state
      }
      if (state == State.HALF_OPEN) {
        probesDone++;
        probeFailures += failed;
        probeSlow += slow;
        if (probesDone == PROBES) {
          // below 50%, with 2 probes: no failure and no slow call
          move(probeFailures == 0 && probeSlow == 0 ? State.CLOSED : State.OPEN);
        }
      } else if (state == State.CLOSED) {
        if (window.size() == WINDOW) {
          window.removeFirst();
        }
        window.addLast(new int[] {failed, slow});
        int f = 0;
        int s = 0;
        for (int[] o : window) {
          f += o[0];
          s += o[1];
        }
        if (window.size() >= MINIMUM && (2 * f >= window.size() || 2 * s >= window.size())) {
          move(State.OPEN);
        }
      }
    }

    private void move(State to) {
      if (to == State.OPEN) {
        reopenings = state == State.HALF_OPEN ? reopenings + 1 : 0;
        openUntil = time + (reopenings >= 2 ? 4 : 1L << reopenings);
      }
      if (to == State.CLOSED) {
        window.clear();
        reopenings = 0;
      }
      state = to;
      epoch++;
      since = time;
      probesTaken = probesDone = probeFailures = probeSlow = 0;
    }
  }

  /** Closed, one failure in the window: a failure of epoch 0 opens the breaker. */
  @Param(name = "epoch", gen = IntGen.class, conf = "0:1")
  public static class NearlyOpen extends Ops {
    public NearlyOpen() {
      fail(0);
    }
  }

  /** The model of {@link NearlyOpen}. */
  public static class NearlyOpenModel extends Model {
    public NearlyOpenModel() {
      fail(0);
    }
  }

  /**
   * Closed with a full window of fast successes, where a fast success of the current epoch skips
   * the lock: any failure or slow call must still land in the window.
   */
  @Param(name = "epoch", gen = IntGen.class, conf = "0:1")
  public static class SaturatedClean extends Ops {
    public SaturatedClean() {
      succeed(0);
      succeed(0);
      succeed(0);
    }
  }

  /** The model of {@link SaturatedClean}. */
  public static class SaturatedCleanModel extends Model {
    public SaturatedCleanModel() {
      succeed(0);
      succeed(0);
      succeed(0);
    }
  }

  /**
   * Open in epoch 1 with its wait just passed: the first call or snapshot makes it half-open
   * (epoch 2). The parameter is 0 for epoch 1 (a late result) and 1 for the half-open epoch.
   */
  @Param(name = "epoch", gen = IntGen.class, conf = "0:1")
  public static class OpenWaitPassed extends Ops {
    public OpenWaitPassed() {
      fail(0);
      fail(0);
      advance(1);
      base = 1;
    }
  }

  /** The model of {@link OpenWaitPassed}. */
  public static class OpenWaitPassedModel extends Model {
    public OpenWaitPassedModel() {
      fail(0);
      fail(0);
      advance(1);
      base = 1;
    }
  }

  /**
   * Half-open in epoch 2 with both probes taken and not reported for 3 s, the longest a half-open
   * period may wait: a refused call re-opens it (epoch 3), unless the probes report first. The
   * parameter is 0 for epoch 2 and 1 for epoch 3.
   */
  @Param(name = "epoch", gen = IntGen.class, conf = "0:1")
  public static class HalfOpenOverdue extends Ops {
    public HalfOpenOverdue() {
      fail(0);
      fail(0);
      advance(1);
      acquire();
      acquire();
      advance(3);
      base = 2;
    }
  }

  /** The model of {@link HalfOpenOverdue}. */
  public static class HalfOpenOverdueModel extends Model {
    public HalfOpenOverdueModel() {
      fail(0);
      fail(0);
      advance(1);
      acquire();
      acquire();
      advance(3);
      base = 2;
    }
  }

  @Test
  void closedModelChecking() {
    LincheckBudget.modelCheck(NearlyOpen.class, NearlyOpenModel.class);
  }

  @Test
  void saturatedModelChecking() {
    LincheckBudget.modelCheck(SaturatedClean.class, SaturatedCleanModel.class);
  }

  @Test
  void halfOpenModelChecking() {
    LincheckBudget.modelCheck(OpenWaitPassed.class, OpenWaitPassedModel.class);
  }

  @Test
  void overdueHalfOpenModelChecking() {
    LincheckBudget.modelCheck(HalfOpenOverdue.class, HalfOpenOverdueModel.class);
  }

  @Test
  void closedStress() {
    LincheckBudget.stress(NearlyOpen.class, NearlyOpenModel.class);
  }

  @Test
  void halfOpenStress() {
    LincheckBudget.stress(OpenWaitPassed.class, OpenWaitPassedModel.class);
  }
}
