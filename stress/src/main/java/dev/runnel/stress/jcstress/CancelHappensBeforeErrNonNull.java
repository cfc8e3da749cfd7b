package dev.runnel.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@code cancel(cause)} happens-before {@code err()} is observed non-null: a plain write made
 * before the cancel is seen once {@code err()} returns non-null, and so is the cause ({@code
 * cause()} is never null or stale once {@code err()} is set).
 *
 * <p>Result: (1 if err() was non-null, else 0; plain field read after it; 0 if err() was null,
 * else 1 if cause() returned the cause given to cancel, 2 otherwise).
 */
@JCStressTest
@Outcome(id = "1, 42, 1", expect = ACCEPTABLE, desc = "saw err, the cause and the write")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "looked before the cancel")
@Outcome(id = "0, 42, 0", expect = ACCEPTABLE_INTERESTING, desc = "saw the write, not yet err")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN, desc = "saw err but not the write before cancel")
@Outcome(id = "1, .*, 2", expect = FORBIDDEN, desc = "saw err but not the cause")
@State
public class CancelHappensBeforeErrNonNull {

  static final Throwable CAUSE = new IllegalStateException("the cause");

  final CancelContext ctx = Context.withCancelCause(Context.background());
  int x;

  @Actor
  public void canceller() {
    x = 42;
    ctx.cancel(CAUSE);
  }

  @Actor
  public void observer(III_Result r) {
    boolean done = ctx.err() != null;
    r.r1 = done ? 1 : 0;
    r.r2 = x;
    r.r3 = !done ? 0 : ctx.cause() == CAUSE ? 1 : 2;
  }
}
