package dev.runnel.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * {@code cancel()} happens-before a blocking receive on {@code done()} returns: a plain write
 * made before {@code cancel()} is seen after {@code done().receiveOk()} returned, whether the
 * receive parked and was woken by the cancel or found the channel closed. The canceller always
 * cancels, so the receive always ends.
 *
 * <p>Result: (1 if the receive reported "closed", else 0; plain field read after it).
 */
@JCStressTest
@Outcome(id = "1, 42", expect = ACCEPTABLE, desc = "woke on the cancel and saw the write before it")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "woke on the cancel but missed the write before it")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "done delivered a value")
@State
public class CancelHappensBeforeDoneReceiveReturns {

  final CancelContext ctx = Context.withCancel(Context.background());
  int x;

  @Actor
  public void canceller() {
    x = 42;
    ctx.cancel();
  }

  @Actor
  public void waiter(II_Result r) {
    try {
      r.r1 = ctx.done().receiveOk().ok() ? 0 : 1;
    } catch (InterruptedException e) {
      throw new AssertionError("nobody interrupts jcstress actors", e);
    }
    r.r2 = x;
  }
}
