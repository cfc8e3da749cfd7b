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
 * On a buffered channel (capacity 1), a send happens-before the corresponding receive completes:
 * a plain write made before {@code send} is seen by the goroutine whose {@code tryReceive} took
 * the value. The send never blocks (the buffer has room), and {@code tryReceive} never does, so
 * the race between them is free.
 *
 * <p>Result: (1 if {@code tryReceive} got the value, else 0; plain field read after it).
 */
@JCStressTest
@Outcome(id = "1, 42", expect = ACCEPTABLE, desc = "received, and sees the write before the send")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "tryReceive ran before the send")
@Outcome(id = "0, 42", expect = ACCEPTABLE_INTERESTING, desc = "saw the write, not yet the value")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "received, but the write before the send is lost")
@State
public class SendHappensBeforeReceiveCompletesBuffered {

  final Channel<Integer> ch = Channel.make(1);
  int x;

  @Actor
  public void sender() {
    x = 42;
    Blocking.send(ch, 1);
  }

  @Actor
  public void receiver(II_Result r) {
    Received<Integer> got = ch.tryReceive();
    r.r1 = got == null ? 0 : 1;
    r.r2 = x;
  }
}
