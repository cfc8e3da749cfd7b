package dev.runnel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.testkit.Threads;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a waiter records of its park for dumps and the deadlock detector: when, and whether timed. */
@Timeout(30)
class WaiterParkRecordTest {

  private record Parked(Waiter waiter, Thread thread) {}

  /** A virtual thread parked on its own waiter until {@code deadline}. */
  private static Parked park(long deadline) throws Exception {
    CompletableFuture<Waiter> made = new CompletableFuture<>();
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  Waiter w = Waiter.of(WaitReason.SELECT, "x"); // the waiter is its thread's
                  made.complete(w);
                  w.await(deadline, false);
                });
    Waiter w = made.get();
    Threads.eventually("parked", () -> w.parkedSince() != 0);
    return new Parked(w, t);
  }

  @Test
  void beforeTheParkNothingIsRecorded() {
    Waiter w = Waiter.of(WaitReason.SELECT, "x");
    assertThat(w.parkedSince()).isZero();
    assertThat(w.isTimed()).isFalse();
  }

  @Test
  void anUntimedWaitIsNeverRecordedAsTimed() throws Exception {
    // Many parks, so that park times with either low bit set are all seen.
    for (int i = 0; i < 200; i++) {
      Parked p = park(Long.MAX_VALUE);
      Waiter w = p.waiter();
      Thread t = p.thread();
      long before = System.nanoTime();
      assertThat(w.isTimed()).as("park %d", i).isFalse();
      assertThat(w.parkedSince()).isLessThanOrEqualTo(before);
      w.completeAndWake("done");
      t.join();
    }
  }

  @Test
  void aTimedWaitIsRecordedAsTimed() throws Exception {
    for (int i = 0; i < 50; i++) {
      Parked p = park(System.nanoTime() + TimeUnit.SECONDS.toNanos(20));
      Waiter w = p.waiter();
      Thread t = p.thread();
      assertThat(w.isTimed()).as("park %d", i).isTrue();
      w.completeAndWake("done");
      t.join();
    }
  }
}
