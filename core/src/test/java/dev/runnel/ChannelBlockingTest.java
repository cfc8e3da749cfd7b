package dev.runnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import dev.runnel.testkit.Threads;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Blocked channel operations: FIFO service of blocked senders and receivers, interrupts (which
 * throw and have no effect) and the bounded forms.
 */
@Timeout(10)
class ChannelBlockingTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted(); // never leak a flag into the next test
  }

  // ------------------------------------------------------------------ FIFO

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedReceiversAreServedInArrivalOrder(Runner runner) throws Exception {
    Channel<Integer> ch = Channel.make();
    List<Task<Integer>> receivers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      receivers.add(runner.callBlocked(ch::receive)); // each is queued before the next starts
    }
    for (int i = 0; i < 5; i++) {
      ch.send(i);
    }
    for (int i = 0; i < 5; i++) {
      assertThat(receivers.get(i).join()).as("receiver %d", i).isEqualTo(i);
    }
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedReceiversOfBufferedChannelAreServedInArrivalOrder(Runner runner) throws Exception {
    Channel<Integer> ch = Channel.make(3);
    List<Task<Received<Integer>>> receivers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      receivers.add(runner.callBlocked(ch::receiveOk));
    }
    for (int i = 0; i < 4; i++) {
      assertThat(ch.trySend(i)).isTrue();
    }
    for (int i = 0; i < 4; i++) {
      assertThat(receivers.get(i).join()).isEqualTo(new Received<>(i, true));
    }
    assertThat(ch.size()).isZero(); // every value went straight to a waiting receiver
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedSendersAreServedInArrivalOrder(Runner runner) throws Exception {
    Channel<Integer> ch = Channel.make();
    List<Task<Void>> senders = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int v = i;
      senders.add(runner.runBlocked(() -> ch.send(v)));
    }
    for (int i = 0; i < 5; i++) {
      assertThat(ch.receive()).isEqualTo(i);
    }
    for (Task<Void> s : senders) {
      s.join();
    }
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedSendersOfFullBufferFollowTheBufferInOrder(Runner runner) throws Exception {
    Channel<Integer> ch = Channel.make(2);
    ch.send(0);
    ch.send(1);
    List<Task<Void>> senders = new ArrayList<>();
    for (int i = 2; i < 6; i++) {
      int v = i;
      senders.add(runner.runBlocked(() -> ch.send(v)));
    }
    for (int i = 0; i < 6; i++) {
      assertThat(ch.receive()).isEqualTo(i);
      assertThat(ch.size()).isLessThanOrEqualTo(2);
    }
    for (Task<Void> s : senders) {
      s.join();
    }
    assertThat(ch.tryReceive()).isNull();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void fifoOrderSurvivesAWaiterLeavingFromTheMiddle(Runner runner) throws Exception {
    Channel<Integer> ch = Channel.make();
    Task<Integer> r1 = runner.callBlocked(ch::receive);
    Task<Integer> r2 = runner.callBlocked(ch::receive);
    Task<Received<Integer>> r3 = runner.callBlocked(() -> ch.receive(Duration.ofMillis(500)));
    Task<Integer> r4 = runner.callBlocked(ch::receive);
    r2.thread().interrupt(); // leaves by interrupt
    assertThat(r2.failure()).isInstanceOf(InterruptedException.class);
    assertThat(r3.join()).as("leaves by timeout").isNull();
    ch.send(1);
    ch.send(2);
    assertThat(r1.join()).isEqualTo(1);
    assertThat(r4.join()).isEqualTo(2);

    Channel<Integer> out = Channel.make();
    Task<Void> s1 = runner.runBlocked(() -> out.send(1));
    Task<Void> s2 = runner.runBlocked(() -> out.send(2));
    Task<Void> s3 = runner.runBlocked(() -> out.send(3));
    s2.thread().interrupt();
    assertThat(s2.failure()).isInstanceOf(InterruptedException.class);
    assertThat(out.receive()).isEqualTo(1);
    assertThat(out.receive()).isEqualTo(3);
    s1.join();
    s3.join();
    assertThat(TestSupport.noWaiters(out)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedGoroutinesSayWhatTheyWaitOn(Runner runner) throws Exception {
    Channel<String> ch = Channel.make();
    Task<String> receiver = runner.call(ch::receive);
    Waiter w = TestSupport.awaitParked(receiver.thread());
    assertThat(w.reason()).isEqualTo(WaitReason.CHAN_RECEIVE);
    assertThat(w.reason().goName()).isEqualTo("chan receive");
    assertThat(w.waitingOn()).as("names the channel").isSameAs(ch);
    assertThat(String.valueOf(w.waitingOn())).isEqualTo(ch.toString());
    assertThat(w.thread()).isSameAs(receiver.thread());
    ch.send("v");
    receiver.join();
    Task<Void> sender = runner.run(() -> ch.send("w"));
    Waiter sw = TestSupport.awaitParked(sender.thread());
    assertThat(sw.reason()).isEqualTo(WaitReason.CHAN_SEND);
    assertThat(sw.reason().goName()).isEqualTo("chan send");
    assertThat(ch.receive()).isEqualTo("w");
    sender.join();
  }

  // ------------------------------------------------------------------ interrupts

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptedSendThrowsClearsFlagAndDeliversNothing(Runner runner) throws Exception {
    Channel<String> ch = Channel.make();
    Task<Boolean> sender =
        runner.callBlocked(
            () -> {
              try {
                ch.send("interrupted");
                return null;
              } catch (InterruptedException e) {
                return Thread.currentThread().isInterrupted();
              }
            });
    sender.thread().interrupt();
    assertThat(sender.join()).as("flag after InterruptedException").isFalse();
    assertThat(ch.tryReceive()).as("nothing was sent").isNull();
    assertThat(TestSupport.noWaiters(ch)).isTrue();
    Task<Void> later = runner.runBlocked(() -> ch.send("later"));
    assertThat(ch.receive()).isEqualTo("later");
    later.join();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptedSendOnFullBufferDeliversNothing(Runner runner) throws Exception {
    Channel<String> ch = Channel.make(1);
    ch.send("first");
    Task<Void> sender = runner.runBlocked(() -> ch.send("interrupted"));
    sender.thread().interrupt();
    assertThat(sender.failure()).isInstanceOf(InterruptedException.class);
    assertThat(ch.receive()).isEqualTo("first");
    assertThat(ch.tryReceive()).isNull();
    assertThat(ch.size()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptedTimedSendDeliversNothing(Runner runner) throws Exception {
    Channel<String> ch = Channel.make();
    Task<Boolean> sender = runner.callBlocked(() -> ch.send("interrupted", Duration.ofMinutes(1)));
    sender.thread().interrupt();
    assertThat(sender.failure()).isInstanceOf(InterruptedException.class);
    assertThat(ch.tryReceive()).isNull();
    assertThat(TestSupport.noWaiters(ch)).isTrue();
  }

  /** The three blocking receive forms, for the interrupt tests. */
  enum ReceiveForm {
    RECEIVE,
    RECEIVE_OK,
    RECEIVE_TIMED;

    Object receive(Channel<String> ch) throws InterruptedException {
      return switch (this) {
        case RECEIVE -> ch.receive();
        case RECEIVE_OK -> ch.receiveOk();
        case RECEIVE_TIMED -> ch.receive(Duration.ofMinutes(1));
      };
    }
  }

  @ParameterizedTest
  @EnumSource(ReceiveForm.class)
  void interruptedReceiveThrowsClearsFlagAndConsumesNothing(ReceiveForm form) throws Exception {
    for (Runner runner : Runner.values()) {
      Channel<String> ch = Channel.make();
      Task<Boolean> receiver =
          runner.callBlocked(
              () -> {
                try {
                  form.receive(ch);
                  return null;
                } catch (InterruptedException e) {
                  return Thread.currentThread().isInterrupted();
                }
              });
      receiver.thread().interrupt();
      assertThat(receiver.join()).as("flag after InterruptedException").isFalse();
      // the interrupted receiver is gone: nobody is waiting, so a non-blocking send fails
      assertThat(ch.trySend("nobody")).isFalse();
      assertThat(TestSupport.noWaiters(ch)).isTrue();
      // and a value sent later goes to someone else
      Task<Void> sender = runner.runBlocked(() -> ch.send("later"));
      assertThat(ch.receive()).isEqualTo("later");
      sender.join();
    }
  }

  @Test
  void interruptFlagSetOnEntryThrowsFromEveryBlockingForm() throws InterruptedException {
    // each operation could proceed at once: the flag is checked on entry all the same
    Channel<String> empty = Channel.make(1);
    for (Threads.VoidBody send :
        List.<Threads.VoidBody>of(
            () -> empty.send("x"), () -> empty.send("x", Duration.ofSeconds(1)))) {
      Thread.currentThread().interrupt();
      assertThatThrownBy(send::run).isInstanceOf(InterruptedException.class);
      assertThat(Thread.interrupted()).as("flag cleared").isFalse();
      assertThat(empty.size()).as("nothing sent").isZero();
    }
    Channel<String> full = Channel.make(1);
    full.send("buffered");
    for (Threads.VoidBody receive :
        List.<Threads.VoidBody>of(
            full::receive, full::receiveOk, () -> full.receive(Duration.ofSeconds(1)))) {
      Thread.currentThread().interrupt();
      assertThatThrownBy(receive::run).isInstanceOf(InterruptedException.class);
      assertThat(Thread.interrupted()).as("flag cleared").isFalse();
      assertThat(full.size()).as("nothing consumed").isEqualTo(1);
    }
  }

  @Test
  void nonBlockingFormsIgnoreAndKeepTheInterruptFlag() {
    Channel<String> ch = Channel.make(1);
    Thread.currentThread().interrupt();
    assertThat(ch.trySend("a")).isTrue();
    assertThat(ch.trySend("b")).isFalse();
    assertThat(ch.tryReceive()).isEqualTo(new Received<>("a", true));
    assertThat(ch.tryReceive()).isNull();
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    Thread.interrupted();
  }

  @Test
  void zeroTimeoutFormsAreNonBlockingAndKeepTheInterruptFlag() throws InterruptedException {
    Channel<String> ch = Channel.make(1);
    Thread.currentThread().interrupt();
    assertThat(ch.send("a", Duration.ZERO)).isTrue();
    assertThat(ch.receive(Duration.ZERO)).isEqualTo(new Received<>("a", true));
    assertThat(Thread.interrupted()).isTrue();
  }

  // ------------------------------------------------------------------ bounded forms

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void timedSendTimesOutAndDeliversNothing(int capacity) throws InterruptedException {
    Channel<String> ch = Channel.make(capacity);
    if (capacity > 0) {
      ch.send("fill");
    }
    assertThat(ch.send("late", Duration.ofMillis(20))).isFalse();
    assertThat(TestSupport.noWaiters(ch)).isTrue();
    if (capacity > 0) {
      assertThat(ch.receive()).isEqualTo("fill");
    }
    assertThat(ch.tryReceive()).as("the timed-out value was not delivered").isNull();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void timedSendSucceedsWhenReceiverArrives(Runner runner) throws Exception {
    Channel<String> ch = Channel.make();
    Task<Boolean> sender = runner.callBlocked(() -> ch.send("v", Duration.ofMinutes(1)));
    assertThat(ch.receive()).isEqualTo("v");
    assertThat(sender.join()).isTrue();
  }

  @Test
  void timedReceiveReturnsNullOnTimeoutAndClosedWhenClosed() throws InterruptedException {
    Channel<String> ch = Channel.make(1);
    assertThat(ch.receive(Duration.ofMillis(20))).isNull();
    assertThat(TestSupport.noWaiters(ch)).isTrue();
    ch.send("v");
    assertThat(ch.receive(Duration.ofMillis(20))).isEqualTo(new Received<>("v", true));
    ch.close();
    assertThat(ch.receive(Duration.ofMillis(20))).isEqualTo(Received.closed());
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void timedReceiveGetsValueSentWhileWaiting(Runner runner) throws Exception {
    Channel<String> ch = Channel.make();
    Task<Received<String>> receiver = runner.callBlocked(() -> ch.receive(Duration.ofMinutes(1)));
    ch.send("v");
    assertThat(receiver.join()).isEqualTo(new Received<>("v", true));
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void timedFormsAreWokenByClose(Runner runner) throws Exception {
    Channel<String> ch = Channel.make();
    Task<Received<String>> receiver = runner.callBlocked(() -> ch.receive(Duration.ofMinutes(1)));
    ch.close();
    assertThat(receiver.join()).isEqualTo(Received.closed());
    Channel<String> ch2 = Channel.make();
    Task<Boolean> sender = runner.callBlocked(() -> ch2.send("v", Duration.ofMinutes(1)));
    ch2.close();
    assertThat(sender.failure())
        .isInstanceOf(ChannelClosedException.class)
        .hasMessage("send on closed channel");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, -1_000_000_000L})
  void zeroAndNegativeTimeoutsBehaveLikeTryForms(long nanos) throws InterruptedException {
    Duration d = Duration.ofNanos(nanos);
    Channel<String> unbuffered = Channel.make();
    assertThat(unbuffered.send("x", d)).isFalse(); // no receiver: would block
    assertThat(unbuffered.receive(d)).isNull(); // no sender: would block
    Channel<String> buffered = Channel.make(1);
    assertThat(buffered.send("x", d)).isTrue();
    assertThat(buffered.send("y", d)).isFalse();
    assertThat(buffered.receive(d)).isEqualTo(new Received<>("x", true));
    assertThat(buffered.receive(d)).isNull();
    buffered.close();
    assertThat(buffered.receive(d)).isEqualTo(Received.closed());
    assertThatThrownBy(() -> buffered.send("z", d)).isInstanceOf(ChannelClosedException.class);
    assertThat(Channel.<String>make().receive(Duration.ofSeconds(Long.MIN_VALUE))).isNull();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void hugeTimeoutIsAWaitWithoutDeadline(Runner runner) throws Exception {
    Channel<String> ch = Channel.make();
    Duration forever = Duration.ofSeconds(Long.MAX_VALUE); // overflows nanoseconds
    Task<Received<String>> receiver = runner.callBlocked(() -> ch.receive(forever));
    assertThat(ch.send("v", forever)).isTrue();
    assertThat(receiver.join()).isEqualTo(new Received<>("v", true));
  }
}
