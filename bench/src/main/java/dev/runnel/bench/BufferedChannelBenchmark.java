package dev.runnel.bench;

import dev.runnel.Channel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
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
 * A capacity-{@value #CAPACITY} buffer between {@code pairs} producers and {@code pairs} consumers,
 * all virtual threads. Reported in messages per second.
 *
 * <p>Each invocation moves {@value #MESSAGES} pre-boxed Integers: every producer sends {@code
 * MESSAGES / pairs} of them and every consumer receives as many. The unbounded {@link
 * LinkedTransferQueue} is there as the JDK's fastest hand-off queue, not as a like-for-like bound.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class BufferedChannelBenchmark {

  static final int CAPACITY = 128;
  static final int MESSAGES = 100_000;

  /** Producers, and as many consumers. */
  @Param({"1", "4"})
  int pairs;

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void runnelChannel() {
    Channel<Integer> ch = Channel.make(CAPACITY);
    run(ch::send, ch::receive);
  }

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void arrayBlockingQueue() {
    ArrayBlockingQueue<Integer> q = new ArrayBlockingQueue<>(CAPACITY);
    run(q::put, q::take);
  }

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void linkedTransferQueue() {
    LinkedTransferQueue<Integer> q = new LinkedTransferQueue<>();
    run(q::put, q::take);
  }

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void joxChannel() {
    com.softwaremill.jox.Channel<Integer> ch = com.softwaremill.jox.Channel.newBufferedChannel(CAPACITY);
    run(ch::send, ch::receive);
  }

  private void run(Workers.Send send, Workers.Receive receive) {
    Workers.producersConsumers(pairs, MESSAGES, send, receive);
  }
}
