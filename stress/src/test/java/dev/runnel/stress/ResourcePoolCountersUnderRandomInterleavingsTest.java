package dev.runnel.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.context.Context;
import dev.runnel.pool.Lease;
import dev.runnel.pool.PoolStats;
import dev.runnel.pool.ResourceCreationException;
import dev.runnel.pool.ResourceFactory;
import dev.runnel.pool.ResourcePool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ResourcePool}'s counts under random concurrent use: small pools, four threads (two
 * virtual, two platform) that acquire, try to acquire, add idle resources, release and invalidate
 * at random, with a factory that fails now and then and resources that break now and then, while
 * a fifth thread takes snapshots. Not a Lincheck test because acquire blocks (and creates in the
 * caller's thread); the invariants are checked instead.
 *
 * <p>In every snapshot: {@code size == idle + inUse + creating}, {@code size <= maxSize}, {@code
 * idle <= maxIdle}, no count negative. At every acquire: the resource has no other holder. After
 * close and every release: nothing is left, every resource made was destroyed exactly once, and
 * {@code created - destroyed == 0}. Scenarios come from a fixed seed; {@code
 * -Drunnel.stress.seed=N} explores others.
 */
class ResourcePoolCountersUnderRandomInterleavingsTest {

  // Sample and full budget (StressBudget): pools, and operations per thread on each.
  private static final int POOLS = StressBudget.pick(100, 1_000);
  private static final int OPS_PER_THREAD = StressBudget.pick(300, 2_000);
  private static final int THREADS = 4;
  private static final long SEED = Long.getLong("runnel.stress.seed", 20261207L);

  /** A pooled resource that knows how many hold it and whether it broke. */
  static final class Res {
    final AtomicInteger holders = new AtomicInteger();
    volatile boolean broken;
  }

  /** Fails one creation in {@code failEvery}; records every resource made and destroyed. */
  static final class Factory implements ResourceFactory<Res> {
    final AtomicInteger calls = new AtomicInteger();
    final Set<Res> made = ConcurrentHashMap.newKeySet();
    final List<Res> destroyed = new CopyOnWriteArrayList<>();
    final int failEvery;

    Factory(int failEvery) {
      this.failEvery = failEvery;
    }

    @Override
    public Res create(Context ctx) {
      if (calls.incrementAndGet() % failEvery == 0) {
        throw new IllegalStateException("planted failure");
      }
      Res r = new Res();
      made.add(r);
      return r;
    }

    @Override
    public boolean validate(Res r) {
      return !r.broken;
    }

    @Override
    public void destroy(Res r) {
      destroyed.add(r);
    }
  }

  @Test
  @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void countsStayConsistentAndNoResourceHasTwoHolders() throws Exception {
    Random seeds = new Random(SEED);
    for (int p = 0; p < POOLS; p++) {
      runOnePool(new Random(seeds.nextLong()));
    }
  }

  private void runOnePool(Random random) throws Exception {
    int maxSize = 1 + random.nextInt(3);
    int maxIdle = random.nextInt(maxSize + 1);
    Factory factory = new Factory(3 + random.nextInt(8));
    ResourcePool<Res> pool =
        LincheckShared.publish(
            ResourcePool.builder(factory)
                .maxSize(maxSize)
                .maxIdle(maxIdle)
                .validateOnReturn(random.nextBoolean())
                .creationBackoff(Duration.ofNanos(1000), Duration.ofMillis(1))
                .maintenanceInterval(Duration.ofMillis(1))
                .build());
    List<String> violations = new CopyOnWriteArrayList<>();
    AtomicBoolean running = new AtomicBoolean(true);
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      long seed = random.nextLong();
      Runnable body = () -> useAtRandom(pool, new Random(seed), start, violations);
      threads.add(t % 2 == 0 ? Thread.ofVirtual().start(body) : Thread.ofPlatform().start(body));
    }
    Thread checker =
        Thread.ofPlatform()
            .start(
                () -> {
                  while (running.get()) {
                    check(pool.stats(), maxSize, maxIdle, violations);
                  }
                });
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    running.set(false);
    checker.join();
    PoolStats quiet = pool.stats();
    check(quiet, maxSize, maxIdle, violations);
    assertThat(quiet.inUse()).isZero();
    assertThat(quiet.waiters()).isZero();
    pool.close();
    PoolStats closed = pool.stats();
    assertThat(violations).isEmpty();
    assertThat(closed.size()).isZero();
    assertThat(closed.created()).isEqualTo(closed.destroyed()).isEqualTo(factory.made.size());
    assertThat(factory.destroyed).doesNotHaveDuplicates();
    assertThat(Set.copyOf(factory.destroyed)).isEqualTo(factory.made);
  }

  private static void useAtRandom(
      ResourcePool<Res> pool, Random random, CountDownLatch start, List<String> violations) {
    try {
      start.await();
      for (int i = 0; i < OPS_PER_THREAD; i++) {
        Lease<Res> lease;
        int op = random.nextInt(10);
        try {
          if (op < 6) {
            lease = pool.acquire(Context.background());
          } else if (op < 8) {
            lease = pool.tryAcquire();
          } else {
            pool.addIdle(Context.background());
            continue;
          }
        } catch (ResourceCreationException expected) {
          continue; // the planted factory failures, and fast failures during their backoff
        }
        if (lease == null) {
          continue;
        }
        Res r = lease.get();
        if (r.holders.incrementAndGet() != 1) {
          violations.add("a resource lent to two holders");
        }
        if (random.nextInt(8) == 0) {
          r.broken = true;
        }
        r.holders.decrementAndGet();
        if (random.nextInt(5) == 0) {
          lease.invalidate();
        } else {
          lease.close();
        }
      }
    } catch (InterruptedException e) {
      violations.add("interrupted");
    } catch (RuntimeException e) {
      violations.add("unexpected " + e);
    }
  }

  private static void check(PoolStats s, int maxSize, int maxIdle, List<String> violations) {
    if (s.size() != s.idle() + s.inUse() + s.creating()
        || s.size() > maxSize
        || s.idle() > maxIdle
        || s.size() < 0
        || s.idle() < 0
        || s.inUse() < 0
        || s.creating() < 0
        || s.waiters() < 0) {
      violations.add("inconsistent " + s);
    }
  }
}
