package dev.runnel.testkit;

import static dev.runnel.testkit.Threads.eventually;

import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cancelling side of a race, in one of three orders chosen by the round: the test thread
 * cancels just before its own operation (the operation then meets a waiter that is cancelled
 * but perhaps not yet gone from the queue), just after it (the cancellation then meets a
 * completed waiter), or another thread races it: that thread spins (never parks, so it is
 * running) until {@link #go}, and each side then waits a random few hundred nanoseconds.
 */
public final class Racer {
  private static final int JITTER = 400;

  private final int order;
  private final Runnable action;
  private final AtomicInteger gate = new AtomicInteger();
  private Task<Void> task;

  private Racer(int order, Runnable action) {
    this.order = order;
    this.action = action;
  }

  public static Racer start(Runner runner, int round, Runnable action) {
    Racer r = new Racer(round % 3, action);
    if (r.order == 2) {
      r.task =
          runner.run(
              () -> {
                r.gate.set(1);
                while (r.gate.get() != 2) {
                  Thread.onSpinWait();
                }
                jitter();
                action.run();
              });
      eventually("the racer is ready", () -> r.gate.get() == 1);
    }
    return r;
  }

  /** Call right before the operation that races the cancellation. */
  public void go() {
    if (order == 0) {
      action.run();
    } else if (order == 2) {
      gate.set(2);
      jitter();
    }
  }

  /** Call right after that operation. */
  public void join() throws Exception {
    if (order == 1) {
      action.run();
    } else if (order == 2) {
      task.join();
    }
  }

  private static void jitter() {
    for (int i = ThreadLocalRandom.current().nextInt(JITTER); i > 0; i--) {
      Thread.onSpinWait();
    }
  }
}
