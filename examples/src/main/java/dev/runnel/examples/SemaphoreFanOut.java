package dev.runnel.examples;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.ReceiveChannel;
import dev.runnel.context.Context;
import dev.runnel.semaphore.WeightedSemaphore;
import dev.runnel.time.Time;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pipeline stage bounded by a semaphore rather than a worker pool: instead of a fixed
 * pool of workers, the stage ranges over its input and starts one goroutine per value, with a
 * {@link WeightedSemaphore} of size N bounding how many run at once. One input value costs one
 * goroutine, not N; a burst never runs more than N. To close the output, the stage acquires the
 * whole semaphore, which it can only do once every worker has released its unit (the semaphore
 * package's own worker-pool example).
 */
public final class SemaphoreFanOut {

  private SemaphoreFanOut() {}

  private static final int MAX_WORKERS = Runtime.getRuntime().availableProcessors();

  public static void main(String[] args) throws InterruptedException {
    for (int n : new int[] {1, 20}) {
      AtomicInteger running = new AtomicInteger();
      AtomicInteger peak = new AtomicInteger();
      long sum = 0;
      for (int square : squares(numbers(n), running, peak)) {
        sum += square;
      }
      System.out.printf(
          "%2d inputs: sum of squares %d, at most %d of %d workers at once%n",
          n, sum, peak.get(), MAX_WORKERS);
    }
  }

  private static ReceiveChannel<Integer> numbers(int n) {
    Channel<Integer> out = Channel.make();
    Go.go(
        () -> {
          for (int i = 1; i <= n; i++) {
            out.send(i);
          }
          out.close();
        });
    return out;
  }

  /** One goroutine per input value, at most MAX_WORKERS at once. */
  private static ReceiveChannel<Integer> squares(
      ReceiveChannel<Integer> in, AtomicInteger running, AtomicInteger peak) {
    Channel<Integer> out = Channel.make();
    WeightedSemaphore sem = new WeightedSemaphore(MAX_WORKERS);
    Context ctx = Context.background();
    Go.go(
        () -> {
          for (int v : in) {
            sem.acquire(ctx, 1); // waits while MAX_WORKERS are busy
            Go.go(
                () -> {
                  try {
                    peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                    Time.sleep(Duration.ofMillis(2)); // the work
                    running.decrementAndGet();
                    out.send(v * v);
                  } finally {
                    sem.release(1);
                  }
                });
          }
          sem.acquire(ctx, MAX_WORKERS); // every worker has released: nobody sends any more
          out.close();
        });
    return out;
  }
}
