package dev.runnel.bench;

import dev.runnel.sync.RWMutex;
import dev.runnel.sync.Striped;
import dev.runnel.sync.SyncMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Should Runnel ship the classic Go sharded map (a {@code HashMap} per shard behind a {@link
 * Striped} {@link RWMutex})? Only if it beats {@link SyncMap} (a {@link ConcurrentHashMap}) for
 * some workload. {@value #WORKERS} virtual threads, {@value #KEYS} keys, reads and writes of random
 * keys, {@code writePercent} of them writes. Reported in operations per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ShardedMapBenchmark {

  static final int WORKERS = 8;
  static final int KEYS = 10_000;
  static final int OPS = 1_000_000;

  @Param({"1", "50"})
  int writePercent;

  private final SyncMap<Integer, Integer> syncMap = new SyncMap<>();
  private final ShardedMap<Integer, Integer> sharded = new ShardedMap<>(64);

  /** The keys, boxed once, so that no variant measures boxing. */
  private final Integer[] keys = new Integer[KEYS];

  @Setup
  public void fill() {
    for (int i = 0; i < KEYS; i++) {
      keys[i] = i + 1_000_000; // outside Integer's cache, like real keys
      syncMap.store(keys[i], keys[i]);
      sharded.store(keys[i], keys[i]);
    }
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public void syncMap() {
    run(syncMap::load, syncMap::store);
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public void shardedRWMutexMap() {
    run(sharded::load, sharded::store);
  }

  interface Load {
    Integer load(Integer k);
  }

  interface Store {
    void store(Integer k, Integer v);
  }

  private void run(Load load, Store store) {
    Workers.Task[] tasks = new Workers.Task[WORKERS];
    for (int w = 0; w < WORKERS; w++) {
      int seed = w * 0x9E3779B9 + 1;
      tasks[w] =
          () -> {
            int x = seed;
            long sink = 0;
            for (int i = OPS / WORKERS; i > 0; i--) {
              x ^= x << 13;
              x ^= x >>> 17;
              x ^= x << 5;
              Integer key = keys[Integer.remainderUnsigned(x, KEYS)];
              if (Integer.remainderUnsigned(x >>> 7, 100) < writePercent) {
                store.store(key, key);
              } else {
                Integer v = load.load(key);
                sink += v == null ? 0 : 1;
              }
            }
            if (sink < 0) {
              throw new AssertionError();
            }
          };
    }
    Workers.runAll(tasks);
  }

  /** The classic Go ConcurrentMap: shards of HashMap, each behind a read/write lock. */
  static final class ShardedMap<K, V> {
    private final Striped<RWMutex> locks;
    private final Map<K, V>[] shards;

    @SuppressWarnings("unchecked")
    ShardedMap(int n) {
      locks = Striped.rwMutexes(n);
      shards = new Map[locks.size()];
      for (int i = 0; i < shards.length; i++) {
        shards[i] = new HashMap<>();
      }
    }

    V load(K key) {
      int i = locks.indexOf(key);
      RWMutex l = locks.at(i);
      l.readLock();
      try {
        return shards[i].get(key);
      } finally {
        l.readUnlock();
      }
    }

    void store(K key, V value) {
      int i = locks.indexOf(key);
      RWMutex l = locks.at(i);
      l.lock();
      try {
        shards[i].put(key, value);
      } finally {
        l.unlock();
      }
    }
  }
}
