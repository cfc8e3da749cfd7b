package dev.runnel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hint a waiter keeps for the next probe: whether a platform thread completed it (the probe
 * then skips its yield, which cannot let a platform thread run).
 */
@Timeout(30)
class WaiterCompleterHintTest {

  @Test
  void aPlatformThreadsCompletionIsRecorded() {
    Waiter w = Waiter.of(WaitReason.SELECT, "x");
    assertThat(Thread.currentThread().isVirtual()).isFalse();
    assertThat(w.tryComplete("done")).isTrue();
    assertThat(w.completedByPlatformThread()).isTrue();
  }

  @Test
  void aVirtualThreadsCompletionIsNot() throws Exception {
    Waiter w = Waiter.of(WaitReason.SELECT, "x");
    AtomicBoolean completed = new AtomicBoolean();
    Thread.ofVirtual().start(() -> completed.set(w.tryComplete("done"))).join();
    assertThat(completed).isTrue();
    assertThat(w.completedByPlatformThread()).isFalse();
  }

  @Test
  void aLateCompletionAfterTheWaiterWasDoneLeavesTheHintAlone() throws Exception {
    Waiter w = Waiter.of(WaitReason.SELECT, "x");
    Thread.ofVirtual().start(() -> w.tryComplete("first")).join();
    assertThat(w.tryComplete("second")).isFalse();
    assertThat(w.completedByPlatformThread()).isFalse();
  }
}
