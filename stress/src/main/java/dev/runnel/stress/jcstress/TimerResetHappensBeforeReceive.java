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
 * A timer's {@code reset} happens-before the receive of the value it delivers: a plain write made
 * before {@code reset(Duration.ZERO)} of a stopped timer is seen by a {@code tryReceive} that gets
 * the tick. The clock is a {@link ManualClock} that nobody advances, so the tick is the reset's
 * own: due at once, delivered lazily by the receive (Go 1.23's timers), never by a timer thread.
 *
 * <p>Result: (0 nothing, 1 the reset's tick, 2 some other value; plain field read after it).
 */
@JCStressTest
@Outcome(id = "1, 42", expect = ACCEPTABLE, desc = "got the tick and saw the write before reset")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "looked before the reset")
@Outcome(id = "0, 42", expect = ACCEPTABLE_INTERESTING, desc = "saw the write, not yet the tick")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "got the tick but not the write before reset")
@Outcome(id = "2, .*", expect = FORBIDDEN, desc = "received a value the reset did not deliver")
@State
public class TimerResetHappensBeforeReceive {

  final ManualClock clock = new ManualClock();
  final Instant start = clock.now();
  final Timer timer = clock.newTimer(Duration.ofHours(1));
  int x;

  public TimerResetHappensBeforeReceive() {
    timer.stop();
  }

  @Actor
  public void resetter() {
    x = 42;
    timer.reset(Duration.ZERO);
  }

  @Actor
  public void receiver(II_Result r) {
    Received<Instant> got = timer.c().tryReceive();
    r.r1 = got == null ? 0 : got.ok() && start.equals(got.value()) ? 1 : 2;
    r.r2 = x;
  }
}
