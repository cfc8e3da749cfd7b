package dev.runnel.time;

import dev.runnel.internal.TimerTask;
import dev.runnel.internal.Waiter;

/** A sleeping goroutine's timer: firing completes its waiter. */
final class Sleeper extends TimerTask {

  /** The completion token of a sleep that ran its full length. */
  static final Object WOKEN = new Object();

  private final Waiter waiter;

  Sleeper(Waiter waiter) {
    this.waiter = waiter;
  }

  @Override
  public void fire(long now) {
    waiter.completeAndWake(WOKEN);
  }
}
