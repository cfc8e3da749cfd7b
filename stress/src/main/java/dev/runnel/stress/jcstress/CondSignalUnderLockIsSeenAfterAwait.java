package dev.runnel.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.runnel.sync.Cond;
import dev.runnel.sync.Mutex;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A {@link Cond}'s waiter, once its wait loop sees the condition under the lock, sees every plain
 * write the signaller made before {@code signal()}, and the signal is not lost: the waiter loops
 * {@code while (!ready) cond.await(timeout)} under a {@link Mutex}, the signaller sets {@code
 * ready} and signals under the same lock.
 *
 * <p>The waiter cannot wait forever: it waits at most 1 s at a time, and {@code ready} is set
 * under the lock, so the loop ends even if a signal were lost. A wait that timed out is reported
 * (a lost signal, or a signaller that was not scheduled for a second).
 *
 * <p>Result: (the field seen after the loop; how many waits timed out).
 */
@JCStressTest
@Outcome(id = "42, 0", expect = ACCEPTABLE, desc = "signalled, or ready before the first wait")
@Outcome(id = "42, [1-9]", expect = ACCEPTABLE_INTERESTING, desc = "a wait timed out")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "saw ready but not the write before it")
@State
public class CondSignalUnderLockIsSeenAfterAwait {

  final Mutex mu = new Mutex();
  final Cond cond = new Cond(mu);
  boolean ready;
  int x;

  @Actor
  public void waiter(II_Result r) {
    int timeouts = 0;
    mu.lock();
    try {
      while (!ready) {
        if (!Blocking.await(cond, Duration.ofSeconds(1))) {
          timeouts++;
        }
      }
      r.r1 = x;
    } finally {
      mu.unlock();
    }
    r.r2 = timeouts;
  }

  @Actor
  public void signaller() {
    mu.lock();
    try {
      x = 42;
      ready = true;
      cond.signal();
    } finally {
      mu.unlock();
    }
  }
}
