package dev.runnel.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Go's {@code sync.Pool} behaviours, from its doc and {@code pool_test.go}. */
class PoolTest {

  /** The most objects a pool may hold: both generations full. */
  private static final int BOUND = 2 * Pool.STRIPES * Pool.SLOTS;

  /** A pooled object that knows whether someone holds it. */
  static final class Buffer {
    final AtomicBoolean inUse = new AtomicBoolean();
    final byte[] bytes = new byte[64];
  }

  /** Takes everything out of a pool without newFn; returns how many objects it held. */
  private static <T> List<T> drain(Pool<T> pool) {
    List<T> out = new ArrayList<>();
    for (T x; (x = pool.get()) != null; ) {
      out.add(x);
      assertThat(out.size()).as("pool holds more than its bound").isLessThanOrEqualTo(BOUND);
    }
    return out;
  }

  @Test
  void zeroValueGetReturnsNullWhenEmpty() {
    Pool<String> pool = new Pool<>();
    assertThat(pool.get()).isNull();
  }

  @Test
  void getCallsNewFnWhenEmpty() {
    AtomicInteger made = new AtomicInteger();
    Pool<Integer> pool = new Pool<>(made::incrementAndGet);
    assertThat(pool.get()).isEqualTo(1);
    assertThat(pool.get()).isEqualTo(2);
    assertThat(made.get()).isEqualTo(2);
  }

  @Test
  void nullNewFnIsRefused() {
    assertThatThrownBy(() -> new Pool<String>(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void putNullIsIgnored() {
    Pool<String> pool = new Pool<>();
    pool.put(null);
    assertThat(pool.get()).isNull();
    assertThat(pool.size()).isZero();
  }

  @Test
  void putThenGetReturnsThePooledObject() {
    AtomicInteger made = new AtomicInteger();
    Pool<Buffer> pool =
        new Pool<>(
            () -> {
              made.incrementAndGet();
              return new Buffer();
            });
    Buffer b = new Buffer();
    pool.put(b);
    assertThat(pool.get()).isSameAs(b);
    assertThat(made.get()).as("newFn not called while the pool had an object").isZero();
  }

  @Test
  void getStealsFromAnotherThreadsStripe() throws Exception {
    Pool<String> pool = new Pool<>();
    List<String> put = new ArrayList<>();
    // many threads: their ids spread over the stripes, most of them not this thread's
    for (int t = 0; t < 4 * Pool.STRIPES; t++) {
      String s = "from-" + t;
      Thread th = Thread.ofVirtual().start(() -> pool.put(s));
      assertThat(th.join(Duration.ofSeconds(5))).isTrue();
      put.add(s);
    }
    List<String> got = drain(pool);
    assertThat(got).isNotEmpty().doesNotHaveDuplicates();
    assertThat(put).containsAll(got);
  }

  @Test
  void sizeIsBounded() throws Exception {
    Pool<Object> pool = new Pool<>();
    for (int i = 0; i < 1_000_000; i++) {
      pool.put(new Object());
    }
    // and from many threads, so that every stripe is offered objects
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4 * Pool.STRIPES; t++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int i = 0; i < 1_000; i++) {
                      pool.put(new Object());
                    }
                  }));
    }
    for (Thread t : threads) {
      assertThat(t.join(Duration.ofSeconds(5))).isTrue();
    }
    assertThat(pool.size()).isLessThanOrEqualTo(BOUND);
    assertThat(drain(pool).size()).isLessThanOrEqualTo(BOUND);
  }

  /** Runs collections, boundedly, until {@code ref} clears; fails after the deadline. */
  private static void collectUntilCleared(WeakReference<?> ref) {
    long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
    while (ref.get() != null) {
      if (System.nanoTime() - deadline > 0) {
        fail("a pooled object idle across many collections is still reachable");
      }
      System.gc();
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos()); // lets the watcher thread rotate
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void idleObjectsAreDroppedAfterCollections() {
    Pool<Object> pool = new Pool<>();
    WeakReference<Object> ref = putAndForget(pool);
    collectUntilCleared(ref);
    assertThat(pool.get()).isNull();
    assertThat(pool.size()).isZero();
  }

  private static WeakReference<Object> putAndForget(Pool<Object> pool) {
    Object x = new byte[1024];
    pool.put(x);
    return new WeakReference<>(x);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void anUnreferencedPoolDoesNotPinItsObjects() {
    WeakReference<Object> object = putInAForgottenPool();
    collectUntilCleared(object);
  }

  private static WeakReference<Object> putInAForgottenPool() {
    Pool<Object> pool = new Pool<>();
    Object x = new byte[1024];
    pool.put(x);
    return new WeakReference<>(x);
  }

  @Test
  void aRotationKeepsObjectsInTheVictimAndTheSecondDropsThem() {
    // Go's victim cache. A collection may rotate the pool too (the watcher): that only drops
    // more, so after one rotation x is still there or already gone, never anything else.
    Pool<Object> pool = new Pool<>();
    Object x = new Object();
    pool.put(x);
    pool.rotate();
    assertThat(pool.get()).isIn(x, null);
    Object y = new Object();
    pool.put(y);
    pool.rotate();
    pool.rotate();
    assertThat(pool.get()).isNull();
    assertThat(pool.size()).isZero();
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void concurrentGetPutNeverSharesAnObject() throws Exception {
    int threads = 8;
    int iterations = 20_000;
    AtomicInteger made = new AtomicInteger();
    Pool<Buffer> pool =
        new Pool<>(
            () -> {
              made.incrementAndGet();
              return new Buffer();
            });
    Set<Buffer> all =
        Collections.newSetFromMap(Collections.synchronizedMap(new IdentityHashMap<>()));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      started.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      start.await();
                      for (int i = 0; i < iterations; i++) {
                        Buffer a = pool.get();
                        Buffer b = pool.get(); // hold two at once now and then
                        for (Buffer x : List.of(a, b)) {
                          if (!x.inUse.compareAndSet(false, true)) {
                            throw new AssertionError("object handed to two holders at once");
                          }
                          x.bytes[0]++;
                        }
                        if (i % 64 == 0) {
                          all.add(a);
                          Thread.yield();
                        }
                        for (Buffer x : List.of(b, a)) {
                          x.inUse.set(false);
                          pool.put(x);
                        }
                      }
                    } catch (Throwable e) {
                      failure.compareAndSet(null, e);
                    }
                  }));
    }
    start.countDown();
    for (Thread t : started) {
      assertThat(t.join(Duration.ofSeconds(8))).as("ended: %s", t).isTrue();
    }
    assertThat(failure.get()).isNull();
    assertThat(made.get())
        .as("pooling reused objects")
        .isLessThan(threads * iterations * 2 / 4);
    for (Buffer b : all) {
      assertThat(b.inUse).isFalse();
    }
  }
}
