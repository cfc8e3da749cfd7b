package dev.runnel.stress;

import dev.runnel.Received;
import dev.runnel.time.ManualClock;
import dev.runnel.time.Timer;
import java.time.Duration;
import java.time.Instant;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * A channel {@link Timer} on a {@link ManualClock}, with {@code stop()}, {@code reset(d)}, {@code
 * tryReceive()} on its channel and the clock's {@code advance(d)}, is linearizable with respect
 * to {@link Spec}, Go 1.23's timer: armed with a deadline, or not; a receive gets the deadline
 * once the clock has reached it and disarms the timer; {@code stop} and {@code reset} report
 * whether it was armed (armed but due and not yet received counts: nothing was delivered), and
 * nothing from before them is received after them. Times are whole seconds since the clock's
 * start; the timer starts armed for 1 s.
 *
 * <p>Nobody blocks on the channel, so the timer is never queued and every tick is delivered
 * lazily by a {@code tryReceive} that finds it due. {@code reset} and {@code advance} are kept in
 * one thread (a non-parallel group): {@code reset(d)} reads the clock before it takes the timer's
 * lock, as Go's {@code Reset} computes its deadline before locking, so an {@code advance} that
 * lands in between gives a deadline from the reading at the start of the call. That is within
 * the call's interval, and on a real clock indistinguishable from a slightly earlier call; on a
 * manual clock it is not a linearizable step, and it is not what this test is about.
 */
class TimerOnManualClockIsLinearizableTest {

  @Param(name = "d", gen = IntGen.class, conf = "0:2")
  public static class Ops {
    private final ManualClock clock = new ManualClock();
    private final Instant start = clock.now();
    private final Timer timer = clock.newTimer(Duration.ofSeconds(1));

    @Operation
    public boolean stop() {
      return timer.stop();
    }

    @Operation(nonParallelGroup = "clock")
    public boolean reset(@Param(name = "d") int d) {
      return timer.reset(Duration.ofSeconds(d));
    }

    @Operation(nonParallelGroup = "clock")
    public void advance(@Param(name = "d") int d) {
      clock.advance(Duration.ofSeconds(d));
    }

    /** The tick's time in seconds since the start; null if nothing is due. */
    @Operation
    public Long tryReceive() {
      Received<Instant> got = timer.c().tryReceive();
      return got == null ? null : Duration.between(start, got.value()).toSeconds();
    }
  }

  /** The sequential specification: Go 1.23's one-shot timer on a clock that moves when told. */
  public static class Spec {
    private long now;
    private boolean armed = true;
    private long when = 1;

    public boolean stop() {
      boolean active = armed;
      armed = false;
      return active;
    }

    public boolean reset(int d) {
      boolean active = armed;
      armed = true;
      when = now + d;
      return active;
    }

    public void advance(int d) {
      now += d;
    }

    public Long tryReceive() {
      if (!armed || when > now) {
        return null;
      }
      armed = false;
      return when;
    }
  }

  @Test
  void modelChecking() {
    LincheckBudget.modelCheck(Ops.class, Spec.class);
  }

  @Test
  void stress() {
    LincheckBudget.stress(Ops.class, Spec.class);
  }
}
