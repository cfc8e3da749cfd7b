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
 * A select's receive case sees the writes made before the send it received: the send happens-
 * before the select's receive completes, both when the select finds the sender already waiting
 * and when it parks and the sender completes it. The select has a second case on a channel that
 * never becomes ready, so it takes the multi-channel path (lock set, one waiter on two queues).
 *
 * <p>Result: (value received by the case body; plain field read in the body).
 */
@JCStressTest
@Outcome(id = "1, 42", expect = ACCEPTABLE, desc = "the case body sees the write before the send")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "the write before the send is lost")
@Outcome(id = "-1, .*", expect = FORBIDDEN, desc = "the never-ready case was chosen")
@State
public class SelectReceiveSeesWritesBeforeSend {

  final Channel<Integer> ch = Channel.make();
  final Channel<Integer> never = Channel.make();
  int x;

  @Actor
  public void sender() {
    x = 42;
    Blocking.send(ch, 1);
  }

  @Actor
  public void selector(II_Result r) {
    Blocking.run(
        Select.select()
            .onReceive(ch, v -> {
              r.r1 = v;
              r.r2 = x;
            })
            .onReceive(never, v -> r.r1 = -1));
  }
}
