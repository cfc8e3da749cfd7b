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
 * On a channel of capacity C = 1, the k-th receive happens-before the (k+C)-th send completes:
 * here k = 1, so a plain write the receiver made before its first receive is seen by the sender
 * once its send number 2 returns (Go's memory model; what makes a buffered channel usable
 * as a counting semaphore). The first 1 send(s) fill the buffer; send 2 can only complete
 * after the receive made room.
 *
 * <p>Result: the plain field as the sender reads it after its last send returned.
 */
@JCStressTest
@Outcome(id = "42", expect = ACCEPTABLE, desc = "the last send sees the receive's write")
@Outcome(id = "0", expect = FORBIDDEN, desc = "send k+C completed without the k-th receive's write")
@State
public class KthReceiveHappensBeforeKPlusCthSendCompletesCapacityOne {

  final Channel<Integer> ch = Channel.make(1);
  int x;

  @Actor
  public void receiver() {
    x = 42;
    Blocking.receive(ch);
  }

  @Actor
  public void sender(I_Result r) {
    Blocking.send(ch, 1);
    Blocking.send(ch, 2);
    r.r1 = x;
  }
}
