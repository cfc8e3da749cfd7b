package dev.runnel.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Striped locks: a power-of-two set of locks, one chosen per key. */
class StripedTest {

  @ParameterizedTest
  @CsvSource({"1,1", "2,2", "3,4", "5,8", "16,16", "17,32", "1000,1024"})
  void sizeIsRoundedUpToAPowerOfTwo(int requested, int expected) {
    AtomicInteger made = new AtomicInteger();
    Striped<Object> s =
        Striped.of(
            requested,
            () -> {
              made.incrementAndGet();
              return new Object();
            });
    assertThat(s.size()).isEqualTo(expected);
    assertThat(made.get()).isEqualTo(expected);
    Set<Object> distinct = new HashSet<>();
    for (int i = 0; i < expected; i++) {
      distinct.add(s.at(i));
    }
    assertThat(distinct).as("one lock per stripe").hasSize(expected);
    assertThat(Striped.mutexes(requested).size()).isEqualTo(expected);
    assertThat(Striped.rwMutexes(requested).size()).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void nonPositiveSizeThrows(int size) {
    assertThatThrownBy(() -> Striped.mutexes(size)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Striped.of(size, Object::new))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sizeBeyondTheLargestPowerOfTwoIsRejectedCleanly() {
    assertThatThrownBy(() -> Striped.of(Integer.MAX_VALUE, Object::new))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sameKeySameLock() {
    Striped<Mutex> s = Striped.mutexes(16);
    for (int i = 0; i < 1000; i++) {
      String key = "key-" + i;
      assertThat(s.get(key)).isSameAs(s.get(new String(key))); // equal, not identical, keys
      assertThat(s.get(key)).isSameAs(s.at(s.indexOf(key)));
      assertThat(s.indexOf(key)).isBetween(0, s.size() - 1);
    }
  }

  @Test
  void manyKeysTouchEveryStripe() {
    for (int size : new int[] {1, 8, 64}) {
      Striped<RWMutex> s = Striped.rwMutexes(size);
      int[] hits = new int[s.size()];
      for (int i = 0; i < 10_000; i++) {
        hits[s.indexOf(i)]++; // small consecutive integers: the worst case for a plain mask
      }
      for (int i = 0; i < 10_000; i++) {
        hits[s.indexOf("user:" + i)]++;
      }
      for (int i = 0; i < hits.length; i++) {
        assertThat(hits[i]).as("stripe %d of %d", i, size).isGreaterThan(20_000 / size / 4);
      }
    }
  }

  @Test
  void nullKeyThrows() {
    Striped<Mutex> s = Striped.mutexes(4);
    assertThatThrownBy(() -> s.get(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void nullLockFromTheFactoryIsRejected() {
    assertThatThrownBy(() -> Striped.of(2, () -> null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void ofRefusesANullFactory() {
    assertThatThrownBy(() -> Striped.of(4, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("make");
  }
}
