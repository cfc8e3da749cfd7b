package dev.runnel.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.runnel.sync.RWMutex;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * An {@link RWMutex}'s {@code unlock} happens-before every {@code readLock} that returns after
 * it, and a reader excludes the writer: a reader sees all of the writer's critical section or
 * none of it. Each actor releases what it takes, so neither can wait forever.
 *
 * <p>Result: (y, x), read under the read lock in the reverse order of the writes.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "the reader went first")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the writer went first; the reader sees both")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "read-locked after the unlock, but x is lost")
@Outcome(id = "0, 1", expect = FORBIDDEN, desc = "read beside the writer")
@State
public class RWMutexWriteHappensBeforeRead {

  final RWMutex mu = new RWMutex();
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
    mu.readLock();
    r.r1 = y;
    r.r2 = x;
    mu.readUnlock();
  }
}
