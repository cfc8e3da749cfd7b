package dev.runnel.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The channel's self-check accepts every state its operations make and names a broken one. */
@Timeout(10)
class ChannelCoreInvariantsTest {

  @Test
  void aChannelThroughSendsReceivesAndCloseKeepsItsInvariants() throws Exception {
    ChannelCore c = new ChannelCore("ch", 3, null);
    for (int round = 0; round < 5; round++) { // wraps the ring several times
      assertThat(c.send(round, 0, null)).isTrue();
      assertThat(c.send(round + 100, 0, null)).isTrue();
      c.checkInvariants();
      assertThat((Integer) c.receiveValue(null)).isEqualTo(round);
      assertThat((Integer) c.receiveValue(null)).isEqualTo(round + 100);
      c.checkInvariants();
    }
    c.send(1, 0, null);
    c.close();
    c.checkInvariants();
  }

  @Test
  void aReceiverWaitingInTheSlotIsQueuedByTheLockAndServedFromThere() throws Exception {
    ChannelCore c = new ChannelCore("ch", 0, null);
    CompletableFuture<Object> got = new CompletableFuture<>();
    Thread receiver = startReceiver(c, got);
    while (c.queued(false) == 0) { // takes the lock, which moves a slot's node into the queue
      Thread.onSpinWait();
    }
    c.checkInvariants();
    assertThat(c.send(5, 0, null)).isTrue(); // a try-send: only a queued receiver takes it
    assertThat(got.get()).isEqualTo(5);
    receiver.join();
    c.checkInvariants();
    assertThat(c.send(6, 0, null)).isFalse(); // the slot is empty again: nobody waits
  }

  @Test
  void aGoroutineWaitingInTheSlotBesideAQueuedPartnerIsNamedByTheLock() throws Exception {
    ChannelCore c = new ChannelCore("ch", 0, null);
    Thread receiver = startReceiver(c, new CompletableFuture<>());
    while (c.queued(false) == 0) { // the receiver is queued; the slot stays frozen
      Thread.onSpinWait();
    }
    Field slot = ChannelCore.class.getDeclaredField("slot");
    slot.setAccessible(true);
    slot.set(c, null); // a thaw with a goroutine queued, the bug this guards against
    Thread sender = Thread.ofVirtual().start(() -> sendQuietly(c));
    while (slot.get(c) == null) { // the sender waits in the slot instead of taking the receiver
      Thread.onSpinWait();
    }
    assertThatThrownBy(() -> c.queued(true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "channel invariant broken: a goroutine waited in the slot while others were queued"
                + " or the channel was closed");
    assertThat(c.queued(false)).isEqualTo(1); // the lock was released
    receiver.interrupt();
    sender.interrupt();
    receiver.join();
    sender.join();
  }

  @Test
  void aSlotLeftThawedUnderTheLockIsNamed() throws Exception {
    ChannelCore c = new ChannelCore("ch", 0, null);
    Method broken = ChannelCore.class.getDeclaredMethod("brokenInvariantLocked");
    broken.setAccessible(true);
    c.acquire(1); // the lock without lock()'s freeze, as a path that skipped it would hold it
    try {
      assertThat(broken.invoke(c)).isEqualTo("the slot not frozen under the lock");
    } finally {
      c.release(1);
    }
  }

  @Test
  void aBrokenCountIsNamed() throws Exception {
    ChannelCore c = new ChannelCore("ch", 2, null);
    c.send(7, 0, null);
    indices(c)[Ring.TAIL] = 2; // claims two elements where the ring holds one
    assertThatThrownBy(c::checkInvariants)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("channel invariant broken: slot 1 empty inside the buffered range");
    indices(c)[Ring.TAIL] = 3;
    assertThatThrownBy(c::checkInvariants).hasMessageContaining("count 3 outside 0..2");
  }

  @Test
  void aBrokenSequenceIsNamed() throws Exception {
    ChannelCore c = new ChannelCore("ch", 2, null);
    c.send(7, 0, null);
    RingTest.field(ring(c), "seqs", int[].class)[0] = 0; // "free" while it holds index 0
    assertThatThrownBy(c::checkInvariants)
        .hasMessageContaining("slot 0 has sequence 0, not 1");
  }

  @Test
  void aLeftOverWakeUpIsNamed() throws Exception {
    ChannelCore c = new ChannelCore("ch", 0, null);
    Field f = ChannelCore.class.getDeclaredField("pendingWake");
    f.setAccessible(true);
    f.set(c, new ChanReceiveWait(c));
    assertThatThrownBy(c::checkInvariants)
        .hasMessageContaining("a wake-up left pending outside an operation");
  }

  private static Thread startReceiver(ChannelCore c, CompletableFuture<Object> got) {
    return Thread.ofVirtual()
        .start(
            () -> {
              try {
                got.complete(c.receiveValue(null));
              } catch (Throwable t) {
                got.completeExceptionally(t);
              }
            });
  }

  private static void sendQuietly(ChannelCore c) {
    try {
      c.send(1, Long.MAX_VALUE, null);
    } catch (InterruptedException expected) {
      // the test ends the wait
    }
  }

  private static Ring ring(ChannelCore c) throws Exception {
    Field f = ChannelCore.class.getDeclaredField("ring");
    f.setAccessible(true);
    return (Ring) f.get(c);
  }

  private static long[] indices(ChannelCore c) throws Exception {
    return RingTest.field(ring(c), "indices", long[].class);
  }
}
