package dev.runnel.atomic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Go's {@code sync/atomic.Value} behaviours, from its doc and {@code value_test.go}. */
class AtomicValueTest {

  /** Two values that are equal but not the same reference. */
  private static String fresh(String s) {
    return new String(s);
  }

  @Test
  void zeroValueLoadsNull() {
    assertThat(new AtomicValue<String>().load()).isNull();
  }

  @Test
  void storeThenLoad() {
    AtomicValue<Integer> v = new AtomicValue<>();
    v.store(42);
    assertThat(v.load()).isEqualTo(42);
    v.store(43);
    assertThat(v.load()).isEqualTo(43);
  }

  @Test
  void swapReturnsPrevious() {
    AtomicValue<String> v = new AtomicValue<>();
    assertThat(v.swap("a")).isNull();
    assertThat(v.swap("b")).isEqualTo("a");
    assertThat(v.load()).isEqualTo("b");
  }

  @Test
  void compareAndSwapOnZeroValue() {
    AtomicValue<String> v = new AtomicValue<>();
    assertThat(v.compareAndSwap("x", "a")).isFalse();
    assertThat(v.load()).isNull();
    assertThat(v.compareAndSwap(null, "a")).isTrue();
    assertThat(v.load()).isEqualTo("a");
    assertThat(v.compareAndSwap(null, "b")).as("null matches only the zero value").isFalse();
    assertThat(v.load()).isEqualTo("a");
  }

  @Test
  void compareAndSwapComparesWithEquals() {
    AtomicValue<String> v = new AtomicValue<>();
    String stored = fresh("config-1");
    v.store(stored);
    String equalCopy = fresh("config-1");
    assertThat(equalCopy).isNotSameAs(stored);
    assertThat(v.compareAndSwap(equalCopy, "config-2")).isTrue();
    assertThat(v.load()).isEqualTo("config-2");
    assertThat(v.compareAndSwap("config-1", "config-3")).isFalse();
    assertThat(v.load()).isEqualTo("config-2");
  }

  @Test
  void nilValuesThrowWithGoText() {
    AtomicValue<String> v = new AtomicValue<>();
    assertThatThrownBy(() -> v.store(null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("sync/atomic: store of nil value into Value");
    assertThatThrownBy(() -> v.swap(null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("sync/atomic: swap of nil value into Value");
    assertThatThrownBy(() -> v.compareAndSwap(null, null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("sync/atomic: compare and swap of nil value into Value");
    assertThat(v.load()).as("a refused write changes nothing").isNull();
    v.store("a");
    assertThatThrownBy(() -> v.store(null)).isInstanceOf(NullPointerException.class);
    assertThat(v.load()).isEqualTo("a");
  }

  @Test
  void inconsistentTypesThrowWithGoText() {
    AtomicValue<Object> v = new AtomicValue<>();
    v.store("first");
    String intIntoString = ": java.lang.Integer, holds java.lang.String";
    assertThatThrownBy(() -> v.store(1))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("sync/atomic: store of inconsistently typed value into Value" + intIntoString);
    assertThatThrownBy(() -> v.swap(1))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("sync/atomic: swap of inconsistently typed value into Value" + intIntoString);
    assertThatThrownBy(() -> v.compareAndSwap(2, 1))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "sync/atomic: compare and swap of inconsistently typed value into Value"
                + intIntoString);
    assertThatThrownBy(() -> v.compareAndSwap(null, 1))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "sync/atomic: compare and swap of inconsistently typed value into Value"
                + intIntoString);
    assertThatThrownBy(() -> v.compareAndSwap(1, "second"))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "sync/atomic: compare and swap of inconsistently typed values:"
                + " old java.lang.Integer, new java.lang.String");
    assertThat(v.load()).isEqualTo("first");
  }

  @Test
  void oldOfAnotherClassThrowsEvenOnZeroValue() {
    AtomicValue<Object> v = new AtomicValue<>();
    assertThatThrownBy(() -> v.compareAndSwap(1, "a"))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("sync/atomic: compare and swap of inconsistently typed values");
    assertThat(v.load()).isNull();
  }

  @Test
  void subclassIsAnotherType() {
    AtomicValue<List<String>> v = new AtomicValue<>();
    v.store(new ArrayList<>());
    assertThatThrownBy(() -> v.store(List.of("x")))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("sync/atomic: store of inconsistently typed value into Value");
    v.store(new ArrayList<>(List.of("y")));
    assertThat(v.load()).containsExactly("y");
  }

  @Test
  void firstWritePinsTheClassForEveryOperation() {
    AtomicValue<Object> bySwap = new AtomicValue<>();
    bySwap.swap(1L);
    assertThatThrownBy(() -> bySwap.store(1)).isInstanceOf(IllegalArgumentException.class);
    AtomicValue<Object> byCas = new AtomicValue<>();
    byCas.compareAndSwap(null, 1L);
    assertThatThrownBy(() -> byCas.swap(1)).isInstanceOf(IllegalArgumentException.class);
  }

  /** An immutable snapshot whose fields must always agree with each other. */
  record Snapshot(int writer, int seq, int check) {
    static Snapshot of(int writer, int seq) {
      return new Snapshot(writer, seq, writer * 31 + seq);
    }

    boolean consistent() {
      return check == writer * 31 + seq;
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void concurrentWritersReadersSeeOnlyWholeSnapshots() throws Exception {
    int writers = 4;
    int readers = 4;
    int perWriter = 20_000;
    AtomicValue<Snapshot> v = new AtomicValue<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch writersDone = new CountDownLatch(writers);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int id = w;
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      start.await();
                      for (int i = 0; i < perWriter; i++) {
                        Snapshot s = Snapshot.of(id, i);
                        switch (i % 3) {
                          case 0 -> v.store(s);
                          case 1 -> v.swap(s);
                          default -> v.compareAndSwap(v.load(), s);
                        }
                      }
                    } catch (Throwable e) {
                      failure.compareAndSet(null, e);
                    } finally {
                      writersDone.countDown();
                    }
                  }));
    }
    for (int r = 0; r < readers; r++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      start.await();
                      while (writersDone.getCount() > 0) {
                        Snapshot s = v.load();
                        if (s != null && !s.consistent()) {
                          throw new AssertionError("torn snapshot " + s);
                        }
                        Thread.yield();
                      }
                    } catch (Throwable e) {
                      failure.compareAndSet(null, e);
                    }
                  }));
    }
    start.countDown();
    for (Thread t : threads) {
      assertThat(t.join(Duration.ofSeconds(8))).as("thread ended: " + t).isTrue();
    }
    assertThat(failure.get()).isNull();
    assertThat(v.load().consistent()).isTrue();
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void compareAndSwapIncrementsLoseNoUpdate() throws Exception {
    int threads = 8;
    int perThread = 2_000;
    AtomicValue<Integer> v = new AtomicValue<>();
    v.store(0);
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      started.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int i = 0; i < perThread; i++) {
                      while (true) {
                        Integer seen = v.load();
                        // a new Integer: equal to the stored one for values past the box cache
                        if (v.compareAndSwap(Integer.valueOf(seen.intValue()), seen + 1)) {
                          break;
                        }
                      }
                    }
                  }));
    }
    for (Thread t : started) {
      assertThat(t.join(Duration.ofSeconds(8))).isTrue();
    }
    assertThat(v.load()).isEqualTo(threads * perThread);
  }
}
