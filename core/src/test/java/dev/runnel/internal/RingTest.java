package dev.runnel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The buffered channel's ring, one thread at a time: its fast and locked operations, frozen. */
@Timeout(10)
class RingTest {

  @Test
  void capacityOneAlternatesBetweenFullAndEmpty() {
    Ring r = new Ring(1, false);
    for (int i = 0; i < 5; i++) {
      assertThat(r.offer(i)).isSameAs(Ring.OFFERED);
      assertThat(r.offer(-1)).isSameAs(Ring.FULL);
      assertThat(r.size()).isEqualTo(1);
      assertThat(r.poll()).isEqualTo(i);
      assertThat(r.poll()).isNull();
      assertThat(r.size()).isZero();
    }
  }

  @Test
  void fastOperationsAreFifoAcrossManyLaps() {
    Ring r = new Ring(3, false);
    int next = 0;
    for (int lap = 0; lap < 10; lap++) {
      for (int i = 0; i < 3; i++) {
        assertThat(r.offer(lap * 3 + i)).isSameAs(Ring.OFFERED);
      }
      assertThat(r.offer(-1)).isSameAs(Ring.FULL);
      for (int i = 0; i < 2; i++) { // leave one behind, so laps do not start at slot 0
        assertThat(r.poll()).isEqualTo(next++);
      }
      assertThat(r.poll()).isEqualTo(next++);
      assertThat(r.poll()).isNull();
    }
  }

  @Test
  void frozenRingAnswersSlowAndTheLockedOperationsOwnIt() {
    Ring r = new Ring(2, false);
    assertThat(r.offer("a")).isSameAs(Ring.OFFERED);
    r.freeze();
    assertThat(r.offer("x")).isSameAs(Ring.SLOW);
    assertThat(r.poll()).isSameAs(Ring.SLOW);
    assertThat(r.offerLocked("b")).isSameAs(Ring.OFFERED);
    assertThat(r.offerLocked("c")).isSameAs(Ring.FULL);
    assertThat(r.count()).isEqualTo(2);
    assertThat(r.broken()).isNull();
    assertThat(r.pollLocked()).isEqualTo("a");
    r.thaw();
    assertThat(r.size()).isEqualTo(1);
    assertThat(r.poll()).isEqualTo("b");
    assertThat(r.poll()).isNull();
    assertThat(r.offer("d")).isSameAs(Ring.OFFERED);
    r.freeze();
    assertThat(r.pollLocked()).isEqualTo("d");
    assertThat(r.pollLocked()).isNull();
  }

  @Test
  void aRingMadeFrozenAnswersLockedUntilThawed() {
    Ring r = new Ring(1, true);
    assertThat(r.offer("x")).isSameAs(Ring.LOCKED);
    assertThat(r.poll()).isSameAs(Ring.LOCKED);
    r.thaw();
    assertThat(r.offer("x")).isSameAs(Ring.OFFERED);
  }

  @Test
  void aHeldRingAnswersLockedAndAThawEndsIt() {
    Ring r = new Ring(2, false);
    r.freeze();
    assertThat(r.offer("x")).isSameAs(Ring.SLOW); // frozen for the lock holder's operation
    r.hold(); // the lock is released with goroutines waiting
    assertThat(r.offer("x")).isSameAs(Ring.LOCKED);
    assertThat(r.poll()).isSameAs(Ring.LOCKED);
    r.thaw();
    assertThat(r.offer("x")).isSameAs(Ring.OFFERED);
    assertThat(r.poll()).isEqualTo("x");
  }

  /**
   * An offer that claimed its index just before the freeze writes its slot after it: the locked
   * poll waits for that write instead of reading an empty slot.
   */
  @Test
  void aLockedPollWaitsForAnOfferInFlight() throws Exception {
    Ring r = new Ring(2, false);
    long[] indices = field(r, "indices", long[].class);
    indices[Ring.TAIL] = 1; // index 0 claimed, its slot not yet written
    assertThat(r.poll()).isSameAs(Ring.SLOW); // not empty: the offer is in flight
    r.freeze();
    CompletableFuture<Object> polled = new CompletableFuture<>();
    Thread poller = Thread.ofVirtual().start(() -> polled.complete(r.pollLocked()));
    Thread.sleep(50); // not synchronization: gives a broken poll the chance to read the empty slot
    assertThat(polled).isNotDone();
    field(r, "items", Object[].class)[0] = "late";
    field(r, "seqs", int[].class)[0] = 1; // holding index 0: the offer's release
    assertThat(polled.get(5, TimeUnit.SECONDS)).isEqualTo("late");
    poller.join();
    assertThat(r.broken()).isNull();
  }

  /** A poll that claimed its index just before the freeze frees its slot after it. */
  @Test
  void aLockedOfferWaitsForAPollInFlight() throws Exception {
    Ring r = new Ring(1, false);
    assertThat(r.offer("old")).isSameAs(Ring.OFFERED);
    long[] indices = field(r, "indices", long[].class);
    indices[Ring.HEAD] = 1; // index 0 claimed by a poll, its slot not yet freed
    assertThat(r.offer("x")).isSameAs(Ring.SLOW); // not full: the poll is in flight
    r.freeze();
    CompletableFuture<Object> offered = new CompletableFuture<>();
    Thread offerer = Thread.ofVirtual().start(() -> offered.complete(r.offerLocked("new")));
    Thread.sleep(50); // not synchronization: gives a broken offer the chance to overwrite
    assertThat(offered).isNotDone();
    field(r, "items", Object[].class)[0] = null;
    field(r, "seqs", int[].class)[0] = 2; // free for index 1: the poll's release
    assertThat(offered.get(5, TimeUnit.SECONDS)).isSameAs(Ring.OFFERED);
    offerer.join();
    assertThat(r.pollLocked()).isEqualTo("new");
  }

  static <T> T field(Object o, String name, Class<T> type) throws Exception {
    Field f = o.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return type.cast(f.get(o));
  }
}
