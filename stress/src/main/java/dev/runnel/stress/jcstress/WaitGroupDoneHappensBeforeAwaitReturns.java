package dev.runnel.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.runnel.sync.WaitGroup;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * A {@link WaitGroup}'s {@code done()} happens-before the return of the {@code await()} it
 * releases: a plain write made before {@code done()} is seen after {@code await()}. The counter
 * is 1 from the start and the worker always calls {@code done()}, so {@code await()} always ends.
 *
 * <p>Result: the field, read after {@code await()}.
 */
@JCStressTest
@Outcome(id = "42", expect = ACCEPTABLE, desc = "sees the write before done()")
@Outcome(id = "0", expect = FORBIDDEN, desc = "await() returned, but the write is lost")
@State
public class WaitGroupDoneHappensBeforeAwaitReturns {

  final WaitGroup wg = new WaitGroup();
  int x;

  public WaitGroupDoneHappensBeforeAwaitReturns() {
    wg.add(1);
  }

  @Actor
  public void worker() {
    x = 42;
    wg.done();
  }

  @Actor
  public void waiter(I_Result r) {
    Blocking.await(wg);
    r.r1 = x;
  }
}
