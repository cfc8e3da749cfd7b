package dev.runnel.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Go's {@code sync.Map} behaviours, from its doc and {@code map_test.go}. */
class SyncMapTest {

  private static Map<String, Integer> contents(SyncMap<String, Integer> m) {
    Map<String, Integer> seen = new HashMap<>();
    m.range(
        (k, v) -> {
          assertThat(seen.put(k, v)).as("visited twice: %s", k).isNull();
          return true;
        });
    return seen;
  }

  @Test
  void zeroValueIsEmpty() {
    SyncMap<String, Integer> m = new SyncMap<>();
    assertThat(m.load("a")).isNull();
    assertThat(contents(m)).isEmpty();
  }

  @Test
  void storeLoadDelete() {
    SyncMap<String, Integer> m = new SyncMap<>();
    m.store("a", 1);
    m.store("b", 2);
    m.store("a", 3);
    assertThat(m.load("a")).isEqualTo(3);
    assertThat(m.load("b")).isEqualTo(2);
    m.delete("a");
    m.delete("missing");
    assertThat(m.load("a")).isNull();
    assertThat(contents(m)).containsExactlyEntriesOf(Map.of("b", 2));
  }

  @Test
  void keysCompareWithEquals() {
    SyncMap<String, Integer> m = new SyncMap<>();
    m.store(new String("k"), 1);
    assertThat(m.load(new String("k"))).isEqualTo(1);
  }

  @Test
  void loadOrStore() {
    SyncMap<String, Integer> m = new SyncMap<>();
    assertThat(m.loadOrStore("a", 1)).isEqualTo(new Loaded<>(1, false));
    assertThat(m.loadOrStore("a", 2)).isEqualTo(new Loaded<>(1, true));
    assertThat(m.load("a")).isEqualTo(1);
  }

  @Test
  void loadAndDelete() {
    SyncMap<String, Integer> m = new SyncMap<>();
    assertThat(m.loadAndDelete("a")).isEqualTo(new Loaded<>(null, false));
    m.store("a", 1);
    assertThat(m.loadAndDelete("a")).isEqualTo(new Loaded<>(1, true));
    assertThat(m.load("a")).isNull();
  }

  @Test
  void swap() {
    SyncMap<String, Integer> m = new SyncMap<>();
    assertThat(m.swap("a", 1)).isEqualTo(new Loaded<>(null, false));
    assertThat(m.swap("a", 2)).isEqualTo(new Loaded<>(1, true));
    assertThat(m.load("a")).isEqualTo(2);
  }

  @Test
  void compareAndSwapComparesWithEquals() {
    SyncMap<String, String> m = new SyncMap<>();
    assertThat(m.compareAndSwap("k", "x", "y")).as("absent key").isFalse();
    assertThat(m.load("k")).isNull();
    m.store("k", new String("v1"));
    assertThat(m.compareAndSwap("k", "other", "v2")).isFalse();
    assertThat(m.compareAndSwap("k", null, "v2")).as("null never matches").isFalse();
    assertThat(m.load("k")).isEqualTo("v1");
    assertThat(m.compareAndSwap("k", new String("v1"), "v2")).isTrue();
    assertThat(m.load("k")).isEqualTo("v2");
  }

  @Test
  void compareAndDeleteComparesWithEquals() {
    SyncMap<String, String> m = new SyncMap<>();
    assertThat(m.compareAndDelete("k", "x")).as("absent key").isFalse();
    m.store("k", new String("v1"));
    assertThat(m.compareAndDelete("k", "other")).isFalse();
    assertThat(m.compareAndDelete("k", null)).isFalse();
    assertThat(m.load("k")).isEqualTo("v1");
    assertThat(m.compareAndDelete("k", new String("v1"))).isTrue();
    assertThat(m.load("k")).isNull();
  }

