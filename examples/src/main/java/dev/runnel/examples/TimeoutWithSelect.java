package dev.runnel.examples;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.Select;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.time.Ticker;
import dev.runnel.time.Time;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;

/**
 * Three ways to bound a wait, with Go's timers and contexts:
 *
 * <ol>
 *   <li>the classic {@code select} between a result and {@code time.After};
 *   <li>a per-request timeout with {@code context.WithTimeout}, which also stops the work;
 *   <li>a ticker-driven loop that a context stops, with the ticker stopped on the way out.
 * </ol>
 *
 * Each timeout is far (at least 40 times) from the work it bounds, so the story holds on a busy
 * machine: fast work takes 10 ms against a 400 ms timeout, and slow work could never finish
 * before it. The program ends in about a second.
 */
public final class TimeoutWithSelect {

  private TimeoutWithSelect() {}

  public static void main(String[] args) throws InterruptedException {
    int baseline = Go.numGoroutine();
    selectWithTimeAfter();
    perRequestTimeout();
    tickerStoppedByContext();
    awaitBaseline(baseline);
  }

  /** 1. select { case r := <-result: ...; case <-time.After(d): ... }. */
  private static void selectWithTimeAfter() throws InterruptedException {
    System.out.println("1. select with Time.after");
    for (int workMillis : new int[] {10, 800}) {
      // Capacity 1: a worker that finishes after the timeout can still send and end, instead of
      // blocking forever on a channel nobody reads (a goroutine leak).
      Channel<String> result = Channel.make(1);
      Go.go(() -> {
        Time.sleep(Duration.ofMillis(workMillis));
        result.send("done in " + workMillis + " ms");
      });
      String outcome = Select.<String>expression()
          .onReceive(result, r -> "result: " + r)
          .onReceive(Time.after(Duration.ofMillis(400)), t -> "timed out after 400 ms")
          .run();
      System.out.println("   work of " + workMillis + " ms -> " + outcome);
    }
    // A Time.after that lost its select is garbage as soon as nobody references it (Go 1.23
    // timers), so Go's old "time.After in a for-select loop" leak does not happen here.
  }

  /** 2. ctx, cancel := context.WithTimeout(parent, d); defer cancel(); r, err := fetch(ctx). */
  private static void perRequestTimeout() throws InterruptedException {
    System.out.println("2. per-request timeout with Context.withTimeout (400 ms each)");
    Context parent = Context.background();
    for (int latencyMillis : new int[] {10, 5_000}) {
      Instant start = Time.now();
      try (CancelContext ctx = Context.withTimeout(parent, Duration.ofMillis(400))) {
        String response = fetch(ctx, latencyMillis);
        System.out.println("   request of " + latencyMillis + " ms -> " + response);
      } catch (CancellationException e) {
        System.out.println("   request of " + latencyMillis + " ms -> " + e.getMessage()
            + " after ~" + Time.since(start).toMillis() + " ms");
      }
    }
  }

  /**
   * A simulated remote call: the work runs in its own goroutine and honours the context too
   * ({@code Time.sleep(ctx, d)}), so a timed-out request stops its work instead of leaking it.
   */
  private static String fetch(Context ctx, int latencyMillis) throws InterruptedException {
    Channel<String> reply = Channel.make(1);
    Go.go(() -> {
      try {
        Time.sleep(ctx, Duration.ofMillis(latencyMillis)); // the "network"
        reply.send("200 OK after " + latencyMillis + " ms");
      } catch (CancellationException abandoned) {
        // the caller gave up: so do we
      }
    });
    return reply.receive(ctx); // throws DeadlineExceededException when the 400 ms are up
  }

  /** 3. for { select { case t := <-ticker.C: ...; case <-ctx.Done(): return } }. */
  private static void tickerStoppedByContext() throws InterruptedException {
    System.out.println("3. ticker loop stopped by a context");
    Channel<Integer> beats = Channel.make();
    Channel<String> finished = Channel.make(1);
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Go.go(() -> {
        Ticker ticker = Time.newTicker(Duration.ofMillis(10));
        int[] n = {0};
        boolean[] running = {true};
        try {
          Select loop = Select.select()
              .onReceive(ticker.c(), t -> n[0]++)
              .onReceive(ctx.done(), done -> running[0] = false);
          while (running[0]) {
            loop.run();
            if (running[0] && n[0] > 0) {
              beats.send(ctx, n[0]); // report the tick, or give up if cancelled meanwhile
            }
          }
        } catch (CancellationException cancelled) {
          // cancelled while reporting
        } finally {
          ticker.stop(); // Go: defer ticker.Stop()
          finished.send("ticker stopped after " + n[0] + " ticks");
        }
      });
      for (int i = 0; i < 3; i++) {
        System.out.println("   tick " + beats.receive(ctx));
      }
      ctx.cancel(); // enough: stop the loop
      System.out.println("   " + finished.receive());
    }
  }

  /** Waits briefly for the goroutine count to return to {@code baseline}, and says so. */
  private static void awaitBaseline(int baseline) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (Go.numGoroutine() > baseline && System.nanoTime() - deadline < 0) {
      Time.sleep(Duration.ofMillis(1));
    }
    int now = Go.numGoroutine();
    System.out.println("goroutines: " + now + " (baseline " + baseline + ")"
        + (now == baseline ? ": none left behind" : ": LEAKED " + (now - baseline)));
  }
}
