package dev.runnel.testing;

import dev.runnel.Channel;
import dev.runnel.Go;

/**
 * A program for {@link NoCodeChangeDiagnosticsTest} to run in a child JVM: one goroutine waits on a
 * channel nobody sends on, and main waits for it. It has no diagnostics code of its own: whatever
 * reports on it comes from system properties and tools.
 */
final class StuckProgram {

  private StuckProgram() {}

  public static void main(String[] args) throws InterruptedException {
    Channel<String> requests = Channel.make();
    Channel<String> done = Channel.make();
    Go.go(() -> done.send(requests.receive()));
    System.out.println("started");
    System.out.flush();
    done.receive();
  }
}
