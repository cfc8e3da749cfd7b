package dev.runnel.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.runnel.Channel;
import dev.runnel.Select;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A select's send case happens-before the receive that takes its value completes: a plain write
 * made before the select is seen by the receiver, whether the select found the receiver waiting
 * or parked until it came. The second case never becomes ready.
 *
 * <p>Result: (value received; plain field read after the receive).
 */
@JCStressTest
@Outcome(id = "1, 42", expect = ACCEPTABLE, desc = "the receiver sees the write before the select")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "the write before the select's send is lost")
@State
public class SelectSendCaseHappensBeforeReceiveCompletes {

  final Channel<Integer> ch = Channel.make();
  final Channel<Integer> never = Channel.make();
  int x;

  @Actor
  public void selector() {
    x = 42;
    Blocking.run(Select.select().onSend(ch, 1, () -> {}).onReceive(never, v -> {}));
  }

  @Actor
  public void receiver(II_Result r) {
    r.r1 = Blocking.receive(ch);
    r.r2 = x;
  }
}
