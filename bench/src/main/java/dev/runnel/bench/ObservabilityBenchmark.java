package dev.runnel.bench;

import dev.runnel.Go;
import dev.runnel.debug.DeadlockDetector;
import dev.runnel.debug.GoroutineDump;
import dev.runnel.debug.LockOrderDetector;
import dev.runnel.debug.LongWaitDetector;
import dev.runnel.sync.Mutex;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What observability costs: each detector on against off, on the operations it touches, and the
 * goroutine registry's share of a goroutine start.
 *
 * <p>{@code detector}: {@code off} (every detector disabled: the cost Runnel pays always),
 * {@code lockOrder} ({@code LockOrderDetector}), {@code longWait} ({@code LongWaitDetector} at a
 * 1 s threshold), {@code deadlock} ({@code DeadlockDetector} at its 100 ms interval), {@code
 * creationStacks} (creation stacks recorded).
 *
 * <ul>
 *   <li>{@code uncontendedMutex}: lock, increment, unlock on one thread, ns per operation.
 *   <li>{@code pingPong}: an unbuffered channel round trip between two goroutines, ns per round
 *       trip ({@link PingPongBenchmark}'s loop).
 *   <li>{@code goStart}: {@code Go.go} of an empty body and its end, ns per goroutine, against
 *       {@code threadStart}, a bare virtual thread: the registry's cost is the difference.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ObservabilityBenchmark {

  static final int STARTS = 10_000;

  /** The detector under test, enabled for the whole trial. */
  @State(Scope.Benchmark)
  public static class Detectors {
    @Param({"off", "lockOrder", "longWait", "deadlock", "creationStacks"})
    String detector;

    @Setup(Level.Trial)
    public void enable() {
      switch (detector) {
        case "off" -> {}
        case "lockOrder" -> LockOrderDetector.enable(v -> {});
        case "longWait" -> LongWaitDetector.enable(Duration.ofSeconds(1), w -> {});
        case "deadlock" -> DeadlockDetector.enable(DeadlockDetector.DEFAULT_INTERVAL, r -> {});
        case "creationStacks" -> GoroutineDump.recordCreationStacks(true);
        default -> throw new IllegalArgumentException(detector);
      }
    }

    @TearDown(Level.Trial)
    public void disable() {
      LockOrderDetector.disable();
      LongWaitDetector.disable();
      DeadlockDetector.disable();
      GoroutineDump.recordCreationStacks(false);
    }
  }

  /** One thread's mutex and counter. */
  @State(Scope.Thread)
  public static class Uncontended {
    final Mutex mutex = new Mutex();
    int counter;
  }

  @Benchmark
  public int uncontendedMutex(Detectors d, Uncontended s) {
    s.mutex.lock();
    try {
      return ++s.counter;
    } finally {
      s.mutex.unlock();
    }
  }

  @Benchmark
  @OperationsPerInvocation(PingPongBenchmark.ROUND_TRIPS)
  public void pingPong(Detectors d) {
    PingPongBenchmark.runnelRoundTrips();
  }

  @Benchmark
  @OperationsPerInvocation(STARTS)
  public void goStart(Detectors d) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(STARTS);
    for (int i = 0; i < STARTS; i++) {
      Go.go(done::countDown);
    }
    done.await();
  }

  @Benchmark
  @OperationsPerInvocation(STARTS)
  public void threadStart(Detectors d) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(STARTS);
    for (int i = 0; i < STARTS; i++) {
      Thread.ofVirtual().start(done::countDown);
    }
    done.await();
  }
}
