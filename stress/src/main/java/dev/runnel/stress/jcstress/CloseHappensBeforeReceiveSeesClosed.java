package dev.runnel.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.runnel.Channel;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Closing a channel happens-before a receive that returns because the channel is closed: a plain
 * write made before {@code close} is seen after a blocking {@code receiveOk} returned {@code ok ==
 * false}, whether that receive found the channel closed or parked and was woken by the close.
 *
 * <p>Result: (1 if the receive reported "closed", else 0; plain field read after it). Nothing is
 * ever sent, so the receive can only end by the close.
 */
@JCStressTest
@Outcome(id = "1, 42", expect = ACCEPTABLE, desc = "saw the close and the write before it")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "saw the close but not the write before it")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "a receive returned a value nobody sent")
@State
public class CloseHappensBeforeReceiveSeesClosed {

  final Channel<Integer> ch = Channel.make();
  int x;

  @Actor
  public void closer() {
    x = 42;
    ch.close();
  }

  @Actor
  public void receiver(II_Result r) {
    r.r1 = Blocking.receiveOk(ch).ok() ? 0 : 1;
    r.r2 = x;
  }
}
