package dev.runnel.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.runnel.Received;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * {@code cancel()} happens-before {@code done()} is observed closed: a plain write made before
 * {@code cancel()} is seen by a {@code tryReceive} on {@code done()} that reports it closed. The
 * observer asks for {@code done()} itself, racing the cancel, so both ways a done channel comes
 * to be closed are exercised: made first and closed by the cancel, or asked for after the cancel
 * (the shared closed channel).
 *
 * <p>Result: (0 would block, 1 closed, 2 a value nobody sent; plain field read after it).
 */
@JCStressTest
@Outcome(id = "1, 42", expect = ACCEPTABLE, desc = "saw done closed and the write before cancel")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "looked before the cancel")
@Outcome(id = "0, 42", expect = ACCEPTABLE_INTERESTING, desc = "saw the write, not yet the cancel")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "saw done closed but not the write before cancel")
@Outcome(id = "2, .*", expect = FORBIDDEN, desc = "done delivered a value")
@State
public class CancelHappensBeforeDoneObservedClosed {

  final CancelContext ctx = Context.withCancel(Context.background());
  int x;

  @Actor
  public void canceller() {
    x = 42;
    ctx.cancel();
  }

  @Actor
  public void observer(II_Result r) {
    Received<?> got = ctx.done().tryReceive();
    r.r1 = got == null ? 0 : got.ok() ? 2 : 1;
    r.r2 = x;
  }
}
