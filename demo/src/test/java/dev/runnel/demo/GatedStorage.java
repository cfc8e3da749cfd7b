package dev.runnel.demo;

import dev.runnel.Channel;
import dev.runnel.context.Context;
import java.io.IOException;

/** Storage whose writes wait until the test opens the gate (or the write's context ends). */
final class GatedStorage implements Storage {

  private final Storage inner;
  private final Channel<Void> open = Channel.make();

  GatedStorage(Storage inner) {
    this.inner = inner;
  }

  @Override
  public void write(Context ctx, String name, byte[] bytes)
      throws IOException, InterruptedException {
    open.receive(ctx);
    inner.write(ctx, name, bytes);
  }

  /** Lets every write through, now and later. */
  void open() {
    if (open.tryReceive() == null) {
      open.close();
    }
  }
}
