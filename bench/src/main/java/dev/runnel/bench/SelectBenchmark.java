package dev.runnel.bench;

import static dev.runnel.bench.Workers.runAll;

import dev.runnel.Channel;
import dev.runnel.Select;
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
 * One consumer selects in a loop over two channels, each fed by its own producer; all three are
 * virtual threads. Reported in messages per second received by the consumer.
 *
 * <p>Each invocation moves {@value #MESSAGES} pre-boxed Integers, half from each producer. The JDK
 * has no select: its nearest equivalent, {@link #jdkMergedQueue}, lets both producers put into one
 * queue (a {@link SynchronousQueue} for capacity 0) that the consumer takes from.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SelectBenchmark {

  static final int MESSAGES = 100_000;
  private static final int PER_PRODUCER = MESSAGES / 2;

  /** Capacity of each channel; 0 = unbuffered. */
  @Param({"0", "128"})
  int capacity;

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void runnelSelect() {
    Channel<Integer> ch1 = Channel.make(capacity);
    Channel<Integer> ch2 = Channel.make(capacity);
    runAll(
        () -> produce(ch1::send),
        () -> produce(ch2::send),
        () -> {
          int[] received = new int[1];
          Select select =
              Select.select().onReceive(ch1, v -> received[0]++).onReceive(ch2, v -> received[0]++);
          for (int i = 0; i < MESSAGES; i++) {
            select.run();
          }
          check(received[0]);
        });
  }

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void joxSelect() {
    com.softwaremill.jox.Channel<Integer> ch1 = joxChannel();
    com.softwaremill.jox.Channel<Integer> ch2 = joxChannel();
    runAll(
        () -> produce(ch1::send),
        () -> produce(ch2::send),
        () -> {
          int received = 0;
          for (int i = 0; i < MESSAGES; i++) {
            if (com.softwaremill.jox.Select.select(ch1.receiveClause(), ch2.receiveClause()) != null) {
              received++;
            }
          }
          check(received);
        });
  }

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void jdkMergedQueue() {
    BlockingQueue<Integer> q =
        capacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(capacity);
    runAll(
        () -> produce(q::put),
        () -> produce(q::put),
        () -> {
          for (int i = 0; i < MESSAGES; i++) {
            q.take();
          }
        });
  }

  private com.softwaremill.jox.Channel<Integer> joxChannel() {
    return capacity == 0
        ? com.softwaremill.jox.Channel.newRendezvousChannel()
        : com.softwaremill.jox.Channel.newBufferedChannel(capacity);
  }

  /** A blocking send. */
  @FunctionalInterface
  interface Send {
    void send(Integer e) throws InterruptedException;
  }

  private static void produce(Send send) throws InterruptedException {
    for (int i = 0; i < PER_PRODUCER; i++) {
      send.send(Workers.value(i));
    }
  }

  private static void check(int received) {
    if (received != MESSAGES) {
      throw new AssertionError("received " + received + " of " + MESSAGES);
    }
  }
}
