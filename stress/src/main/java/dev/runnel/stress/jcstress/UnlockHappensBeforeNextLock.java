package dev.runnel.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.runnel.sync.Mutex;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A {@link Mutex}'s unlock happens-before the next lock returns: the goroutine that locks after
 * another unlocked sees all of the plain writes made before that unlock, or (if it locked first)
 * none of them; never half. Both actors lock with {@code lock()}; each unlocks, so neither can
 * wait forever.
 *
 * <p>Result: (y, x), read in the reverse order of the writes.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "the reader locked first")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the writer locked first; the reader sees both")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "locked after the unlock, but x is lost")
@Outcome(id = "0, 1", expect = FORBIDDEN, desc = "saw part of a critical section")
@State
public class UnlockHappensBeforeNextLock {

  final Mutex mu = new Mutex();
  int x;
  int y;

  @Actor
  public void writer() {
    mu.lock();
    x = 1;
    y = 1;
    mu.unlock();
  }

  @Actor
  public void reader(II_Result r) {
    mu.lock();
    r.r1 = y;
    r.r2 = x;
    mu.unlock();
  }
}
