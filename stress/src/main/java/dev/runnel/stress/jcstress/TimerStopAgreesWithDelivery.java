package dev.runnel.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.runnel.time.ManualClock;
import dev.runnel.time.Timer;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@code stop()} races the timer firing (an {@code advance} past its deadline followed by a
 * {@code tryReceive}). Go 1.23's contract: {@code stop()} returns true iff no value of the timer
 * was or will be received (armed, or fired but not received, counts as active), and no value is
 * received after {@code stop()} returns.
 *
 * <p>Result: (1 if stop() returned true, else 0; 1 if the racing tryReceive got the tick, else
 * 0; 1 if a tryReceive after both actors got a value, else 0).
 */
@JCStressTest
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "stop won: nothing received, ever")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "received first: stop found it delivered")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "stop reported active, yet a value came")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "stop reported delivered, yet none came")
@Outcome(id = ".*, .*, 1", expect = FORBIDDEN, desc = "a value came after stop returned")
@State
public class TimerStopAgreesWithDelivery {

  final ManualClock clock = new ManualClock();
  final Timer timer = clock.newTimer(Duration.ofSeconds(1));

  @Actor
  public void stopper(III_Result r) {
    r.r1 = timer.stop() ? 1 : 0;
  }

  @Actor
  public void firer(III_Result r) {
    clock.advance(Duration.ofSeconds(1));
    r.r2 = timer.c().tryReceive() == null ? 0 : 1;
  }

  @Arbiter
  public void after(III_Result r) {
    r.r3 = timer.c().tryReceive() == null ? 0 : 1;
  }
}
