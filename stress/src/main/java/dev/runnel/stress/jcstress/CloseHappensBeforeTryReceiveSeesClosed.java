package dev.runnel.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.runnel.Channel;
import dev.runnel.Received;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Closing a buffered channel happens-before a {@code tryReceive} that reports it closed: the
 * non-blocking path, racing the close freely.
 *
 * <p>Result: (0 would block, 1 closed, 2 a value nobody sent; plain field read after it).
 */
@JCStressTest
@Outcome(id = "1, 42", expect = ACCEPTABLE, desc = "saw the close and the write before it")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "tryReceive ran before the close")
@Outcome(id = "0, 42", expect = ACCEPTABLE_INTERESTING, desc = "saw the write, not yet the close")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "saw the close but not the write before it")
@Outcome(id = "2, .*", expect = FORBIDDEN, desc = "received a value nobody sent")
@State
public class CloseHappensBeforeTryReceiveSeesClosed {

  final Channel<Integer> ch = Channel.make(1);
  int x;

  @Actor
  public void closer() {
    x = 42;
    ch.close();
  }

  @Actor
  public void receiver(II_Result r) {
    Received<Integer> got = ch.tryReceive();
    r.r1 = got == null ? 0 : got.ok() ? 2 : 1;
    r.r2 = x;
  }
}
