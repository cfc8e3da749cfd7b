package dev.runnel.bench;

import dev.runnel.context.Context;
import dev.runnel.pool.Lease;
import dev.runnel.pool.ResourcePool;
import java.util.concurrent.TimeUnit;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import stormpot.Allocator;
import stormpot.BasePoolable;
import stormpot.Pool;
import stormpot.PoolTap;
import stormpot.Slot;
import stormpot.Timeout;

/**
 * One acquire and one release of a pooled object, from 1 and from 16 JMH threads (platform
 * threads, the same for every pool) sharing a pool of {@value #SIZE} objects, so that with 16
 * threads half of them wait: ns per acquire-release pair. Runnel's {@link ResourcePool} (its
 * defaults: validation on borrow with a factory whose check is trivial); Commons Pool 2's {@link
 * GenericObjectPool} (its defaults: LIFO, blocking when exhausted, no validation); Stormpot's pool
 * through its default tap (thread-local claim caching, its fastest path on platform threads) and
 * through its virtual-thread-safe tap. Every pool is full before measuring.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ResourcePoolBenchmark {

  static final int SIZE = 8;

  /** The pooled thing: an object with a field, as cheap to make as possible. */
  public static final class Thing {
    /** A value the benchmark reads, so the object is used. */
    public final int value;

    Thing(int value) {
      this.value = value;
    }
  }

  /** The same for Stormpot, whose objects carry their slot. */
  public static final class StormThing extends BasePoolable {
    /** A value the benchmark reads, so the object is used. */
    public final int value;

    StormThing(Slot slot, int value) {
      super(slot);
      this.value = value;
    }
  }

  /** The three pools, shared by all threads of a run. */
  @State(Scope.Benchmark)
  public static class Pools {
    ResourcePool<Thing> runnel;
    GenericObjectPool<Thing> commons;
    Pool<StormThing> stormpot;
    PoolTap<StormThing> stormpotVirtualTap;
    final Timeout forever = new Timeout(1, TimeUnit.HOURS);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      runnel = ResourcePool.builder((Context ctx) -> new Thing(1)).maxSize(SIZE).build();
      commons =
          new GenericObjectPool<>(
              new BasePooledObjectFactory<>() {
                @Override
                public Thing create() {
                  return new Thing(1);
                }

                @Override
                public PooledObject<Thing> wrap(Thing t) {
                  return new DefaultPooledObject<>(t);
                }
              });
      commons.setMaxTotal(SIZE);
      commons.setMaxIdle(SIZE);
      stormpot =
          Pool.from(
                  new Allocator<StormThing>() {
                    @Override
                    public StormThing allocate(Slot slot) {
                      return new StormThing(slot, 1);
                    }

                    @Override
                    public void deallocate(StormThing t) {}
                  })
              .setSize(SIZE)
              .build();
      stormpotVirtualTap = stormpot.getVirtualThreadSafeTap();
      Lease<?>[] leases = new Lease<?>[SIZE];
      Thing[] things = new Thing[SIZE];
      StormThing[] claimed = new StormThing[SIZE];
      for (int i = 0; i < SIZE; i++) {
        leases[i] = runnel.acquire(Context.background());
        things[i] = commons.borrowObject();
        claimed[i] = stormpot.claim(forever);
      }
      for (int i = 0; i < SIZE; i++) {
        leases[i].close();
        commons.returnObject(things[i]);
        claimed[i].release();
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
      runnel.close();
      commons.close();
      stormpot.shutdown().await(new Timeout(10, TimeUnit.SECONDS));
    }
  }

  static int runnel(Pools p) throws InterruptedException {
    try (Lease<Thing> lease = p.runnel.acquire(Context.background())) {
      return lease.get().value;
    }
  }

  static int commons(Pools p) throws Exception {
    Thing t = p.commons.borrowObject();
    try {
      return t.value;
    } finally {
      p.commons.returnObject(t);
    }
  }

  static int stormpot(PoolTap<StormThing> tap, Timeout timeout) throws InterruptedException {
    StormThing t = tap.claim(timeout);
    try {
      return t.value;
    } finally {
      t.release();
    }
  }

  @Benchmark
  @Threads(1)
  public int runnel1(Pools p) throws InterruptedException {
    return runnel(p);
  }

  @Benchmark
  @Threads(1)
  public int commonsPool1(Pools p) throws Exception {
    return commons(p);
  }

  @Benchmark
  @Threads(1)
  public int stormpot1(Pools p) throws InterruptedException {
    return stormpot(p.stormpot, p.forever);
  }

  @Benchmark
  @Threads(1)
  public int stormpotVirtualTap1(Pools p) throws InterruptedException {
    return stormpot(p.stormpotVirtualTap, p.forever);
  }

  @Benchmark
  @Threads(16)
  public int runnel16(Pools p) throws InterruptedException {
    return runnel(p);
  }

  @Benchmark
  @Threads(16)
  public int commonsPool16(Pools p) throws Exception {
    return commons(p);
  }

  @Benchmark
  @Threads(16)
  public int stormpot16(Pools p) throws InterruptedException {
    return stormpot(p.stormpot, p.forever);
  }

  @Benchmark
  @Threads(16)
  public int stormpotVirtualTap16(Pools p) throws InterruptedException {
    return stormpot(p.stormpotVirtualTap, p.forever);
  }
}
