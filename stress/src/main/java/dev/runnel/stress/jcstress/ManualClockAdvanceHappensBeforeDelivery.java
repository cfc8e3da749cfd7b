package dev.runnel.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.runnel.Received;
import dev.runnel.time.ManualClock;
import dev.runnel.time.Timer;
import java.time.Duration;
import java.time.Instant;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * {@link ManualClock#advance} happens-before the deliveries it causes: a plain write made before
 * {@code advance(1 s)} is seen by a {@code tryReceive} that gets the tick of a timer armed for 1 s.
 * Nobody waits on the timer, so it is not queued and the tick is delivered lazily by the receive,
 * which finds it due on the advanced clock.
 *
 * <p>The receive is a {@code tryReceive}: a blocking receive that races the advance can miss its
 * wake-up (see {@code ManualClockAdvanceRacingAWaiterLosesNoWakeUpTest}).
 *
 * <p>Result: (0 nothing, 1 the tick at 1 s, 2 some other value; plain field read after it).
 */
@JCStressTest
@Outcome(id = "1, 42", expect = ACCEPTABLE, desc = "got the tick and saw the write before advance")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "looked before the advance")
@Outcome(id = "0, 42", expect = ACCEPTABLE_INTERESTING, desc = "saw the write, not yet the tick")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "got the tick but not the write before advance")
@Outcome(id = "2, .*", expect = FORBIDDEN, desc = "received a value the timer did not deliver")
@State
public class ManualClockAdvanceHappensBeforeDelivery {

  final ManualClock clock = new ManualClock();
  final Instant due = clock.now().plusSeconds(1);
  final Timer timer = clock.newTimer(Duration.ofSeconds(1));
  int x;

  @Actor
  public void advancer() {
    x = 42;
    clock.advance(Duration.ofSeconds(1));
  }

  @Actor
  public void receiver(II_Result r) {
    Received<Instant> got = timer.c().tryReceive();
    r.r1 = got == null ? 0 : got.ok() && due.equals(got.value()) ? 1 : 2;
    r.r2 = x;
  }
}
