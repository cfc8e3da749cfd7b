package dev.runnel;

import static dev.runnel.testkit.Threads.awaitParked;
import static dev.runnel.testkit.Threads.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.context.ContextCanceledException;
import dev.runnel.context.DeadlineExceededException;
import dev.runnel.internal.CancelScope;
import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import dev.runnel.testkit.Racer;
import dev.runnel.testkit.TestContexts;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import dev.runnel.time.ManualClock;
import dev.runnel.time.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The context-aware channel operations, {@code send(ctx, e)}, {@code receive(ctx)} and {@code
 * receiveOk(ctx)}: Go's {@code select} between the channel operation and {@code <-ctx.Done()}.
 * A context done on entry fails the operation even when the channel is ready; a cancellation
 * during the wait throws {@code ctx.err()} and leaves the channel as if the call never happened.
 */
@Timeout(20)
class ChannelContextTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted(); // never leak a flag into the next test
  }



  // ------------------------------------------------------------------ completes normally

  @ParameterizedTest
  @EnumSource(Runner.class)
  void sendWithContextCompletesWhenAReceiverIsWaiting(Runner runner) throws Exception {
    Channel<Integer> ch = Channel.make();
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Task<Integer> receiver = runner.callBlocked(ch::receive);
      ch.send(ctx, 7);
      assertThat(receiver.join()).isEqualTo(7);
      assertThat(ctx.err()).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedSendWithContextCompletesWhenAReceiverArrives(Runner runner) throws Exception {
    Channel<Integer> ch = Channel.make();
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Task<Void> sender = runner.run(() -> ch.send(ctx, 8));
      Waiter w = awaitParked(sender.thread(), WaitReason.CHAN_SEND);
      assertThat(w.waitingOn()).isSameAs(ch);
      assertThat(ch.receive()).isEqualTo(8);
      sender.join();
    }
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedReceiveWithContextCompletesWhenASenderArrives(Runner runner) throws Exception {
    Channel<String> ch = Channel.make();
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Task<String> receiver = runner.call(() -> ch.receive(ctx));
      Waiter w = awaitParked(receiver.thread(), WaitReason.CHAN_RECEIVE);
      assertThat(w.waitingOn()).isSameAs(ch);
      ch.send("a");
      assertThat(receiver.join()).isEqualTo("a");

      Task<Received<String>> okReceiver = runner.call(() -> ch.receiveOk(ctx));
      awaitParked(okReceiver.thread(), WaitReason.CHAN_RECEIVE);
      ch.send("b");
      assertThat(okReceiver.join()).isEqualTo(new Received<>("b", true));
    }
  }

  @Test
  void bufferedChannelServesContextFormsWithoutBlocking() throws Exception {
    Channel<Integer> ch = Channel.make(2);
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      ch.send(ctx, 1);
      ch.send(ctx, 2);
      assertThat(ch.size()).isEqualTo(2);
      assertThat(ch.receive(ctx)).isEqualTo(1);
      assertThat(ch.receiveOk(ctx)).isEqualTo(new Received<>(2, true));
      assertThat(ch.size()).isZero();
    }
  }

  // ------------------------------------------------------------------ done on entry

  @ParameterizedTest
  @EnumSource(Runner.class)
  void sendWithDoneContextThrowsEvenWithAReceiverWaitingAndSendsNothing(Runner runner)
      throws Exception {
    Channel<Integer> ch = Channel.make();
    CancelContext ctx = TestContexts.cancelled();
    Task<Integer> receiver = runner.callBlocked(ch::receive);
    assertThatThrownBy(() -> ch.send(ctx, 1)).isSameAs(ctx.err());
    assertThat(receiver.isDone()).as("nothing was handed to the receiver").isFalse();
    assertThat(ch.trySend(2)).as("the receiver is still queued").isTrue();
    assertThat(receiver.join()).isEqualTo(2);
  }

  @Test
  void sendWithDoneContextThrowsEvenWithRoomInTheBuffer() {
    Channel<Integer> ch = Channel.make(1);
    CancelContext ctx = TestContexts.cancelled();
    assertThatThrownBy(() -> ch.send(ctx, 1)).isSameAs(ctx.err());
    assertThat(ch.size()).isZero();
    assertThat(ch.tryReceive()).isNull();
  }

  @Test
  void receiveWithDoneContextThrowsEvenWithAValueBufferedAndConsumesNothing() {
    Channel<Integer> ch = Channel.make(1);
    assertThat(ch.trySend(5)).isTrue();
    CancelContext ctx = TestContexts.cancelled();
    assertThatThrownBy(() -> ch.receive(ctx)).isSameAs(ctx.err());
    assertThatThrownBy(() -> ch.receiveOk(ctx)).isSameAs(ctx.err());
    assertThat(ch.size()).isEqualTo(1);
    assertThat(ch.tryReceive()).isEqualTo(new Received<>(5, true));
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void receiveWithDoneContextThrowsEvenWithASenderWaiting(Runner runner) throws Exception {
    Channel<Integer> ch = Channel.make();
    CancelContext ctx = TestContexts.cancelled();
    Task<Void> sender = runner.runBlocked(() -> ch.send(3));
    assertThatThrownBy(() -> ch.receive(ctx)).isSameAs(ctx.err());
    assertThatThrownBy(() -> ch.receiveOk(ctx)).isSameAs(ctx.err());
    assertThat(sender.isDone()).isFalse();
    assertThat(ch.receive()).isEqualTo(3);
    sender.join();
  }

  @Test
  void receiveWithDoneContextThrowsEvenOnAClosedChannel() {
    // A closed channel is always ready to receive; the done context still wins, as documented.
    Channel<Integer> ch = Channel.make();
    ch.close();
    CancelContext ctx = TestContexts.cancelled();
    assertThatThrownBy(() -> ch.receive(ctx)).isSameAs(ctx.err());
    assertThatThrownBy(() -> ch.receiveOk(ctx)).isSameAs(ctx.err());
  }

  @Test
  void doneContextThrowsTheSameInstanceEveryTime() {
    Channel<Integer> ch = Channel.make(4);
    CancelContext ctx = TestContexts.cancelled();
    CancellationException err = ctx.err();
    assertThat(err).isInstanceOf(ContextCanceledException.class);
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> ch.send(ctx, 1)).isSameAs(err);
      assertThatThrownBy(() -> ch.receive(ctx)).isSameAs(err);
    }
  }

  // ------------------------------------------------------------------ cancelled while blocked

  @ParameterizedTest
  @EnumSource(Runner.class)
  void receiveCancelledWhileBlockedThrowsAndLeavesNoReceiverQueued(Runner runner)
      throws Exception {
    Channel<Integer> ch = Channel.make();
    CancelContext ctx = Context.withCancel(Context.background());
    Task<Integer> receiver = runner.call(() -> ch.receive(ctx));
    awaitParked(receiver.thread(), WaitReason.CHAN_RECEIVE);
    ctx.cancel();
    assertThat(receiver.failure())
        .isInstanceOf(ContextCanceledException.class)
        .isSameAs(ctx.err());
    assertThat(ch.trySend(1)).as("no receiver left queued").isFalse();
    assertThat(TestSupport.noWaiters(ch)).isTrue();
    // the channel works on as if the call never happened: a later pair meets
    Task<Integer> later = runner.callBlocked(ch::receive);
    ch.send(2);
    assertThat(later.join()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void receiveOkCancelledWhileBlockedThrows(Runner runner) throws Exception {
    Channel<Integer> ch = Channel.make(1);
    CancelContext ctx = Context.withCancel(Context.background());
    Task<Received<Integer>> receiver = runner.call(() -> ch.receiveOk(ctx));
    awaitParked(receiver.thread(), WaitReason.CHAN_RECEIVE);
    ctx.cancel();
    assertThat(receiver.failure()).isSameAs(ctx.err());
    assertThat(ch.trySend(1)).as("the value goes to the buffer, not to the gone receiver").isTrue();
    assertThat(ch.size()).isEqualTo(1);
    assertThat(TestSupport.noWaiters(ch)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void sendCancelledWhileBlockedThrowsAndItsValueIsNeverReceived(Runner runner) throws Exception {
    Channel<Integer> ch = Channel.make();
    CancelContext ctx = Context.withCancel(Context.background());
    Task<Void> sender = runner.run(() -> ch.send(ctx, 1));
    awaitParked(sender.thread(), WaitReason.CHAN_SEND);
    ctx.cancel();
    assertThat(sender.failure()).isSameAs(ctx.err());
    assertThat(ch.tryReceive()).as("the cancelled value is gone").isNull();
    assertThat(TestSupport.noWaiters(ch)).isTrue();
    // a later sender pairs with a later receiver, and its value is the one received
    Task<Void> later = runner.runBlocked(() -> ch.send(2));
    assertThat(ch.receive()).isEqualTo(2);
    later.join();
    assertThat(ch.tryReceive()).isNull();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void sendToFullBufferCancelledWhileBlockedLeavesTheBufferAsItWas(Runner runner)
      throws Exception {
    Channel<Integer> ch = Channel.make(1);
    ch.send(1);
    CancelContext ctx = Context.withCancel(Context.background());
    Task<Void> sender = runner.run(() -> ch.send(ctx, 2));
    awaitParked(sender.thread(), WaitReason.CHAN_SEND);
    ctx.cancel();
    assertThat(sender.failure()).isSameAs(ctx.err());
    assertThat(ch.receive()).isEqualTo(1);
    assertThat(ch.tryReceive()).as("2 never entered the buffer").isNull();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelledWaiterInTheMiddleKeepsFifoOrderForTheOthers(Runner runner) throws Exception {
    Channel<Integer> ch = Channel.make();
    CancelContext ctx = Context.withCancel(Context.background());
    Task<Integer> first = runner.callBlocked(ch::receive);
    Task<Integer> middle = runner.call(() -> ch.receive(ctx));
    awaitParked(middle.thread());
    Task<Integer> last = runner.callBlocked(ch::receive);
    ctx.cancel();
    assertThat(middle.failure()).isSameAs(ctx.err());
    ch.send(1);
    ch.send(2);
    assertThat(first.join()).isEqualTo(1);
    assertThat(last.join()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void parentCancellationEndsTheWaitWithTheSharedError(Runner runner) throws Exception {
    Channel<Integer> ch = Channel.make();
    CancelContext parent = Context.withCancel(Context.background());
    Context child = Context.withValue(Context.withCancel(parent), "k", "v");
    Task<Integer> receiver = runner.call(() -> ch.receive(child));
    awaitParked(receiver.thread(), WaitReason.CHAN_RECEIVE);
    IllegalStateException cause = new IllegalStateException("shutting down");
    parent.cancel(cause);
    Throwable thrown = receiver.failure();
    assertThat(thrown).isSameAs(child.err()).isSameAs(parent.err());
    assertThat(child.cause()).isSameAs(cause);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void deadlineWhileBlockedThrowsDeadlineExceeded(Runner runner) throws Exception {
    ManualClock clock = new ManualClock();
    CancelContext ctx =
        Context.withTimeout(Context.withClock(Context.background(), clock), Duration.ofSeconds(1));
    Channel<Integer> a = Channel.make();
    Channel<Integer> b = Channel.make();
    Task<Integer> waitingReceiver = runner.call(() -> a.receive(ctx));
    Task<Void> waitingSender = runner.run(() -> b.send(ctx, 3));
    awaitParked(waitingReceiver.thread(), WaitReason.CHAN_RECEIVE);
    awaitParked(waitingSender.thread(), WaitReason.CHAN_SEND);
    clock.advance(Duration.ofMillis(999));
    assertThat(ctx.err()).isNull();
    assertThat(waitingReceiver.isDone()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(waitingReceiver.failure())
        .isInstanceOf(DeadlineExceededException.class)
        .isSameAs(ctx.err());
    assertThat(waitingSender.failure()).isSameAs(ctx.err());
    assertThat(a.trySend(1)).isFalse();
    assertThat(b.tryReceive()).isNull();
  }

  // ------------------------------------------------------------------ close and interrupt

  @ParameterizedTest
  @EnumSource(Runner.class)
  void closeWhileBlockedEndsContextReceivesAsClosed(Runner runner) throws Exception {
    Channel<Integer> ch = Channel.make();
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Task<Integer> receiver = runner.call(() -> ch.receive(ctx));
      Task<Received<Integer>> okReceiver = runner.call(() -> ch.receiveOk(ctx));
      awaitParked(receiver.thread(), WaitReason.CHAN_RECEIVE);
      awaitParked(okReceiver.thread(), WaitReason.CHAN_RECEIVE);
      ch.close();
      assertThat(receiver.join()).isNull();
      assertThat(okReceiver.join()).isEqualTo(Received.closed());
      assertThat(ctx.err()).isNull();
      // closed and live context: receive(ctx) returns closed at once
      assertThat(ch.receive(ctx)).isNull();
      assertThat(ch.receiveOk(ctx)).isEqualTo(Received.closed());
    }
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void closeWhileBlockedMakesAContextSendThrowChannelClosed(Runner runner) throws Exception {
    Channel<Integer> ch = Channel.make();
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Task<Void> sender = runner.run(() -> ch.send(ctx, 1));
      awaitParked(sender.thread(), WaitReason.CHAN_SEND);
      ch.close();
      assertThat(sender.failure())
          .isInstanceOf(ChannelClosedException.class)
          .hasMessage("send on closed channel");
      assertThatThrownBy(() -> ch.send(ctx, 2))
          .isInstanceOf(ChannelClosedException.class)
          .hasMessage("send on closed channel");
    }
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptWhileBlockedStillThrowsInterruptedException(Runner runner) throws Exception {
    Channel<Integer> ch = Channel.make();
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Task<Integer> receiver =
          runner.call(
              () -> {
                try {
                  return ch.receive(ctx);
                } finally {
                  assertThat(Thread.currentThread().isInterrupted()).as("flag cleared").isFalse();
                }
              });
      awaitParked(receiver.thread(), WaitReason.CHAN_RECEIVE);
      receiver.thread().interrupt();
      assertThat(receiver.failure()).isInstanceOf(InterruptedException.class);

      Task<Void> sender = runner.run(() -> ch.send(ctx, 1));
      awaitParked(sender.thread(), WaitReason.CHAN_SEND);
      sender.thread().interrupt();
      assertThat(sender.failure()).isInstanceOf(InterruptedException.class);

      assertThat(ctx.err()).as("an interrupt does not cancel the context").isNull();
      assertThat(TestSupport.noWaiters(ch)).isTrue();
      assertThat(ch.trySend(1)).isFalse();
      assertThat(ch.tryReceive()).isNull();
    }
  }

  @Test
  void interruptedOnEntryThrowsInterruptedException() {
    Channel<Integer> ch = Channel.make();
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> ch.receive(ctx)).isInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> ch.send(ctx, 1)).isInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
  }

  // ------------------------------------------------------------------ races

  /**
   * A blocked {@code receive(ctx)} raced by a cancel and a {@code trySend}: the value reached the
   * receiver (trySend true, receive returned it) or it did not (trySend false, receive threw),
   * never both and never neither.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelRacingAHandOffToAReceiverEitherDeliversOrThrowsNeverBoth(Runner runner)
      throws Exception {
    int delivered = 0;
    int cancelled = 0;
    for (int round = 0; round < 300; round++) {
      Channel<Integer> ch = Channel.make();
      CancelContext ctx = Context.withCancel(Context.background());
      Task<Integer> receiver = runner.call(() -> ch.receive(ctx));
      awaitParked(receiver.thread(), WaitReason.CHAN_RECEIVE);
      Racer canceller = Racer.start(runner, round, ctx::cancel);
      canceller.go();
      boolean sent = ch.trySend(round);
      canceller.join();
      if (sent) {
        assertThat(receiver.join()).as("round %d", round).isEqualTo(round);
        delivered++;
      } else {
        assertThat(receiver.failure()).as("round %d", round).isSameAs(ctx.err());
        cancelled++;
      }
      assertThat(TestSupport.noWaiters(ch)).as("round %d", round).isTrue();
    }
    assertThat(delivered + cancelled).isEqualTo(300);
  }

  /**
   * A blocked {@code send(ctx, v)} raced by a cancel and a {@code tryReceive}: the send returned
   * normally exactly when the value was received.
   */
  @ParameterizedTest
  @EnumSource(Runner.class)
  void cancelRacingAHandOffFromASenderEitherDeliversOrThrowsNeverBoth(Runner runner)
      throws Exception {
    for (int round = 0; round < 300; round++) {
      Channel<Integer> ch = Channel.make();
      CancelContext ctx = Context.withCancel(Context.background());
      int v = round;
      Task<Void> sender = runner.run(() -> ch.send(ctx, v));
      awaitParked(sender.thread(), WaitReason.CHAN_SEND);
      Racer canceller = Racer.start(runner, round, ctx::cancel);
      canceller.go();
      Received<Integer> got = ch.tryReceive();
      canceller.join();
      if (got != null) {
        assertThat(got).as("round %d", round).isEqualTo(new Received<>(round, true));
        sender.join();
      } else {
        assertThat(sender.failure()).as("round %d", round).isSameAs(ctx.err());
      }
      assertThat(ch.tryReceive()).as("round %d: nothing left over", round).isNull();
    }
  }

  /**
   * Several senders and receivers stream values with {@code send(ctx)}/{@code receive(ctx)} until
   * the context is cancelled mid-stream: every value whose send returned normally is received (or
   * still buffered) exactly once, and no value whose send threw shows up anywhere.
   */
  @ParameterizedTest
  @ValueSource(ints = {0, 3})
  void streamCancelledMidwayLosesAndDuplicatesNothing(int capacity) throws Exception {
    for (Runner runner : Runner.values()) {
      for (int round = 0; round < 5; round++) {
        Channel<Integer> ch = Channel.make(capacity);
        CancelContext ctx = Context.withCancel(Context.background());
        Set<Integer> sentOk = ConcurrentHashMap.newKeySet();
        List<Integer> received = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger receivedCount = new AtomicInteger();
        List<Task<Void>> tasks = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
          int base = s * 1_000_000;
          tasks.add(
              runner.run(
                  () -> {
                    for (int i = base; ; i++) {
                      try {
                        ch.send(ctx, i);
                      } catch (CancellationException e) {
                        assertThat(e).isSameAs(ctx.err());
                        return;
                      }
                      sentOk.add(i);
                    }
                  }));
        }
        for (int r = 0; r < 3; r++) {
          tasks.add(
              runner.run(
                  () -> {
                    for (; ; ) {
                      Integer v;
                      try {
                        v = ch.receive(ctx);
                      } catch (CancellationException e) {
                        assertThat(e).isSameAs(ctx.err());
                        return;
                      }
                      received.add(v);
                      receivedCount.incrementAndGet();
                    }
                  }));
        }
        eventually("values flowed", () -> receivedCount.get() >= 500);
        ctx.cancel();
        for (Task<Void> t : tasks) {
          t.join();
        }
        List<Integer> all = new ArrayList<>(received);
        for (Received<Integer> r; (r = ch.tryReceive()) != null; ) {
          all.add(r.value()); // sent into the buffer before the cancellation
        }
        assertThat(all.size()).as("%s round %d: no duplicates", runner, round)
            .isEqualTo(new HashSet<>(all).size());
        assertThat(new HashSet<>(all)).as("%s round %d: received = sent", runner, round)
            .isEqualTo(sentOk);
        assertThat(TestSupport.noWaiters(ch)).isTrue();
      }
    }
  }

  // ------------------------------------------------------------------ receive-only views

  @ParameterizedTest
  @EnumSource(Runner.class)
  void receiveWithContextOnAnotherContextsDoneReturnsWhenThatOneIsCancelled(Runner runner)
      throws Exception {
    CancelContext watched = Context.withCancel(Context.background());
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      ReceiveChannel<?> done = watched.done();
      Task<Received<?>> waiter = runner.call(() -> done.receiveOk(ctx));
      awaitParked(waiter.thread());
      watched.cancel();
      assertThat(waiter.join()).isEqualTo(Received.closed());
      assertThat(done.receive(ctx)).as("closed: ready at once").isNull();
      assertThat(ctx.err()).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void receiveWithContextOnAnotherContextsDoneThrowsWhenItsOwnContextIsCancelled(Runner runner)
      throws Exception {
    try (CancelContext watched = Context.withCancel(Context.background())) {
      CancelContext ctx = Context.withCancel(Context.background());
      Task<Object> waiter = runner.call(() -> watched.done().receive(ctx));
      awaitParked(waiter.thread());
      ctx.cancel();
      assertThat(waiter.failure()).isSameAs(ctx.err());
      assertThat(watched.err()).isNull();
      // done on entry wins even over a closed done channel
      watched.cancel();
      assertThatThrownBy(() -> watched.done().receive(ctx)).isSameAs(ctx.err());
    }
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void receiveWithContextOnANeverClosingDoneParksAsNilChannelUntilCancelled(Runner runner)
      throws Exception {
    ReceiveChannel<?> never = Context.background().done();
    CancelContext ctx = Context.withCancel(Context.background());
    Task<Object> waiter = runner.call(() -> never.receive(ctx));
    awaitParked(waiter.thread(), WaitReason.CHAN_RECEIVE_NIL);
    ctx.cancel();
    assertThat(waiter.failure()).isSameAs(ctx.err());
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void receiveWithContextOnATimerChannelGetsTheTick(Runner runner) throws Exception {
    ManualClock clock = new ManualClock();
    Timer timer = clock.newTimer(Duration.ofSeconds(1));
    Instant due = clock.now().plusSeconds(1);
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      Task<Instant> waiter = runner.call(() -> timer.c().receive(ctx));
      awaitParked(waiter.thread(), WaitReason.CHAN_RECEIVE);
      clock.awaitPendingTimers(1);
      clock.advance(Duration.ofSeconds(1));
      assertThat(waiter.join()).isEqualTo(due);
    }
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void receiveWithContextOnATimerChannelCancelledLeavesTheTickForALaterReceiver(Runner runner)
      throws Exception {
    ManualClock clock = new ManualClock();
    Timer timer = clock.newTimer(Duration.ofSeconds(1));
    Instant due = clock.now().plusSeconds(1);
    CancelContext ctx = Context.withCancel(Context.background());
    Task<Instant> waiter = runner.call(() -> timer.c().receive(ctx));
    awaitParked(waiter.thread(), WaitReason.CHAN_RECEIVE);
    clock.awaitPendingTimers(1);
    ctx.cancel();
    assertThat(waiter.failure()).isSameAs(ctx.err());
    eventually("the timer is no longer queued for a receiver", () -> clock.pendingTimers() == 0);
    clock.advance(Duration.ofSeconds(1));
    // the timer still fired for whoever receives next
    assertThat(timer.c().tryReceive()).isEqualTo(new Received<>(due, true));
    assertThat(timer.c().tryReceive()).isNull();
  }

  @Test
  void receiveWithDoneContextOnAFiredTimerThrowsAndLeavesTheTick() throws Exception {
    ManualClock clock = new ManualClock();
    Timer timer = clock.newTimer(Duration.ofSeconds(1));
    Instant due = clock.now().plusSeconds(1);
    clock.advance(Duration.ofSeconds(2));
    CancelContext ctx = TestContexts.cancelled();
    assertThatThrownBy(() -> timer.c().receive(ctx)).isSameAs(ctx.err());
    assertThatThrownBy(() -> timer.c().receiveOk(ctx)).isSameAs(ctx.err());
    try (CancelContext live = Context.withCancel(Context.background())) {
      assertThat(timer.c().receive(live)).isEqualTo(due);
    }
  }

  // ------------------------------------------------------------------ contexts that never end

  @ParameterizedTest
  @EnumSource(Runner.class)
  void backgroundContextWorksLikeThePlainForms(Runner runner) throws Exception {
    Context bg = Context.background();
    Channel<Integer> ch = Channel.make();
    Task<Integer> receiver = runner.call(() -> ch.receive(bg));
    awaitParked(receiver.thread(), WaitReason.CHAN_RECEIVE);
    ch.send(bg, 1);
    assertThat(receiver.join()).isEqualTo(1);
    Task<Void> sender = runner.run(() -> ch.send(bg, 2));
    awaitParked(sender.thread(), WaitReason.CHAN_SEND);
    assertThat(ch.receiveOk(bg)).isEqualTo(new Received<>(2, true));
    sender.join();
    ch.close();
    assertThat(ch.receive(bg)).isNull();
  }

  @Test
  void contextsThatCanNeverBeCancelledRegisterNothing() {
    // No scope: the context forms then wait exactly as the plain ones, with no registration.
    CancelContext cancelledParent = TestContexts.cancelled();
    assertThat(CancelScope.of(Context.background())).isNull();
    assertThat(CancelScope.of(Context.todo())).isNull();
    assertThat(CancelScope.of(Context.withValue(Context.background(), "k", 1))).isNull();
    assertThat(CancelScope.of(Context.withoutCancel(cancelledParent))).isNull();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void withoutCancelOfACancelledParentIsNeverDone(Runner runner) throws Exception {
    Context detached = Context.withoutCancel(TestContexts.cancelled());
    Channel<Integer> ch = Channel.make();
    Task<Integer> receiver = runner.call(() -> ch.receive(detached));
    awaitParked(receiver.thread(), WaitReason.CHAN_RECEIVE);
    ch.send(detached, 4);
    assertThat(receiver.join()).isEqualTo(4);
  }
}
