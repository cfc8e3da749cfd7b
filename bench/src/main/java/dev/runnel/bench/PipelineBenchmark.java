package dev.runnel.bench;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.pipeline.Pipeline;
import dev.runnel.sync.WaitGroup;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A three-stage pipeline, {@value #ITEMS} items per invocation, ns per item: a source goroutine,
 * a map on {@value #WORKERS} workers (unordered, and ordered), a filter keeping half, and a sink
 * summing in the calling virtual thread; every channel holds {@value #CAPACITY} items. Runnel's
 * {@link Pipeline} beside the same graph written by hand with Runnel channels and goroutines (Go's
 * form: every send and receive gives up when the context ends, a counter closes the fan-in, a
 * {@link WaitGroup} waits for every goroutine) and with jox channels ({@code done()} closes, no
 * context). jox's own Flows are not in this build's Maven mirror, so they are not measured. The
 * Go twin is the {@code pipeline} workload in {@code bench/go}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PipelineBenchmark {

  static final int ITEMS = 100_000;
  static final int WORKERS = 4;
  static final int CAPACITY = 16;

  /** The map stage's work: a few arithmetic operations and a box, as a tiny real transform. */
  static Integer transform(Integer x) {
    return x * 31 + 7;
  }

  static boolean keep(Integer x) {
    return (x & 1) == 0;
  }

  /** The expected sum, computed once. */
  static final long EXPECTED;

  static {
    long sum = 0;
    for (int i = 0; i < ITEMS; i++) {
      Integer y = transform(Workers.value(i));
      if (keep(y)) {
        sum += y;
      }
    }
    EXPECTED = sum;
  }

  static void check(long sum) {
    if (sum != EXPECTED) {
      throw new AssertionError("sum " + sum + " != " + EXPECTED);
    }
  }

  private static Pipeline<Integer> source() {
    return Pipeline.generate(
        (ctx, out) -> {
          for (int i = 0; i < ITEMS; i++) {
            out.emit(Workers.value(i));
          }
        });
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public void pipeline() {
    Workers.runAll(
        () -> {
          long[] sum = new long[1];
          source()
              .mapParallel(WORKERS, false, PipelineBenchmark::transform)
              .filter(PipelineBenchmark::keep)
              .forEach(Context.background(), x -> sum[0] += x);
          check(sum[0]);
        });
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public void pipelineOrdered() {
    Workers.runAll(
        () -> {
          long[] sum = new long[1];
          source()
              .mapParallel(WORKERS, true, PipelineBenchmark::transform)
              .filter(PipelineBenchmark::keep)
              .forEach(Context.background(), x -> sum[0] += x);
          check(sum[0]);
        });
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public void handWrittenRunnel() {
    Workers.runAll(
        () -> {
          try (CancelContext ctx = Context.withCancel(Context.background())) {
            WaitGroup wg = new WaitGroup();
            Channel<Integer> src = Channel.make(CAPACITY);
            Channel<Integer> mapped = Channel.make(CAPACITY);
            Channel<Integer> kept = Channel.make(CAPACITY);
            wg.add(1 + WORKERS + 1);
            Go.go(
                () -> {
                  try {
                    for (int i = 0; i < ITEMS; i++) {
                      src.send(ctx, Workers.value(i));
                    }
                  } finally {
                    src.close();
                    wg.done();
                  }
                });
            AtomicInteger running = new AtomicInteger(WORKERS);
            for (int w = 0; w < WORKERS; w++) {
              Go.go(
                  () -> {
                    try {
                      for (Integer x; (x = src.receive(ctx)) != null; ) {
                        mapped.send(ctx, transform(x));
                      }
                    } finally {
                      if (running.decrementAndGet() == 0) {
                        mapped.close();
                      }
                      wg.done();
                    }
                  });
            }
            Go.go(
                () -> {
                  try {
                    for (Integer x; (x = mapped.receive(ctx)) != null; ) {
                      if (keep(x)) {
                        kept.send(ctx, x);
                      }
                    }
                  } finally {
                    kept.close();
                    wg.done();
                  }
                });
            long sum = 0;
            for (Integer x; (x = kept.receive(ctx)) != null; ) {
              sum += x;
            }
            ctx.cancel();
            wg.await();
            check(sum);
          }
        });
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public void handWrittenJox() {
    Workers.runAll(
        () -> {
          var src = com.softwaremill.jox.Channel.<Integer>newBufferedChannel(CAPACITY);
          var mapped = com.softwaremill.jox.Channel.<Integer>newBufferedChannel(CAPACITY);
          var kept = com.softwaremill.jox.Channel.<Integer>newBufferedChannel(CAPACITY);
          Thread[] threads = new Thread[1 + WORKERS + 1];
          threads[0] =
              Thread.ofVirtual()
                  .start(
                      () -> {
                        try {
                          for (int i = 0; i < ITEMS; i++) {
                            src.send(Workers.value(i));
                          }
                          src.done();
                        } catch (InterruptedException e) {
                          src.error(e);
                        }
                      });
          AtomicInteger running = new AtomicInteger(WORKERS);
          for (int w = 0; w < WORKERS; w++) {
            threads[1 + w] =
                Thread.ofVirtual()
                    .start(
                        () -> {
                          try {
                            for (Object x;
                                !((x = src.receiveOrClosed())
                                    instanceof com.softwaremill.jox.ChannelClosed); ) {
                              mapped.send(transform((Integer) x));
                            }
                            if (running.decrementAndGet() == 0) {
                              mapped.done();
                            }
                          } catch (InterruptedException e) {
                            mapped.error(e);
                          }
                        });
          }
          threads[1 + WORKERS] =
              Thread.ofVirtual()
                  .start(
                      () -> {
                        try {
                          for (Object x;
                              !((x = mapped.receiveOrClosed())
                                  instanceof com.softwaremill.jox.ChannelClosed); ) {
                            if (keep((Integer) x)) {
                              kept.send((Integer) x);
                            }
                          }
                          kept.done();
                        } catch (InterruptedException e) {
                          kept.error(e);
                        }
                      });
          long sum = 0;
          for (Object x;
              !((x = kept.receiveOrClosed()) instanceof com.softwaremill.jox.ChannelClosed); ) {
            sum += (Integer) x;
          }
          for (Thread t : threads) {
            t.join();
          }
          check(sum);
        });
  }
}
