package dev.runnel.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.context.ContextCanceledException;
import dev.runnel.resilience.CallRejectedException;
import dev.runnel.resilience.Policy;
import dev.runnel.structured.Task;
import dev.runnel.time.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reporter's contract: batching, intake, redelivery and a shutdown that loses nothing. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventReporterTest {

  private final ManualClock clock = new ManualClock();

  /** Records delivered batches on a channel the test reads with a timeout. */
  private final Channel<List<Integer>> delivered = Channel.make(1000);

  private final EventSink<Integer> recording = (ctx, batch) -> delivered.send(List.copyOf(batch));

  @AfterEach
  void restorePanics() {
    Go.setPanicHandler(null);
  }

  private List<Integer> nextBatch() throws InterruptedException {
    var r = delivered.receive(Duration.ofSeconds(10));
    assertThat(r).as("a batch within 10 s").isNotNull();
    return r.value();
  }

  private static Context bg() {
    return Context.background();
  }

  @Test
  void aFullBatchIsDeliveredAtOnceInOrder() throws Exception {
    EventReporter<Integer> r =
        EventReporter.builder(recording).clock(clock).batchSize(3).build();
    for (int i = 1; i <= 6; i++) {
      r.report(bg(), i);
    }
    assertThat(nextBatch()).containsExactly(1, 2, 3);
    assertThat(nextBatch()).containsExactly(4, 5, 6);
    assertThat(r.shutdown(bg())).isEmpty();
    assertThat(r.stats()).isEqualTo(new EventReporter.Stats(6, 6, 0, 0, 0, 0));
  }

  @Test
  void aBatchThatDoesNotFillIsDeliveredWhenItsFirstEventIsMaxBatchAgeOld() throws Exception {
    EventReporter<Integer> r =
        EventReporter.builder(recording)
            .clock(clock)
            .batchSize(10)
            .maxBatchAge(Duration.ofSeconds(5))
            .build();
    r.report(bg(), 1);
    clock.awaitPendingTimers(1); // the sender holds event 1 and started the batch's age
    clock.advance(Duration.ofSeconds(4));
    assertThat(delivered.tryReceive()).as("nothing before the age").isNull();
    clock.advance(Duration.ofSeconds(1));
    assertThat(nextBatch()).containsExactly(1);
    assertThat(r.shutdown(bg())).isEmpty();
  }

  @Test
  void shutdownDeliversAPartialBatchWithoutWaitingForItsAge() throws Exception {
    EventReporter<Integer> r =
        EventReporter.builder(recording).clock(clock).batchSize(100).build();
    for (int i = 0; i < 250; i++) {
      r.report(bg(), i);
    }
    assertThat(r.shutdown(bg())).isEmpty();
    List<Integer> all = new ArrayList<>();
    for (var b = delivered.tryReceive(); b != null; b = delivered.tryReceive()) {
      assertThat(b.value()).hasSizeLessThanOrEqualTo(100);
      all.addAll(b.value());
    }
    assertThat(all).hasSize(250).doesNotHaveDuplicates();
    assertThat(r.stats().delivered()).isEqualTo(250);
    assertThat(r.stats().pending()).isZero();
  }

  /** A sink that signals when a delivery began and then waits for the test's go-ahead. */
  private static final class GatedSink implements EventSink<Integer> {
    final Channel<Integer> entered = Channel.make(100);
    final CountDownLatch gate = new CountDownLatch(1);
    final List<Integer> seen = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void deliver(Context ctx, List<? extends Integer> batch) throws Exception {
      entered.send(batch.get(0));
      gate.await();
      seen.addAll(batch);
    }
  }

  @Test
  void tryReportDropsTheNewEventWhenTheBufferIsFullAndCountsIt() throws Exception {
    GatedSink sink = new GatedSink();
    EventReporter<Integer> r =
        EventReporter.builder(sink).clock(clock).batchSize(1).capacity(2).build();
    assertThat(r.tryReport(1)).isTrue();
    assertThat(sink.entered.receive()).isEqualTo(1); // the sender holds 1: the buffer is empty
    assertThat(r.tryReport(2)).isTrue();
    assertThat(r.tryReport(3)).isTrue();
    assertThat(r.tryReport(4)).isFalse();
    assertThat(r.stats().dropped()).isEqualTo(1);
    sink.gate.countDown();
    assertThat(r.shutdown(bg())).isEmpty();
    assertThat(sink.seen).containsExactly(1, 2, 3);
    assertThat(r.stats()).isEqualTo(new EventReporter.Stats(4, 3, 1, 0, 0, 0));
  }

  @Test
  void reportWaitsForRoomUntilItsContextEnds() throws Exception {
    GatedSink sink = new GatedSink();
    EventReporter<Integer> r =
        EventReporter.builder(sink).clock(clock).batchSize(1).capacity(1).build();
    r.report(bg(), 1);
    sink.entered.receive();
    r.report(bg(), 2); // fills the buffer
    CancelContext ctx = Context.withCancel(bg());
    Channel<Throwable> outcome = Channel.make(1);
    Go.go(
        () -> {
          try {
            r.report(ctx, 3);
            outcome.send(new AssertionError("taken"));
          } catch (ContextCanceledException expected) {
            outcome.send(expected);
          }
        });
    assertThat(outcome.receive(Duration.ofMillis(50))).as("still waiting for room").isNull();
    ctx.cancel();
    assertThat(outcome.receive()).isInstanceOf(ContextCanceledException.class);
    sink.gate.countDown();
    assertThat(r.shutdown(bg())).isEmpty();
    assertThat(sink.seen).containsExactly(1, 2);
    assertThat(r.stats().reported()).isEqualTo(2);
  }

  @Test
  void afterTheShutdownBeganBothFormsRefuseAndNothingIsCounted() throws Exception {
    EventReporter<Integer> r = EventReporter.builder(recording).clock(clock).build();
    assertThat(r.shutdown(bg())).isEmpty();
    assertThatThrownBy(() -> r.report(bg(), 1))
        .isInstanceOf(RejectedExecutionException.class)
        .hasMessage("event reporter is shut down");
    assertThatThrownBy(() -> r.tryReport(1)).isInstanceOf(RejectedExecutionException.class);
    assertThat(r.stats().reported()).isZero();
    assertThat(r.shutdown(bg())).as("a second shutdown").isEmpty();
  }

  @Test
  void aBatchTheSinkFailedIsDeliveredAgainAfterTheRedeliveryDelay() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Channel<Integer> failedCalls = Channel.make(10);
    EventSink<Integer> flaky =
        (ctx, batch) -> {
          int call = calls.incrementAndGet();
          if (call <= 2) {
            failedCalls.send(call);
            throw new IOException("down");
          }
          delivered.send(List.copyOf(batch));
        };
    EventReporter<Integer> r =
        EventReporter.builder(flaky)
            .clock(clock)
            .batchSize(2)
            .redeliveryDelay(Duration.ofSeconds(3))
            .build();
    r.report(bg(), 1);
    r.report(bg(), 2);
    for (int failure = 1; failure <= 2; failure++) {
      assertThat(failedCalls.receive(Duration.ofSeconds(10)).value()).isEqualTo(failure);
      clock.awaitPendingTimers(1); // the batch's age timer is gone: this is the redelivery wait
      assertThat(r.stats().failedDeliveries()).isEqualTo(failure);
      clock.advance(Duration.ofSeconds(3));
    }
    assertThat(nextBatch()).containsExactly(1, 2);
    assertThat(r.shutdown(bg())).isEmpty();
    assertThat(r.stats()).isEqualTo(new EventReporter.Stats(2, 2, 0, 0, 2, 0));
  }

  @Test
  void aRefusalWithALongerRetryAfterIsWaitedOutNotHammered() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    Policy openOnce =
        new Policy() {
          @Override
          public <T> T call(Context ctx, Task<T> task) throws Exception {
            if (attempts.incrementAndGet() == 1) {
              throw new CallRejectedException("open", Duration.ofSeconds(10));
            }
            return task.run(ctx);
          }
        };
    EventReporter<Integer> r =
        EventReporter.builder(recording)
            .clock(clock)
            .batchSize(1)
            .delivery(openOnce)
            .redeliveryDelay(Duration.ofSeconds(1))
            .build();
    r.report(bg(), 7);
    clock.awaitPendingTimers(1);
    clock.advance(Duration.ofSeconds(9));
    assertThat(attempts.get()).as("not again before retryAfter").isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(nextBatch()).containsExactly(7);
    assertThat(attempts.get()).isEqualTo(2);
    assertThat(r.shutdown(bg())).isEmpty();
  }

  @Test
  void aShutdownWhoseDeadlinePassesReturnsExactlyTheEventsNotDelivered() throws Exception {
    EventSink<Integer> down =
        (ctx, batch) -> {
          throw new IOException("down");
        };
    EventReporter<Integer> r =
        EventReporter.builder(down).clock(clock).batchSize(2).capacity(10).build();
    for (int i = 0; i < 5; i++) {
      r.report(bg(), i);
    }
    clock.awaitPendingTimers(1); // the sender failed once and waits to deliver its batch again
    CancelContext expired = Context.withCancel(bg());
    expired.cancel();
    assertThat(r.shutdown(expired)).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    EventReporter.Stats s = r.stats();
    assertThat(s.returned()).isEqualTo(5);
    assertThat(s.delivered()).isZero();
    assertThat(s.pending()).isZero();
  }

  @Test
  void whatTheDeadlineLeftGoesToTheFallbackSink() throws Exception {
    EventSink<Integer> down =
        (ctx, batch) -> {
          throw new IOException("down");
        };
    List<Integer> saved = new ArrayList<>();
    EventReporter<Integer> r =
        EventReporter.builder(down)
            .clock(clock)
            .batchSize(2)
            .fallback((ctx, batch) -> {
              assertThat(ctx.err()).as("the fallback's context is live").isNull();
              saved.addAll(batch);
            })
            .build();
    for (int i = 0; i < 3; i++) {
      r.report(bg(), i);
    }
    CancelContext expired = Context.withCancel(bg());
    expired.cancel();
    assertThat(r.shutdown(expired)).isEmpty();
    assertThat(saved).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(r.stats().returned()).isEqualTo(3);
  }

  @Test
  void aFailingFallbackIsReportedAndItsEventsAreReturned() throws Exception {
    Channel<Throwable> panics = Channel.make(10);
    Go.setPanicHandler((g, t) -> panics.trySend(t));
    EventSink<Integer> down =
        (ctx, batch) -> {
          throw new IOException("down");
        };
    EventReporter<Integer> r =
        EventReporter.builder(down)
            .clock(clock)
            .fallback((ctx, batch) -> {
              throw new IOException("disk full");
            })
            .build();
    r.report(bg(), 1);
    CancelContext expired = Context.withCancel(bg());
    expired.cancel();
    assertThat(r.shutdown(expired)).containsExactly(1);
    assertThat(panics.receive(Duration.ofSeconds(10)).value()).hasMessage("disk full");
  }

  @Test
  void closeSaysHowManyEventsItCouldNotDeliver() throws Exception {
    EventSink<Integer> down =
        (ctx, batch) -> {
          throw new IOException("down");
        };
    EventReporter<Integer> r =
        EventReporter.builder(down)
            .clock(clock)
            .closeTimeout(Duration.ofSeconds(5))
            .build();
    r.report(bg(), 1);
    r.report(bg(), 2);
    Channel<Throwable> closed = Channel.make(1);
    Go.go(
        () -> {
          try {
            r.close();
            closed.send(new AssertionError("closed without complaint"));
          } catch (IllegalStateException expected) {
            closed.send(expected);
          }
        });
    clock.awaitPendingTimers(2); // the redelivery wait and close's deadline
    clock.advance(Duration.ofSeconds(5));
    assertThat(closed.receive())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("event reporter: 2 events not delivered within PT5S");
  }

  @Test
  void badOptionsAreRefusedWithTheirName() {
    assertThatThrownBy(() -> EventReporter.builder(recording).batchSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batchSize must be at least 1: 0");
    assertThatThrownBy(() -> EventReporter.builder(recording).maxBatchAge(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBatchAge must be positive: PT0S");
    assertThatThrownBy(() -> EventReporter.builder(null)).isInstanceOf(NullPointerException.class);
  }
}