  @Test
  void rangeVisitsEveryEntryOnce() {
    SyncMap<String, Integer> m = new SyncMap<>();
    Map<String, Integer> expected = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      m.store("k" + i, i);
      expected.put("k" + i, i);
    }
    assertThat(contents(m)).isEqualTo(expected);
  }

  @Test
  void rangeStopsWhenFReturnsFalse() {
    SyncMap<Integer, Integer> m = new SyncMap<>();
    for (int i = 0; i < 100; i++) {
      m.store(i, i);
    }
    int[] calls = {0};
    m.range((k, v) -> ++calls[0] < 3);
    assertThat(calls[0]).isEqualTo(3);
  }

  @Test
  void rangeMayModifyTheMap() {
    SyncMap<Integer, Integer> m = new SyncMap<>();
    for (int i = 0; i < 50; i++) {
      m.store(i, i);
    }
    m.range(
        (k, v) -> {
          m.delete(k);
          m.store(k, v + 1000); // re-stored during the walk: still visited at most once
          return true;
        });
    for (int i = 0; i < 50; i++) {
      assertThat(m.load(i)).isEqualTo(i + 1000);
    }
  }

  /**
   * A bare ConcurrentHashMap iterator returns key 1 twice here: 1, 17 and 33 share a bin of the
   * initial table, and the re-stored 1 is appended behind the walker. Go promises no key twice.
   */
  @Test
  void rangeVisitsAKeyDeletedAndStoredAgainOnlyOnce() {
    SyncMap<Integer, Integer> m = new SyncMap<>();
    m.store(1, 1);
    m.store(17, 17);
    m.store(33, 33);
    List<Integer> visited = new ArrayList<>();
    m.range(
        (k, v) -> {
          if (visited.isEmpty()) {
            m.delete(k);
            m.store(k, v);
          }
          visited.add(k);
          return true;
        });
    assertThat(visited).doesNotHaveDuplicates().containsExactlyInAnyOrder(1, 17, 33);
  }

  @Test
  void clear() {
    SyncMap<String, Integer> m = new SyncMap<>();
    m.store("a", 1);
    m.store("b", 2);
    m.clear();
    assertThat(m.load("a")).isNull();
    assertThat(contents(m)).isEmpty();
  }

  @Test
  void nullsAreRefused() {
    SyncMap<String, Integer> m = new SyncMap<>();
    assertThatThrownBy(() -> m.store("a", null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("SyncMap: null value");
    assertThatThrownBy(() -> m.loadOrStore("a", null)).hasMessage("SyncMap: null value");
    assertThatThrownBy(() -> m.swap("a", null)).hasMessage("SyncMap: null value");
    assertThatThrownBy(() -> m.compareAndSwap("a", 1, null)).hasMessage("SyncMap: null value");
    assertThatThrownBy(() -> m.store(null, 1))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("SyncMap: null key");
    assertThatThrownBy(() -> m.load(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> m.delete(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> m.loadAndDelete(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> m.compareAndDelete(null, 1))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> m.range(null)).isInstanceOf(NullPointerException.class);
    assertThat(contents(m)).isEmpty();
  }

  /** Starts {@code n} virtual threads running {@code body(i)} together; joins them. */
  private static void together(int n, java.util.function.IntConsumer body) throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int id = i;
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      start.await();
                      body.accept(id);
                    } catch (Throwable e) {
                      failure.compareAndSet(null, e);
                    }
                  }));
    }
    start.countDown();
    for (Thread t : threads) {
      assertThat(t.join(Duration.ofSeconds(8))).as("ended: %s", t).isTrue();
    }
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void concurrentStoreLoadDeleteStaysConsistent() throws Exception {
    int threads = 8;
    int keysPerThread = 200;
    int rounds = 20;
    SyncMap<String, Integer> m = new SyncMap<>();
    SyncMap<String, Integer> shared = new SyncMap<>();
    together(
        threads,
        id -> {
          for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < keysPerThread; k++) {
              String key = id + ":" + k;
              m.store(key, r);
              assertThat(m.load(key)).isEqualTo(r); // only this thread writes this key
              if (k % 3 == 0) {
                m.delete(key);
                assertThat(m.load(key)).isNull();
              }
              // every thread also counts on shared keys with compareAndSwap
              String counter = "c" + (k % 4);
              while (true) {
                Loaded<Integer> seen = shared.loadOrStore(counter, 1);
                if (!seen.loaded()
                    || shared.compareAndSwap(counter, seen.value(), seen.value() + 1)) {
                  break;
                }
              }
            }
          }
        });
    Map<String, Integer> expected = new HashMap<>();
    for (int id = 0; id < threads; id++) {
      for (int k = 0; k < keysPerThread; k++) {
        if (k % 3 != 0) {
          expected.put(id + ":" + k, rounds - 1);
        }
      }
    }
    assertThat(contents(m)).isEqualTo(expected);
    int total = 0;
    for (int c = 0; c < 4; c++) {
      total += shared.load("c" + c);
    }
    assertThat(total).isEqualTo(threads * rounds * keysPerThread);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void rangeConcurrentWithWritersVisitsNoKeyTwice() throws Exception {
    int keys = 1_000;
    SyncMap<Integer, Integer> m = new SyncMap<>();
    for (int k = 0; k < keys; k += 2) {
      m.store(k, k); // even keys stay throughout
    }
    AtomicBoolean stop = new AtomicBoolean();
    int writers = 3;
    int ranges = 4;
    together(
        writers + ranges,
        id -> {
          if (id < writers) {
            // delete and re-store odd keys, and grow the map (resizes) while ranges run
            int i = id;
            while (!stop.get()) {
              int k = (i * 2 + 1) % (keys * 4);
              m.store(k, k);
              m.delete(k);
              m.store(k, -k);
              i += writers;
              Thread.yield();
            }
            return;
          }
          try {
            for (int pass = 0; pass < 15; pass++) {
              Set<Integer> seen = new HashSet<>();
              m.range(
                  (k, v) -> {
                    assertThat(seen.add(k)).as("key %d visited twice", k).isTrue();
                    return true;
                  });
              for (int k = 0; k < keys; k += 2) {
                assertThat(seen).as("a key present throughout").contains(k);
              }
            }
          } finally {
            stop.set(true);
          }
        });
  }
}
