package dev.runnel.time;

import dev.runnel.Go;
import dev.runnel.ReceiveChannel;
import dev.runnel.internal.TimeSource;
import dev.runnel.internal.TimerHandle;
import dev.runnel.internal.TimerTask;
import java.time.Instant;

/**
 * An {@code afterFunc} timer: queued while armed, and firing starts the function in a goroutine.
 * Its state is its place in the clock's queue, so stop and reset are one queue operation each.
 */
final class FuncTimer extends TimerTask implements TimerHandle {

  private final TimeSource time;
  private final Runnable f;

  FuncTimer(TimeSource time, Runnable f) {
    this.time = time;
    this.f = f;
  }

  @Override
  public void fire(long now) {
    Go.go(f::run);
  }

  @Override
  public ReceiveChannel<Instant> channel() {
    return null;
  }

  @Override
  public boolean stop() {
    return time.queue().cancel(this);
  }

  @Override
  public boolean reset(long when, long period) {
    return time.queue().schedule(this, when);
  }
}
