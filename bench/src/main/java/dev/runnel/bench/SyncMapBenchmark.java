package dev.runnel.bench;

import dev.runnel.sync.SyncMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A read-mostly concurrent map: {@value #GOROUTINES} virtual threads on one map of {@value #KEYS}
 * Integer keys, filled before the run. Reported in operations per second.
 *
 * <p>Each invocation does {@value #OPERATIONS} operations, {@value #PER_WORKER} per worker; every
 * 100th is a {@code store}, the others {@code load}s (1% writes), each of a key picked by the
 * worker's own xorshift generator. Every key stays present, so every load must hit, which the
 * workers check. Runnel's {@link SyncMap} (Go's {@code sync.Map}) against the JDK's {@link
 * ConcurrentHashMap} used directly.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SyncMapBenchmark {

  static final int GOROUTINES = 8;
  static final int KEYS = 10_000;
  static final int OPERATIONS = 100_000;
  static final int PER_WORKER = OPERATIONS / GOROUTINES;

  /** The keys, boxed once (outside Integer's cache), so no benchmark measures boxing. */
  private static final Integer[] KEY = new Integer[KEYS];

  static {
    for (int i = 0; i < KEYS; i++) {
      KEY[i] = i + 1_000_000;
    }
  }

  private SyncMap<Integer, Integer> syncMap;
  private ConcurrentHashMap<Integer, Integer> concurrentHashMap;

  /** Seeds the workers' generators; differs per invocation so they do not replay one sequence. */
  private long invocation;

  @Setup(Level.Trial)
  public void fill() {
    syncMap = new SyncMap<>();
    concurrentHashMap = new ConcurrentHashMap<>();
    for (int i = 0; i < KEYS; i++) {
      syncMap.store(KEY[i], Workers.value(i));
      concurrentHashMap.put(KEY[i], Workers.value(i));
    }
  }

  @Benchmark
  @OperationsPerInvocation(OPERATIONS)
  public void syncMap() {
    SyncMap<Integer, Integer> m = syncMap;
    run(m::load, m::store);
  }

  @Benchmark
  @OperationsPerInvocation(OPERATIONS)
  public void concurrentHashMap() {
    ConcurrentHashMap<Integer, Integer> m = concurrentHashMap;
    run(m::get, m::put);
  }

  /** A map read. */
  @FunctionalInterface
  interface Load {
    Integer load(Integer key);
  }

  /** A map write. */
  @FunctionalInterface
  interface Store {
    void store(Integer key, Integer value);
  }

  /**
   * Runs one invocation. Shared by both variants; each benchmark runs in its own fork, so the calls
   * through {@code load} and {@code store} stay monomorphic there.
   */
  private void run(Load load, Store store) {
    long seed = ++invocation * GOROUTINES;
    Workers.Task[] workers = new Workers.Task[GOROUTINES];
    for (int w = 0; w < GOROUTINES; w++) {
      long workerSeed = mix(seed + w);
      workers[w] =
          () -> {
            long x = workerSeed;
            int hits = 0;
            for (int i = 0; i < PER_WORKER; i++) {
              x ^= x << 13; // xorshift64
              x ^= x >>> 7;
              x ^= x << 17;
              Integer key = KEY[(int) (((x >>> 32) * KEYS) >>> 32)]; // high 32 bits onto [0, KEYS)
              if (i % 100 == 0) {
                store.store(key, Workers.value(i));
              } else if (load.load(key) != null) {
                hits++;
              }
            }
            int loads = PER_WORKER - (PER_WORKER + 99) / 100;
            if (hits != loads) {
              throw new AssertionError(hits + " of " + loads + " loads hit");
            }
          };
    }
    Workers.runAll(workers);
  }

  /** SplitMix64's finalizer: turns 1, 2, 3... into well-spread, never-zero xorshift seeds. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    z = z ^ (z >>> 31);
    return z == 0 ? 1 : z;
  }
}
