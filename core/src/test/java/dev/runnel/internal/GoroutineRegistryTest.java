package dev.runnel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The goroutine registry under concurrent adds and removes: weakly consistent like a concurrent
 * set's iterator, but a snapshot never repeats a member, never shows one removed before it began
 * or added after it ended, and the size is exact once quiet.
 */
@Timeout(60)
class GoroutineRegistryTest {

  private static Goroutines.Goroutine goroutine(long id) {
    return new Goroutines.Goroutine(id, () -> {}, null);
  }

  @Test
  void addRemoveAndSnapshotOnOneThread() {
    GoroutineRegistry r = new GoroutineRegistry();
    List<Goroutines.Goroutine> gs = new ArrayList<>();
    for (long id = 1; id <= 100; id++) {
      Goroutines.Goroutine g = goroutine(id);
      gs.add(g);
      r.add(g);
    }
    assertThat(r.size()).isEqualTo(100);
    assertThat(r.snapshot()).containsExactlyInAnyOrderElementsOf(gs);
    for (int i = 0; i < 100; i += 2) {
      r.remove(gs.get(i));
    }
    r.remove(gs.get(0)); // a second remove does nothing
    assertThat(r.size()).isEqualTo(50);
    assertThat(r.snapshot()).hasSize(50).doesNotContain(gs.get(0), gs.get(98)).contains(gs.get(99));
  }

  @Test
  void snapshotsDuringChurnAreSound() throws Exception {
    GoroutineRegistry r = new GoroutineRegistry();
    int writers = 4;
    int perWriter = 5_000;
    Set<Goroutines.Goroutine> everAdded = ConcurrentHashMap.newKeySet();
    Set<Goroutines.Goroutine> removed = ConcurrentHashMap.newKeySet();
    CountDownLatch finished = new CountDownLatch(writers);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      long base = (long) w * perWriter;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    List<Goroutines.Goroutine> mine = new ArrayList<>();
                    for (long i = 1; i <= perWriter; i++) {
                      Goroutines.Goroutine g = goroutine(base + i);
                      everAdded.add(g);
                      r.add(g);
                      mine.add(g);
                      if (ThreadLocalRandom.current().nextBoolean()) {
                        Goroutines.Goroutine gone =
                            mine.remove(ThreadLocalRandom.current().nextInt(mine.size()));
                        r.remove(gone);
                        removed.add(gone);
                      }
                    }
                    for (Goroutines.Goroutine g : mine) {
                      r.remove(g);
                      removed.add(g);
                    }
                    finished.countDown();
                  }));
    }
    int snapshots = 0;
    while (finished.getCount() > 0) {
      Set<Goroutines.Goroutine> removedBefore = new HashSet<>(removed);
      List<Goroutines.Goroutine> snap = r.snapshot();
      Set<Goroutines.Goroutine> addedAfter = new HashSet<>(everAdded);
      Set<Goroutines.Goroutine> distinct = new HashSet<>(snap);
      assertThat(distinct).as("no member twice").hasSameSizeAs(snap);
      for (Goroutines.Goroutine g : snap) { // plain checks: thousands of members per snapshot
        if (!addedAfter.contains(g) || removedBefore.contains(g)) {
          throw new AssertionError(
              "goroutine " + g.id() + " in a snapshot: added " + addedAfter.contains(g)
                  + ", removed before it " + removedBefore.contains(g));
        }
      }
      snapshots++;
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(snapshots).isPositive();
    assertThat(r.size()).isZero();
    assertThat(r.snapshot()).isEmpty();
  }
}
