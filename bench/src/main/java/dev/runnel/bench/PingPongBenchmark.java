package dev.runnel.bench;

import static dev.runnel.bench.Workers.runAll;

import dev.runnel.Channel;
import java.util.concurrent.Exchanger;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Unbuffered round trip between two virtual threads: A sends on {@code ping}, B receives it and
 * sends it back on {@code pong}, A receives it. Reported in ns per round trip.
 *
 * <p>Each invocation starts A and B and runs {@value #ROUND_TRIPS} round trips. Go's number for
 * the same loop ({@code bench/go}, unbuffered {@code chan int}) is the target.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PingPongBenchmark {

  static final int ROUND_TRIPS = 10_000;
  private static final Integer BALL = Workers.value(0);

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public void runnelChannel() {
    runnelRoundTrips();
  }

  /** {@value #ROUND_TRIPS} round trips over two unbuffered Runnel channels; shared with others. */
  static void runnelRoundTrips() {
    Channel<Integer> ping = Channel.make();
    Channel<Integer> pong = Channel.make();
    runAll(
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            ping.send(BALL);
            pong.receive();
          }
        },
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            pong.send(ping.receive());
          }
        });
  }

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public void synchronousQueue() {
    SynchronousQueue<Integer> ping = new SynchronousQueue<>();
    SynchronousQueue<Integer> pong = new SynchronousQueue<>();
    runAll(
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            ping.put(BALL);
            pong.take();
          }
        },
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            pong.put(ping.take());
          }
        });
  }

  /** One exchanger per direction; the side that only receives offers null. */
  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public void exchanger() {
    Exchanger<Integer> ping = new Exchanger<>();
    Exchanger<Integer> pong = new Exchanger<>();
    runAll(
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            ping.exchange(BALL);
            pong.exchange(null);
          }
        },
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            pong.exchange(ping.exchange(null));
          }
        });
  }

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public void linkedTransferQueue() {
    LinkedTransferQueue<Integer> ping = new LinkedTransferQueue<>();
    LinkedTransferQueue<Integer> pong = new LinkedTransferQueue<>();
    runAll(
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            ping.transfer(BALL);
            pong.take();
          }
        },
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            pong.transfer(ping.take());
          }
        });
  }

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public void joxChannel() {
    com.softwaremill.jox.Channel<Integer> ping = com.softwaremill.jox.Channel.newRendezvousChannel();
    com.softwaremill.jox.Channel<Integer> pong = com.softwaremill.jox.Channel.newRendezvousChannel();
    runAll(
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            ping.send(BALL);
            pong.receive();
          }
        },
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            pong.send(ping.receive());
          }
        });
  }
}
