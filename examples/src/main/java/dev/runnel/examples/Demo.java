package dev.runnel.examples;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.ReceiveChannel;
import dev.runnel.Select;
import java.time.Duration;

/**
 * Runnel's main demo (for now): goroutines, channels and select at work in a small pipeline.
 *
 * <p>A generator goroutine emits numbers; three worker goroutines square them (fan-out); a select
 * loop merges their results with a ticker-like heartbeat channel and a quit channel (fan-in), and
 * stops when every worker has closed its output.
 */
public final class Demo {

  private Demo() {}

  public static void main(String[] args) throws InterruptedException {
    System.out.println("Runnel demo: goroutines, channels and select");
    System.out.println();

    ReceiveChannel<Integer> numbers = generate(1, 12);

    // Fan-out: three workers read from the same channel; each closes its own output when done.
    @SuppressWarnings("unchecked")
    Channel<String>[] outputs = new Channel[3];
    for (int w = 0; w < outputs.length; w++) {
      Channel<String> out = Channel.make();
      outputs[w] = out;
      String name = "worker-" + (w + 1);
      Go.go(() -> {
        for (int n : numbers) { // Go's: for n := range numbers
          out.send(name + ": " + n + "^2 = " + n * n);
        }
        out.close();
      });
    }

    // A heartbeat every 5 ms until told to stop, and a channel to stop it.
    Channel<Integer> heartbeat = Channel.make(1);
    Channel<Boolean> stopHeartbeat = Channel.make();
    Go.go(() -> {
      int beat = 0;
      while (stopHeartbeat.receive(Duration.ofMillis(5)) == null) { // null: timed out
        heartbeat.trySend(++beat); // drop a beat rather than block, like a Go ticker
      }
      heartbeat.close();
    });

    // Fan-in with select: whichever channel is ready first; a closed output is set to null,
    // Go's trick of setting a finished channel to nil so its case is never ready again.
    int[] open = {outputs.length};
    int[] results = {0};
    int[] beats = {0};
    while (open[0] > 0) {
      Select select = Select.select();
      for (int w = 0; w < outputs.length; w++) {
        int index = w;
        select.onReceiveOk(outputs[w], r -> {
          if (r.ok()) {
            results[0]++;
            System.out.println("  " + r.value());
          } else {
            outputs[index] = null;
            open[0]--;
          }
        });
      }
      select.onReceive(heartbeat, beat -> beats[0]++);
      select.run();
    }
    stopHeartbeat.send(true); // returns once the heartbeat goroutine has taken it
    for (int ignored : heartbeat) {
      // drain: the loop ends when the heartbeat goroutine closes its channel on the way out
    }

    System.out.println();
    System.out.printf("%d results from %d workers; %d heartbeats seen while waiting.%n",
        results[0], outputs.length, beats[0]);
    System.out.println("Every goroutine has finished its work and closed its channel.");
  }

  /** Go's generator pattern: a goroutine that sends from..to on a channel, then closes it. */
  static ReceiveChannel<Integer> generate(int from, int to) {
    Channel<Integer> out = Channel.make();
    Go.go(() -> {
      for (int i = from; i <= to; i++) {
        out.send(i);
      }
      out.close();
    });
    return out;
  }
}
