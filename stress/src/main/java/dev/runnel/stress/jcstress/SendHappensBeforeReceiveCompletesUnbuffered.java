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
 * On an unbuffered channel, a send happens-before the corresponding receive completes: a plain
 * write made before {@code send} is seen after {@code receive} returns.
 *
 * <p>Result: (value received, plain field read after the receive).
 */
@JCStressTest
@Outcome(id = "1, 42", expect = ACCEPTABLE, desc = "the receive sees the write before the send")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "the write before the send is lost")
@State
public class SendHappensBeforeReceiveCompletesUnbuffered {

  final Channel<Integer> ch = Channel.make();
  int x;

  @Actor
  public void sender() {
    x = 42;
    Blocking.send(ch, 1);
  }

  @Actor
  public void receiver(II_Result r) {
    r.r1 = Blocking.receive(ch);
    r.r2 = x;
  }
}
