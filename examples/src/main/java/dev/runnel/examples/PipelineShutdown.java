package dev.runnel.examples;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.ReceiveChannel;
import dev.runnel.Received;
import dev.runnel.Select;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.sync.WaitGroup;
import dev.runnel.time.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Go's pipeline with graceful shutdown: a generator feeds square workers (fan-out),
 * their outputs are merged (fan-in), and a consumer reads the result. Every stage gives up as
 * soon as the context is done, whether it is blocked sending or receiving, so cancelling the one
 * context stops the whole pipeline, and no goroutine is left behind ("never start a goroutine
 * without knowing when it will stop").
 *
 * <p>Run 1 cancels after the consumer has taken a fixed number of items; run 2 lets a 200 ms
 * deadline stop a slow consumer.
 */
public final class PipelineShutdown {

  private PipelineShutdown() {}

  private static final int WORKERS = 3;

  public static void main(String[] args) throws InterruptedException {
    int baseline = Go.numGoroutine();
    System.out.println("Pipeline with graceful shutdown: generator -> "
        + WORKERS + " squarers -> merge -> consumer");

    System.out.println();
    System.out.println("Run 1: the consumer cancels after 10 items");
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Pipeline p = Pipeline.start(ctx);
      List<Integer> got = new ArrayList<>();
      while (got.size() < 10) {
        got.add(p.output().receive(ctx)); // the pipeline is endless: never null here
      }
      System.out.println("  received " + got);
      ctx.cancel(); // Go's cancel(): every stage sees ctx.done() close
      p.awaitStopped();
      p.report();
    }
    awaitBaseline(baseline);

    System.out.println();
    System.out.println("Run 2: a 200 ms deadline stops a slow consumer");
    try (CancelContext ctx = Context.withTimeout(Context.background(), Duration.ofMillis(200))) {
      Pipeline p = Pipeline.start(ctx);
      int count = 0;
      long sum = 0;
      String stoppedBy = "the merged output closed";
      try {
        for (Integer square; (square = p.output().receive(ctx)) != null; ) {
          sum += square;
          count++;
          Time.sleep(ctx, Duration.ofMillis(2)); // slow work, cut short by the deadline too
        }
      } catch (CancellationException e) {
        stoppedBy = e.getMessage(); // ctx.err(): "context deadline exceeded"
      }
      if (ctx.err() != null) {
        // The deadline closed the pipeline: the merged output may have closed before the
        // consumer itself saw the deadline, but the deadline is what stopped it.
        stoppedBy = ctx.err().getMessage();
      }
      System.out.println("  consumer stopped (" + stoppedBy + ") after " + count
          + " items, sum of squares " + sum);
      p.awaitStopped();
      p.report();
    }
    awaitBaseline(baseline);
  }

  /** The stages of one pipeline run, and how far each got. */
  private record Pipeline(
      ReceiveChannel<Integer> output,
      WaitGroup stages,
      AtomicInteger generated,
      AtomicInteger[] squared,
      AtomicInteger forwarded) {

    static Pipeline start(Context ctx) {
      WaitGroup stages = new WaitGroup();
      AtomicInteger generated = new AtomicInteger();
      AtomicInteger forwarded = new AtomicInteger();
      AtomicInteger[] squared = new AtomicInteger[WORKERS];

      ReceiveChannel<Integer> numbers = generate(ctx, stages, generated);
      List<ReceiveChannel<Integer>> outputs = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        squared[w] = new AtomicInteger();
        outputs.add(square(ctx, stages, numbers, squared[w]));
      }
      ReceiveChannel<Integer> merged = merge(ctx, stages, outputs, forwarded);
      return new Pipeline(merged, stages, generated, squared, forwarded);
    }

    /** Waits, at most 5 s, for every stage goroutine to return. */
    void awaitStopped() throws InterruptedException {
      try (CancelContext limit = Context.withTimeout(Context.background(), Duration.ofSeconds(5))) {
        stages.await(limit); // WaitGroup.await(ctx): Go's select on wg-done and ctx.Done()
      }
    }

    void report() {
      StringBuilder workers = new StringBuilder();
      for (AtomicInteger n : squared) {
        workers.append(workers.isEmpty() ? "" : ", ").append(n.get());
      }
      System.out.println("  stages stopped: generated " + generated.get() + ", squared ["
          + workers + "], merged " + forwarded.get());
    }
  }

  /** Sends 1, 2, 3, ... until the context is done; closes its output on the way out. */
  private static ReceiveChannel<Integer> generate(
      Context ctx, WaitGroup stages, AtomicInteger generated) {
    Channel<Integer> out = Channel.make();
    stages.go(() -> {
      try {
        for (int n = 1; ; n++) {
          out.send(ctx, n); // Go: select { case out <- n: case <-ctx.Done(): return }
          generated.incrementAndGet();
        }
      } catch (CancellationException stop) {
        // the context is done: stop producing
      } finally {
        out.close(); // whoever creates the channel closes it
      }
    });
    return out;
  }

  /** Squares what it receives until the input closes or the context is done. */
  private static ReceiveChannel<Integer> square(
      Context ctx, WaitGroup stages, ReceiveChannel<Integer> in, AtomicInteger squared) {
    Channel<Integer> out = Channel.make();
    stages.go(() -> {
      try {
        for (Integer n; (n = in.receive(ctx)) != null; ) {
          out.send(ctx, n * n);
          squared.incrementAndGet();
        }
      } catch (CancellationException stop) {
        // the context is done
      } finally {
        out.close();
      }
    });
    return out;
  }

  /**
   * Fan-in: one forwarding goroutine per input, each selecting between its send and {@code
   * ctx.done()}; a last goroutine closes the merged channel once all forwarders have returned.
   */
  private static ReceiveChannel<Integer> merge(
      Context ctx,
      WaitGroup stages,
      List<ReceiveChannel<Integer>> inputs,
      AtomicInteger forwarded) {
    Channel<Integer> out = Channel.make();
    WaitGroup forwarders = new WaitGroup();
    for (ReceiveChannel<Integer> in : inputs) {
      forwarders.add(1);
      stages.go(() -> {
        try {
          for (;;) {
            // Go: select { case v, ok := <-in: ...; case <-ctx.Done(): return }
            Received<Integer> r = Select.<Received<Integer>>expression()
                .onReceiveOk(in, received -> received)
                .onReceiveOk(ctx.done(), done -> null)
                .run();
            if (r == null || !r.ok()) {
              return; // cancelled, or the input is closed and drained
            }
            // Go: select { case out <- v: case <-ctx.Done(): return }
            boolean sent = Select.<Boolean>expression()
                .onSend(out, r.value(), () -> true)
                .onReceive(ctx.done(), done -> false)
                .run();
            if (!sent) {
              return;
            }
            forwarded.incrementAndGet();
          }
        } finally {
          forwarders.done();
        }
      });
    }
    stages.go(() -> {
      forwarders.await();
      out.close();
    });
    return out;
  }

  /**
   * Waits (briefly) until the goroutine count is back to what it was, and says so: a goroutine
   * counts until its thread returns, a moment after its last {@code done()}.
   */
  private static void awaitBaseline(int baseline) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (Go.numGoroutine() > baseline && System.nanoTime() - deadline < 0) {
      Time.sleep(Duration.ofMillis(1));
    }
    int now = Go.numGoroutine();
    System.out.println("  goroutines: " + now + " (baseline " + baseline + ")"
        + (now == baseline ? ": none left behind" : ": LEAKED " + (now - baseline)));
  }
}
