package dev.runnel.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.runnel.sync.Mutex;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * A {@link Mutex} admits one holder at a time: two goroutines that each increment a plain field
 * under the lock (read, then write) never lose an update. One of them usually contends, so both
 * the fast path and the park/wake path are taken.
 *
 * <p>Result: the field, read by the arbiter after both actors.
 */
@JCStressTest
@Outcome(id = "2", expect = ACCEPTABLE, desc = "both increments")
@Outcome(id = "1", expect = FORBIDDEN, desc = "both held the lock at once: an update is lost")
@State
public class MutexIsMutuallyExclusive {

  final Mutex mu = new Mutex();
  int v;

  @Actor
  public void first() {
    mu.lock();
    int seen = v;
    v = seen + 1;
    mu.unlock();
  }

  @Actor
  public void second() {
    mu.lock();
    int seen = v;
    v = seen + 1;
    mu.unlock();
  }

  @Arbiter
  public void arbiter(I_Result r) {
    r.r1 = v;
  }
}
