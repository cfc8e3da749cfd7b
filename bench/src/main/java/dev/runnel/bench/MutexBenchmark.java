package dev.runnel.bench;

import dev.runnel.sync.Mutex;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
 * A lock around a counter increment, uncontended and contended.
 *
 * <p>Uncontended ({@code uncontended*}, ns per lock/increment/unlock): one thread, the JMH
 * thread, locks and unlocks a lock no one else touches, one pair per benchmark call. This is the
 * fast path alone (one CAS in, one release out), which does not depend on the kind of thread.
 *
 * <p>Contended ({@code contended*}, lock/increment/unlock per second): each invocation starts
 * {@code goroutines} virtual threads that together increment one counter {@value #INCREMENTS}
 * times, each doing its share as {@code lock(); counter++; unlock()} with nothing between the
 * unlock and the next lock, the worst case for hand-off. The fair {@link ReentrantLock} is there as
 * the queue-order extreme; Go's {@code sync.Mutex}, like Runnel's, lets a running goroutine barge
 * and switches to hand-off only for a waiter starved more than 1 ms ({@link MutexStarvation}
 * measures that side).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MutexBenchmark {

  static final int INCREMENTS = 1_000_000;

  /** The uncontended locks and their counter: one per JMH thread, so never shared. */
  @State(Scope.Thread)
  public static class Uncontended {
    final Mutex mutex = new Mutex();
    final ReentrantLock reentrantLock = new ReentrantLock();
    int counter;
  }

  /** The contended runs' parameter; the locks are made new in every invocation. */
  @State(Scope.Benchmark)
  public static class Contended {
    /** Virtual threads incrementing the one counter. */
    @Param({"2", "8"})
    int goroutines;
  }

  // ---------------------------------------------------------------- uncontended, ns per operation

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public int uncontendedMutex(Uncontended s) {
    s.mutex.lock();
    try {
      return ++s.counter;
    } finally {
      s.mutex.unlock();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public int uncontendedReentrantLock(Uncontended s) {
    s.reentrantLock.lock();
    try {
      return ++s.counter;
    } finally {
      s.reentrantLock.unlock();
    }
  }

  // ---------------------------------------------------------------- contended, operations per second

  @Benchmark
  @OperationsPerInvocation(INCREMENTS)
  public void contendedMutex(Contended s) {
    Mutex mutex = new Mutex();
    contend(s.goroutines, mutex::lock, mutex::unlock);
  }

  @Benchmark
  @OperationsPerInvocation(INCREMENTS)
  public void contendedReentrantLock(Contended s) {
    ReentrantLock lock = new ReentrantLock();
    contend(s.goroutines, lock::lock, lock::unlock);
  }

  @Benchmark
  @OperationsPerInvocation(INCREMENTS)
  public void contendedFairReentrantLock(Contended s) {
    ReentrantLock lock = new ReentrantLock(true);
    contend(s.goroutines, lock::lock, lock::unlock);
  }

  /** The counter the contended runs share, guarded by the lock under test. */
  private static final class Counter {
    int value;
  }

  /**
   * Runs one contended invocation. Shared by all variants; each benchmark runs in its own fork, so
   * the calls through {@code lock} and {@code unlock} stay monomorphic there.
   */
  private static void contend(int goroutines, Runnable lock, Runnable unlock) {
    Counter counter = new Counter();
    int perWorker = INCREMENTS / goroutines;
    Workers.Task[] workers = new Workers.Task[goroutines];
    // All start together: a worker that ran its share before the others started would measure
    // an uncontended lock.
    CountDownLatch started = new CountDownLatch(goroutines);
    for (int w = 0; w < goroutines; w++) {
      workers[w] =
          () -> {
            started.countDown();
            started.await();
            for (int i = 0; i < perWorker; i++) {
              lock.run();
              counter.value++;
              unlock.run();
            }
          };
    }
    Workers.runAll(workers);
    if (counter.value != perWorker * goroutines) { // the join made every increment visible here
      throw new AssertionError("counter " + counter.value + ", expected " + perWorker * goroutines);
    }
  }
}
