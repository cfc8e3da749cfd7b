package dev.runnel.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.runnel.sync.Once;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * {@link Once#run} runs its function once, and the function's return happens-before every {@code
 * run} returns: two goroutines race to {@code run} an initializer that writes plain fields; both
 * see the whole initialization after {@code run} returns, whichever ran it, and it ran once.
 *
 * <p>Result: (x, y seen by the first actor; x, y seen by the second; the number of runs, read by
 * the arbiter).
 */
@JCStressTest
@Outcome(id = "1, 2, 1, 2, 1", expect = ACCEPTABLE, desc = "both see the one initialization")
@Outcome(expect = FORBIDDEN, desc = "a partial initialization, or it ran twice")
@State
public class OnceRunHappensBeforeReturn {

  final Once once = new Once();
  int x;
  int y;
  int runs;

  private final Runnable init =
      () -> {
        runs++;
        x = 1;
        y = 2;
      };

  @Actor
  public void first(IIIII_Result r) {
    once.run(init);
    r.r1 = x;
    r.r2 = y;
  }

  @Actor
  public void second(IIIII_Result r) {
    once.run(init);
    r.r3 = x;
    r.r4 = y;
  }

  @Arbiter
  public void arbiter(IIIII_Result r) {
    r.r5 = runs;
  }
}
