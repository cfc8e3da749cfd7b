package dev.runnel.stress.jcstress;

import dev.runnel.Channel;
import dev.runnel.Received;
import dev.runnel.Select;
import dev.runnel.sync.Cond;
import dev.runnel.sync.WaitGroup;
import java.time.Duration;

/**
 * The blocking calls the jcstress actors make, with the {@link InterruptedException} that nobody
 * raises turned into an error (actor methods cannot throw checked exceptions).
 *
 * <p>Every test is built so that each blocking call is matched by an operation of the other
 * actor: no actor can wait forever, whatever the interleaving.
 */
final class Blocking {

  private Blocking() {}

  static void send(Channel<Integer> ch, int v) {
    try {
      ch.send(v);
    } catch (InterruptedException e) {
      throw new AssertionError("nobody interrupts jcstress actors", e);
    }
  }

  static Integer receive(Channel<Integer> ch) {
    try {
      return ch.receive();
    } catch (InterruptedException e) {
      throw new AssertionError("nobody interrupts jcstress actors", e);
    }
  }

  static Received<Integer> receiveOk(Channel<Integer> ch) {
    try {
      return ch.receiveOk();
    } catch (InterruptedException e) {
      throw new AssertionError("nobody interrupts jcstress actors", e);
    }
  }

  static void run(Select select) {
    try {
      select.run();
    } catch (InterruptedException e) {
      throw new AssertionError("nobody interrupts jcstress actors", e);
    }
  }

  static void await(WaitGroup wg) {
    try {
      wg.await();
    } catch (InterruptedException e) {
      throw new AssertionError("nobody interrupts jcstress actors", e);
    }
  }

  static boolean await(Cond cond, Duration timeout) {
    try {
      return cond.await(timeout);
    } catch (InterruptedException e) {
      throw new AssertionError("nobody interrupts jcstress actors", e);
    }
  }
}
