package dev.runnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Channel basics from Go's spec: make, len/cap, FIFO buffering, the unbuffered rendezvous, close,
 * the non-blocking forms, nulls. Blocking FIFO order, interrupts and timeouts are in {@link
 * ChannelBlockingTest}; iteration and happens-before smoke tests in {@link
 * ChannelIterationTest}.
 */
@Timeout(10)
class ChannelTest {

  // ------------------------------------------------------------------ make, len, cap

  @Test
  void negativeCapacityIsRejectedWithGoText() {
    assertThatThrownBy(() -> Channel.make(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("makechan: size out of range: -1");
    assertThatThrownBy(() -> Channel.make(Integer.MIN_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("makechan: size out of range: " + Integer.MIN_VALUE);
  }

  /**
   * A capacity whose buffer the VM can never allocate is refused up front with Go's text, as Go
   * panics for a size it cannot allocate, instead of an OutOfMemoryError from the allocation.
   */
  @Test
  void capacityBeyondWhatTheVmCanAllocateIsRejectedWithGoText() {
    assertThatThrownBy(() -> Channel.make(Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("makechan: size out of range: 2147483647 ");
    assertThatThrownBy(() -> Channel.make(Integer.MAX_VALUE - 7))
        .as("above the largest array the VM allocates")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("makechan: size out of range: ");
    int largestArray = Integer.MAX_VALUE - 8;
    // At 4 bytes a reference at least, a heap below 8 GiB can never hold this buffer.
    assumeTrue(Runtime.getRuntime().maxMemory() / 4 < largestArray, "a heap of 8 GiB or more");
    assertThatThrownBy(() -> Channel.make(largestArray))
        .as("larger than the heap")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("makechan: size out of range: " + largestArray + " ");
  }

  @Test
  void unbufferedChannelHasZeroLenAndCap() {
    Channel<String> ch = Channel.make();
    assertThat(ch.size()).isZero();
    assertThat(ch.capacity()).isZero();
    assertThat(Channel.<String>make(0).capacity()).isZero();
    ch.close();
    assertThat(ch.size()).isZero();
    assertThat(ch.capacity()).isZero();
  }

  @Test
  void sizeAndCapacityFollowGoLenAndCap() throws InterruptedException {
    Channel<Integer> ch = Channel.make(3);
    assertThat(ch.capacity()).isEqualTo(3);
    assertThat(ch.size()).isZero();
    ch.send(1);
    ch.send(2);
    assertThat(ch.size()).isEqualTo(2);
    assertThat(ch.receive()).isEqualTo(1);
    assertThat(ch.size()).isEqualTo(1);
    ch.close();
    // len and cap still report the buffer after close, as in Go
    assertThat(ch.size()).isEqualTo(1);
    assertThat(ch.capacity()).isEqualTo(3);
    assertThat(ch.receive()).isEqualTo(2);
    assertThat(ch.size()).isZero();
    assertThat(ch.capacity()).isEqualTo(3);
  }

  @Test
  void bufferedChannelIsFifo() throws InterruptedException {
    Channel<Integer> ch = Channel.make(5);
    for (int round = 0; round < 3; round++) { // wraps around the circular buffer
      for (int i = 0; i < 5; i++) {
        ch.send(round * 10 + i);
      }
      assertThat(ch.trySend(99)).isFalse();
      for (int i = 0; i < 5; i++) {
        assertThat(ch.receive()).isEqualTo(round * 10 + i);
      }
    }
    assertThat(ch.tryReceive()).isNull();
  }

  @Test
  void interleavedSendsAndReceivesKeepOrderAcrossWrapAround() throws InterruptedException {
    Channel<Integer> ch = Channel.make(3);
    int next = 0;
    int expected = 0;
    for (int i = 0; i < 50; i++) {
      ch.send(next++);
      ch.send(next++);
      assertThat(ch.receive()).isEqualTo(expected++);
      if (ch.size() == 2) { // full after the next two sends: drain
        while (ch.size() > 0) {
          assertThat(ch.receive()).isEqualTo(expected++);
        }
      }
    }
    Received<Integer> r;
    while ((r = ch.tryReceive()) != null) {
      assertThat(r.value()).isEqualTo(expected++);
    }
    assertThat(expected).isEqualTo(next);
  }

  // ------------------------------------------------------------------ unbuffered rendezvous

  @ParameterizedTest
  @EnumSource(Runner.class)
  void unbufferedSendCompletesOnlyWhenReceiverTookTheValue(Runner runner) throws Exception {
    Channel<String> ch = Channel.make();
    AtomicBoolean sendReturned = new AtomicBoolean();
    Task<Void> sender =
        runner.runBlocked(
            () -> {
              ch.send("v");
              sendReturned.set(true);
            });
    // the sender is parked in send: the value has not been taken, so send has not completed
    assertThat(sendReturned).isFalse();
    assertThat(ch.size()).isZero();
    assertThat(ch.receive()).isEqualTo("v");
    sender.join();
    assertThat(sendReturned).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void unbufferedReceiveWaitsForSender(Runner runner) throws Exception {
    Channel<String> ch = Channel.make();
    Task<String> receiver = runner.callBlocked(ch::receive);
    assertThat(receiver.isDone()).isFalse();
    ch.send("hello"); // a receiver is waiting: this completes
    assertThat(receiver.join()).isEqualTo("hello");
  }

  @Test
  void unbufferedTrySendWithoutReceiverFails() {
    Channel<String> ch = Channel.make();
    assertThat(ch.trySend("x")).isFalse();
    assertThat(ch.tryReceive()).isNull(); // nothing was left behind
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void trySendHandsOffToWaitingReceiver(Runner runner) throws Exception {
    Channel<String> ch = Channel.make();
    Task<Received<String>> receiver = runner.callBlocked(ch::receiveOk);
    assertThat(ch.trySend("x")).isTrue();
    assertThat(receiver.join()).isEqualTo(new Received<>("x", true));
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void tryReceiveTakesFromWaitingSender(Runner runner) throws Exception {
    Channel<String> ch = Channel.make();
    Task<Void> sender = runner.runBlocked(() -> ch.send("x"));
    assertThat(ch.tryReceive()).isEqualTo(new Received<>("x", true));
    sender.join();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void bufferedSendBlocksOnlyWhenFull(Runner runner) throws Exception {
    Channel<String> ch = Channel.make(1);
    ch.send("a"); // room: does not block
    Task<Void> sender = runner.runBlocked(() -> ch.send("b"));
    assertThat(ch.size()).isEqualTo(1);
    assertThat(ch.receive()).isEqualTo("a");
    sender.join(); // the receive made room; the blocked value moved into the buffer
    assertThat(ch.size()).isEqualTo(1);
    assertThat(ch.receive()).isEqualTo("b");
  }

  // ------------------------------------------------------------------ close

  @Test
  void sendOnClosedChannelThrowsWithGoText() {
    Channel<String> ch = Channel.make(1);
    ch.close();
    assertThatThrownBy(() -> ch.send("x"))
        .isExactlyInstanceOf(ChannelClosedException.class)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("send on closed channel");
    assertThatThrownBy(() -> ch.send("x", Duration.ofSeconds(1)))
        .isInstanceOf(ChannelClosedException.class)
        .hasMessage("send on closed channel");
    assertThatThrownBy(() -> ch.send("x", Duration.ZERO))
        .isInstanceOf(ChannelClosedException.class)
        .hasMessage("send on closed channel");
    assertThat(ch.size()).isZero();
  }

  @Test
  void trySendOnClosedChannelThrows() {
    Channel<String> ch = Channel.make();
    ch.close();
    assertThatThrownBy(() -> ch.trySend("x"))
        .isInstanceOf(ChannelClosedException.class)
        .hasMessage("send on closed channel");
    Channel<String> buffered = Channel.make(2);
    buffered.close();
    assertThatThrownBy(() -> buffered.trySend("x"))
        .isInstanceOf(ChannelClosedException.class)
        .hasMessage("send on closed channel");
  }

  @Test
  void secondCloseThrowsWithGoText() {
    Channel<String> ch = Channel.make();
    ch.close();
    assertThatThrownBy(ch::close)
        .isInstanceOf(ChannelClosedException.class)
        .hasMessage("close of closed channel");
  }

  @Test
  void receiveOnClosedChannelDrainsBufferFirst() throws InterruptedException {
    Channel<Integer> ch = Channel.make(3);
    ch.send(1);
    ch.send(2);
    ch.close();
    assertThat(ch.receive()).isEqualTo(1);
    assertThat(ch.receiveOk()).isEqualTo(new Received<>(2, true));
    assertThat(ch.receive()).isNull();
    assertThat(ch.receiveOk()).isEqualTo(Received.closed());
    assertThat(ch.receiveOk()).isEqualTo(new Received<Integer>(null, false));
    assertThat(ch.receive(Duration.ofSeconds(1))).isEqualTo(Received.closed());
    assertThat(ch.receive()).isNull(); // and again: a closed channel is always ready
  }

  @Test
  void tryReceiveDistinguishesEmptyFromClosed() throws InterruptedException {
    Channel<Integer> ch = Channel.make(1);
    assertThat(ch.tryReceive()).isNull(); // open and empty: would block
    ch.send(7);
    assertThat(ch.tryReceive()).isEqualTo(new Received<>(7, true));
    ch.send(8);
    ch.close();
    assertThat(ch.tryReceive()).isEqualTo(new Received<>(8, true));
    assertThat(ch.tryReceive()).isEqualTo(new Received<Integer>(null, false));
    assertThat(ch.tryReceive()).isEqualTo(Received.closed());
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void closeWakesEveryBlockedReceiver(Runner runner) throws Exception {
    Channel<Integer> ch = Channel.make(2);
    Task<Integer> r1 = runner.callBlocked(ch::receive);
    Task<Received<Integer>> r2 = runner.callBlocked(ch::receiveOk);
    Task<Received<Integer>> r3 = runner.callBlocked(() -> ch.receive(Duration.ofMinutes(1)));
    Task<List<Integer>> r4 =
        runner.callBlocked(
            () -> {
              List<Integer> all = new ArrayList<>();
              for (Integer v : ch) {
                all.add(v);
              }
              return all;
            });
    ch.close();
    assertThat(r1.join()).isNull();
    assertThat(r2.join()).isEqualTo(Received.closed());
    assertThat(r3.join()).isEqualTo(Received.closed());
    assertThat(r4.join()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void closeWakesEveryBlockedSenderWhichThrows(Runner runner) throws Exception {
    Channel<Integer> ch = Channel.make();
    Task<Void> s1 = runner.runBlocked(() -> ch.send(1));
    Task<Boolean> s2 = runner.callBlocked(() -> ch.send(2, Duration.ofMinutes(1)));
    Task<Void> s3 = runner.runBlocked(() -> ch.send(3));
    ch.close();
    for (Task<?> s : List.of(s1, s2, s3)) {
      assertThat(s.failure())
          .isInstanceOf(ChannelClosedException.class)
          .hasMessage("send on closed channel");
    }
    // none of their values was delivered
    assertThat(ch.tryReceive()).isEqualTo(Received.closed());
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void closeOfFullBufferKeepsBufferedValuesButFailsBlockedSenders(Runner runner)
      throws Exception {
    Channel<Integer> ch = Channel.make(2);
    ch.send(1);
    ch.send(2);
    Task<Void> s3 = runner.runBlocked(() -> ch.send(3));
    Task<Void> s4 = runner.runBlocked(() -> ch.send(4));
    ch.close();
    assertThat(s3.failure()).isInstanceOf(ChannelClosedException.class);
    assertThat(s4.failure()).isInstanceOf(ChannelClosedException.class);
    List<Integer> all = new ArrayList<>();
    for (Integer v : ch) {
      all.add(v);
    }
    assertThat(all).containsExactly(1, 2);
  }

  // ------------------------------------------------------------------ nulls

  @Test
  void nullElementsAreRejected() {
    Channel<String> ch = Channel.make(1);
    assertThatThrownBy(() -> ch.send(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ch.trySend(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ch.send(null, Duration.ofSeconds(1)))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ch.send(null, Duration.ZERO))
        .isInstanceOf(NullPointerException.class);
    assertThat(ch.size()).isZero();
  }
}
