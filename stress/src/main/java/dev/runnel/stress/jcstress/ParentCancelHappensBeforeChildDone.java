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
 * Cancelling a context happens-before its descendants' {@code done()} is observed closed and
 * their {@code err()} non-null: a plain write made before {@code root.cancel()} is seen by an
 * observer of the grandchild (root, child, grandchild, each from {@code withCancel}). Once the
 * grandchild's {@code done()} is closed its {@code err()} is set too.
 *
 * <p>Result: (1 if the grandchild's done() was closed, else 0; 1 if its err() was then non-null,
 * else 0; plain field read last).
 */
@JCStressTest
@Outcome(id = "1, 1, 42", expect = ACCEPTABLE, desc = "saw the grandchild done and the write")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "looked before the cancel")
@Outcome(id = "0, 1, 42", expect = ACCEPTABLE_INTERESTING, desc = "cancelled between the looks")
@Outcome(id = "0, 0, 42", expect = ACCEPTABLE_INTERESTING, desc = "saw the write, not the cancel")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN, desc = "done closed but err() null")
@Outcome(id = ".*, 1, 0", expect = FORBIDDEN, desc = "saw the cancel but not the write before it")
@State
public class ParentCancelHappensBeforeChildDone {

  final CancelContext root = Context.withCancel(Context.background());
  final CancelContext grandchild = Context.withCancel(Context.withCancel(root));
  int x;

  @Actor
  public void canceller() {
    x = 42;
    root.cancel();
  }

  @Actor
  public void observer(III_Result r) {
    r.r1 = grandchild.done().tryReceive() == null ? 0 : 1;
    r.r2 = grandchild.err() == null ? 0 : 1;
    r.r3 = x;
  }
}
