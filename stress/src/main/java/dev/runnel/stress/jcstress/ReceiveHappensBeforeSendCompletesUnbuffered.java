package dev.runnel.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.runnel.Channel;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * On an unbuffered channel, the receive happens-before the corresponding send completes: a plain
 * write the receiver made before {@code receive} is seen by the sender after {@code send}
 * returns (Go's memory model; what makes an unbuffered channel usable as a lock hand-off).
 *
 * <p>Result: the plain field as the sender reads it after its send returned.
 */
@JCStressTest
@Outcome(id = "42", expect = ACCEPTABLE, desc = "the sender sees the write made before the receive")
@Outcome(id = "0", expect = FORBIDDEN, desc = "the send completed without the receive's write")
@State
public class ReceiveHappensBeforeSendCompletesUnbuffered {

  final Channel<Integer> ch = Channel.make();
  int y;

  @Actor
  public void receiver() {
    y = 42;
    Blocking.receive(ch);
  }

  @Actor
  public void sender(I_Result r) {
    Blocking.send(ch, 1);
    r.r1 = y;
  }
}
