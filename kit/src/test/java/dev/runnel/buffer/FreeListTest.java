package dev.runnel.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.sync.WaitGroup;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bounded free list: its bound, emptiness, and no element lost or duplicated. */
class FreeListTest {

  @Test
  void holdsAtMostItsCapacityAndReportsEmpty() {
    FreeList<Integer> list = new FreeList<>(3);
    assertThat(list.poll()).isNull();
    assertThat(list.offer(1)).isTrue();
    assertThat(list.offer(2)).isTrue();
    assertThat(list.offer(3)).isTrue();
    assertThat(list.offer(4)).isFalse();
    assertThat(list.size()).isEqualTo(3);
    assertThat(list.poll()).isEqualTo(1);
    assertThat(list.offer(5)).isTrue(); // wraps around
    assertThat(list.poll()).isEqualTo(2);
    assertThat(list.poll()).isEqualTo(3);
    assertThat(list.poll()).isEqualTo(5);
    assertThat(list.poll()).isNull();
    assertThat(list.size()).isZero();
  }

  @Test
  void aCapacityOfOneHoldsOneElement() {
    FreeList<Integer> list = new FreeList<>(1);
    assertThat(list.offer(1)).isTrue();
    assertThat(list.offer(2)).isFalse();
    assertThat(list.poll()).isEqualTo(1);
    assertThat(list.poll()).isNull();
    assertThat(list.offer(3)).isTrue();
    assertThat(list.offer(4)).isFalse();
    assertThat(list.poll()).isEqualTo(3);
  }

  @Test
  void aZeroCapacityListKeepsNothing() {
    FreeList<Integer> list = new FreeList<>(0);
    assertThat(list.offer(1)).isFalse();
    assertThat(list.poll()).isNull();
    assertThat(list.size()).isZero();
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void concurrentOffersAndPollsNeitherLoseNorDuplicate() throws InterruptedException {
    for (int capacity : new int[] {1, 2, 7}) {
      concurrentUse(capacity);
    }
  }

  private static void concurrentUse(int capacity) throws InterruptedException {
    FreeList<Integer> list = new FreeList<>(capacity);
    int goroutines = 4;
    int rounds = 50_000;
    ConcurrentHashMap<Integer, Boolean> held = new ConcurrentHashMap<>();
    AtomicInteger duplicates = new AtomicInteger();
    AtomicInteger nextId = new AtomicInteger();
    WaitGroup wg = new WaitGroup();
    for (int g = 0; g < goroutines; g++) {
      wg.go(
          () -> {
            for (int r = 0; r < rounds; r++) {
              Integer e = list.poll();
              if (e == null) {
                e = nextId.incrementAndGet();
              }
              if (held.putIfAbsent(e, true) != null) {
                duplicates.incrementAndGet(); // two holders of one element
              }
              Thread.yield();
              held.remove(e);
              list.offer(e); // a full list drops it
            }
          });
    }
    wg.await();
    assertThat(duplicates.get()).isZero();
    assertThat(list.size()).isLessThanOrEqualTo(capacity);
    java.util.List<Integer> drained = new java.util.ArrayList<>();
    for (Integer e; (e = list.poll()) != null; ) {
      drained.add(e);
    }
    assertThat(drained).doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(capacity);
    assertThat(drained).allSatisfy(e -> assertThat(e).isBetween(1, nextId.get()));
  }
}
