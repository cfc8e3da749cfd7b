package dev.runnel.bench;

import dev.runnel.Channel;
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
 * The unbuffered round trip of {@link PingPongBenchmark}, with side A on a platform thread (JMH's
 * own, as a {@code main} thread or a test thread feeding goroutines would be) and side B on a
 * virtual thread. Reported in ns per round trip.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PlatformHandOffBenchmark {

  static final int ROUND_TRIPS = 10_000;
  private static final Integer BALL = Workers.value(0);

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public void runnelChannel() throws Exception {
    Channel<Integer> ping = Channel.make();
    Channel<Integer> pong = Channel.make();
    Thread b = relay(() -> pong.send(ping.receive()));
    for (int i = 0; i < ROUND_TRIPS; i++) {
      ping.send(BALL);
      pong.receive();
    }
    b.join();
  }

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public void synchronousQueue() throws Exception {
    SynchronousQueue<Integer> ping = new SynchronousQueue<>();
    SynchronousQueue<Integer> pong = new SynchronousQueue<>();
    Thread b = relay(() -> pong.put(ping.take()));
    for (int i = 0; i < ROUND_TRIPS; i++) {
      ping.put(BALL);
      pong.take();
    }
    b.join();
  }

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public void joxChannel() throws Exception {
    com.softwaremill.jox.Channel<Integer> ping = com.softwaremill.jox.Channel.newRendezvousChannel();
    com.softwaremill.jox.Channel<Integer> pong = com.softwaremill.jox.Channel.newRendezvousChannel();
    Thread b = relay(() -> pong.send(ping.receive()));
    for (int i = 0; i < ROUND_TRIPS; i++) {
      ping.send(BALL);
      pong.receive();
    }
    b.join();
  }

  /** Side B: a virtual thread that passes {@value #ROUND_TRIPS} balls back. */
  private static Thread relay(Workers.Task passOne) {
    return Thread.ofVirtual()
        .start(
            () -> {
              try {
                for (int i = 0; i < ROUND_TRIPS; i++) {
                  passOne.run();
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
  }
}
