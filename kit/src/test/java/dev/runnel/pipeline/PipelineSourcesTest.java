package dev.runnel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.context.Context;
import dev.runnel.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every source: what it emits, when it ends, and what it releases. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipelineSourcesTest {

  private static final Context BG = Context.background();

  @Test
  void valuesAndIterablesAreEmittedInOrderAndEachRunIteratesAnew() throws Exception {
    assertThat(Pipeline.of(1, 2, 3).toList(BG)).containsExactly(1, 2, 3);
    Pipeline<String> p = Pipeline.from(List.of("a", "b"));
    assertThat(p.toList(BG)).containsExactly("a", "b");
    assertThat(p.toList(BG)).containsExactly("a", "b");
    assertThat(Pipeline.from(List.<String>of()).toList(BG)).isEmpty();
  }

  @Test
  void aNullItemFromAnIterableFailsTheRun() {
    List<String> withNull = new ArrayList<>();
    withNull.add("a");
    withNull.add(null);
    assertThatThrownBy(() -> Pipeline.from(withNull).toList(BG))
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(NullPointerException.class)
        .hasMessageContaining("the iterable returned null");
    assertThatThrownBy(() -> Pipeline.of("a", null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aStreamIsReadAndClosedAtTheEndAndAlsoWhenTakeStopsItEarly() throws Exception {
    AtomicBoolean closed = new AtomicBoolean();
    Stream<Integer> s = IntStream.range(0, 5).boxed().onClose(() -> closed.set(true));
    assertThat(Pipeline.from(s).toList(BG)).containsExactly(0, 1, 2, 3, 4);
    assertThat(closed).isTrue();

    AtomicBoolean endlessClosed = new AtomicBoolean();
    Stream<Integer> endless = Stream.iterate(0, i -> i + 1).onClose(() -> endlessClosed.set(true));
    assertThat(Pipeline.from(endless).take(3).toList(BG)).containsExactly(0, 1, 2);
    assertThat(endlessClosed).isTrue(); // closed before the terminal returned
  }

  @Test
  void aChannelIsReadUntilItsOwnerClosesIt() throws Exception {
    Channel<Integer> ch = Channel.make();
    Go.go(
        () -> {
          for (int i = 0; i < 4; i++) {
            ch.send(i);
          }
          ch.close();
        });
    assertThat(Pipeline.from(ch).map(i -> i * 10).toList(BG)).containsExactly(0, 10, 20, 30);
  }

  @Test
  void aTickerSourceEmitsTheClocksTicksAndIsStoppedByTake() throws Exception {
    ManualClock clock = new ManualClock();
    Instant start = clock.now();
    try (RunningPipeline<Instant> ticks =
        Pipeline.tick(clock, Duration.ofSeconds(1)).take(3).start(BG)) {
      for (int i = 1; i <= 3; i++) {
        clock.advance(Duration.ofSeconds(1));
        assertThat(ticks.receive()).isEqualTo(start.plusSeconds(i));
      }
      assertThat(ticks.receive()).isNull();
      ticks.join();
    }
    assertThat(clock.pendingTimers()).isZero(); // the ticker was stopped
    assertThatThrownBy(() -> Pipeline.tick(clock, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("non-positive tick period");
  }

  @Test
  void aGeneratorEmitsUntilItReturnsAndIsStoppedWhenTakeHasEnough() throws Exception {
    assertThat(
            Pipeline.<Integer>generate(
                    (ctx, out) -> {
                      for (int i = 0; i < 3; i++) {
                        out.emit(i);
                      }
                    })
                .toList(BG))
        .containsExactly(0, 1, 2);

    CountDownLatch stopped = new CountDownLatch(1);
    Pipeline<Long> naturals =
        Pipeline.generate(
            (ctx, out) -> {
              try {
                for (long i = 0; ; i++) {
                  out.emit(i);
                }
              } finally {
                stopped.countDown();
              }
            });
    assertThat(naturals.take(5).toList(BG)).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(stopped.getCount()).isZero(); // ended before toList returned
  }

  // ---------------------------------------------------------------- Flow.Publisher

  /**
   * A publisher that emits, from its own goroutine, only what was requested: each request(n) adds
   * n to the demand, and it records every request and the most items ever outstanding beyond what
   * the pipeline's reader has taken.
   */
  static final class DemandPublisher implements Flow.Publisher<Integer> {
    final int items;
    final List<Long> requests = new CopyOnWriteArrayList<>();
    final AtomicLong demand = new AtomicLong();
    final AtomicInteger delivered = new AtomicInteger();
    final AtomicBoolean cancelled = new AtomicBoolean();
    final Channel<Boolean> wake = Channel.make(1);
    final CountDownLatch ended = new CountDownLatch(1);

    DemandPublisher(int items) {
      this.items = items;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Integer> s) {
      s.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {
              requests.add(n);
              demand.addAndGet(n);
              wake.trySend(true);
            }

            @Override
            public void cancel() {
              cancelled.set(true);
              wake.trySend(true);
            }
          });
      Go.go(
          () -> {
            try {
              while (!cancelled.get() && delivered.get() < items) {
                if (demand.get() == 0) {
                  wake.receive();
                  continue;
                }
                demand.decrementAndGet();
                s.onNext(delivered.getAndIncrement());
              }
              if (!cancelled.get()) {
                s.onComplete();
              }
            } finally {
              ended.countDown();
            }
          });
    }
  }

  @Test
  void aPublisherThatDeliversOneAtATimeIsNeverAskedForMoreThanTheSourceHolds() throws Exception {
    DemandPublisher pub = new DemandPublisher(50);
    List<Integer> got = new ArrayList<>();
    try (RunningPipeline<Integer> run = Pipeline.from(pub).buffer(1).start(BG)) {
      for (Integer x; (x = run.receive()) != null; ) {
        got.add(x);
        // Taken by nobody yet: at most one requested-or-delivered in the source, one in the
        // forwarding goroutine's hand, one in the output channel of capacity 1.
        long requested = pub.requests.stream().mapToLong(Long::longValue).sum();
        assertThat(requested - got.size()).isLessThanOrEqualTo(3);
      }
    }
    pub.ended.await();
    assertThat(got).isEqualTo(IntStream.range(0, 50).boxed().toList());
    assertThat(pub.requests).allMatch(n -> n == 1); // the window is one item
  }

  @Test
  void aPublisherIsAskedForTheSourcesCapacityFirstAndCancelledWhenTakeHasEnough()
      throws Exception {
    DemandPublisher pub = new DemandPublisher(1_000_000);
    assertThat(Pipeline.from(pub).buffer(8).take(20).count(BG)).isEqualTo(20);
    assertThat(pub.requests.get(0)).isEqualTo(8);
    assertThat(pub.cancelled).isTrue();
    pub.ended.await();
    assertThat(pub.delivered.get()).isLessThanOrEqualTo(20 + 8 + 8 + 1);
  }

  @Test
  void aPublisherThatSendsMoreThanRequestedOrFailsFailsTheRun() {
    Flow.Publisher<Integer> flood =
        s ->
            s.onSubscribe(
                new Flow.Subscription() {
                  boolean sent;

                  @Override
                  public void request(long n) {
                    if (!sent) {
                      sent = true;
                      for (int i = 0; i < 5; i++) { // asked for 1
                        s.onNext(i);
                      }
                    }
                  }

                  @Override
                  public void cancel() {}
                });
    assertThatThrownBy(() -> Pipeline.from(flood).buffer(1).toList(BG))
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("more items than were requested");

    IllegalStateException boom = new IllegalStateException("upstream broke");
    Flow.Publisher<Integer> failing =
        s -> {
          s.onSubscribe(
              new Flow.Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
              });
          s.onError(boom);
        };
    assertThatThrownBy(() -> Pipeline.from(failing).toList(BG))
        .isInstanceOf(CompletionException.class)
        .hasCause(boom);
  }
}
