package dev.runnel.bench;

import dev.runnel.Channel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Channel throughput across a grid: {@code n} senders and {@code n} receivers (1 to 1,000 each
 * side, all virtual threads) on one channel of capacity 0, 1, 16, 128 or 1024. Reported in
 * messages per second; {@link ScalingChart} turns the JMH result file, with Go's {@code -workload
 * scaling} output beside it, into a table and a chart.
 *
 * <p>Each invocation moves {@value #MESSAGES} pre-boxed Integers: every sender sends {@code
 * MESSAGES / n} of them and every receiver receives as many (the count divides by every {@code
 * n}). The baseline is {@link ArrayBlockingQueue} of the same capacity; {@code ArrayBlockingQueue}
 * refuses capacity 0, so at capacity 0 the baseline is {@link SynchronousQueue}, the JDK's
 * rendezvous hand-off, which is what an unbuffered channel is.
 *
 * <p>The defaults are short (2 warm-up and 5 measured iterations of 1 s) because the grid has 40
 * points per benchmark.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ScalingBenchmark {

  static final int MESSAGES = 100_000;

  /** Senders, and as many receivers. */
  @Param({"1", "10", "100", "1000"})
  int n;

  /** The channel's buffer; 0 is unbuffered (a rendezvous). */
  @Param({"0", "1", "16", "128", "1024"})
  int capacity;

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void runnel() {
    Channel<Integer> ch = Channel.make(capacity);
    run(ch::send, ch::receive);
  }

  /** {@code ArrayBlockingQueue(capacity)}, or a {@code SynchronousQueue} at capacity 0. */
  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void jdk() {
    BlockingQueue<Integer> q =
        capacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(capacity);
    run(q::put, q::take);
  }

  private void run(Workers.Send send, Workers.Receive receive) {
    Workers.producersConsumers(n, MESSAGES, send, receive);
  }
}
