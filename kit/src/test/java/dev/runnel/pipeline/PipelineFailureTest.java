package dev.runnel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.context.CancelContext;
import dev.runnel.context.ContextCanceledException;
import dev.runnel.context.Context;
import dev.runnel.context.DeadlineExceededException;
import dev.runnel.time.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The error model: the first failure cancels the run and is thrown by the terminal (or by the
 * reader of a started run); per-item failures can be routed instead; cancellation, deadlines,
 * interrupts and early ends stop every goroutine before the terminal returns. The goroutine-leak
 * check runs after every test here too.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipelineFailureTest {

  private static final Context BG = Context.background();

  /** An endless source that counts down {@code stopped} when it ends, however it ends. */
  private static Pipeline<Integer> naturals(CountDownLatch stopped) {
    return Pipeline.generate(
        (ctx, out) -> {
          try {
            for (int i = 0; ; i++) {
              out.emit(i);
            }
          } finally {
            stopped.countDown();
          }
        });
  }

  @Test
  void anErrorInAMiddleStageCancelsEveryStageAndIsThrownByTheTerminal() {
    IOException boom = new IOException("bad item 5");
    CountDownLatch sourceStopped = new CountDownLatch(1);
    CountDownLatch workersStopped = new CountDownLatch(3);
    AtomicInteger sunk = new AtomicInteger();
    assertThatThrownBy(
            () ->
                naturals(sourceStopped)
                    .map(
                        i -> {
                          if (i == 5) {
                            throw boom;
                          }
                          return i;
                        })
                    .mapParallel(
                        3,
                        true,
                        i -> {
                          try {
                            return i;
                          } finally {
                            if (i == 0 || i == 1 || i == 2) {
                              workersStopped.countDown();
                            }
                          }
                        })
                    .forEach(BG, i -> sunk.incrementAndGet()))
        .isInstanceOf(CompletionException.class)
        .hasCause(boom)
        .satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
    assertThat(sourceStopped.getCount()).isZero(); // stopped before forEach returned
    assertThat(sunk.get()).isLessThanOrEqualTo(5);
  }

  @Test
  void failuresAtTheSameTimeAreOneCauseAndTheRestSuppressed() {
    CyclicBarrier both = new CyclicBarrier(2);
    Pipeline<Integer> failing =
        Pipeline.of(1)
            .map(
                i -> {
                  both.await();
                  throw new IllegalStateException("failure");
                });
    assertThatThrownBy(() -> Pipeline.merge(failing, failing).toList(BG))
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IllegalStateException.class)
        .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
  }

  @Test
  void cancellingTheContextMidStreamStopsEveryStageAndTheTerminalThrowsItsError() {
    CountDownLatch sourceStopped = new CountDownLatch(1);
    CancelContext ctx = Context.withCancel(BG);
    List<List<Integer>> got = new ArrayList<>();
    assertThatThrownBy(
            () ->
                naturals(sourceStopped)
                    .mapParallel(3, true, i -> i * 2)
                    .mapParallel(2, false, i -> i + 1)
                    .filter(i -> i % 3 != 0)
                    .batch(4, Duration.ofHours(1), new ManualClock())
                    .forEach(
                        ctx,
                        batch -> {
                          got.add(batch);
                          if (got.size() == 10) {
                            ctx.cancel(); // the consumer gives up mid-stream
                          }
                        }))
        .isInstanceOf(ContextCanceledException.class);
    assertThat(got).hasSize(10);
    assertThat(sourceStopped.getCount()).isZero();
  }

  @Test
  void cancellingFromAnotherGoroutineWhileTheTerminalWaitsStopsTheRun() throws Exception {
    CancelContext ctx = Context.withCancel(BG);
    CountDownLatch blocked = new CountDownLatch(1);
    Pipeline<Integer> stuck =
        Pipeline.generate(
            (c, out) -> {
              out.emit(1);
              blocked.countDown();
              Channel.make().receive(c); // until cancelled
            });
    Go.go(
        () -> {
          blocked.await();
          ctx.cancel();
        });
    assertThatThrownBy(() -> stuck.map(i -> i).toList(ctx))
        .isInstanceOf(ContextCanceledException.class);
  }

  @Test
  void aDeadlineOnTheContextsClockEndsTheRun() throws Exception {
    ManualClock clock = new ManualClock();
    CancelContext ctx =
        Context.withTimeout(Context.withClock(BG, clock), Duration.ofSeconds(5));
    CountDownLatch waiting = new CountDownLatch(1);
    Pipeline<Integer> slow =
        Pipeline.generate(
            (c, out) -> {
              waiting.countDown();
              Channel.make().receive(c);
            });
    Go.go(
        () -> {
          waiting.await();
          clock.advance(Duration.ofSeconds(5));
        });
    assertThatThrownBy(() -> slow.toList(ctx)).isInstanceOf(DeadlineExceededException.class);
  }

  @Test
  void takeOnAnEndlessParallelPipelineEndsEveryGoroutineBeforeReturning() throws Exception {
    CountDownLatch sourceStopped = new CountDownLatch(1);
    List<Integer> first =
        naturals(sourceStopped).mapParallel(4, true, i -> i * i).take(10).toList(BG);
    assertThat(first).containsExactly(0, 1, 4, 9, 16, 25, 36, 49, 64, 81);
    assertThat(sourceStopped.getCount()).isZero();
  }

  @Test
  void interruptingTheTerminalCancelsTheRunAndThrowsInterruptedException() throws Exception {
    CountDownLatch sourceStopped = new CountDownLatch(1);
    CountDownLatch consuming = new CountDownLatch(1);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread caller =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    Pipeline.generate(
                            (c, out) -> {
                              try {
                                out.emit(1);
                                Channel.make().receive(c);
                              } finally {
                                sourceStopped.countDown();
                              }
                            })
                        .forEach(BG, i -> consuming.countDown());
                  } catch (Throwable t) {
                    thrown.set(t);
                  }
                });
    consuming.await();
    caller.interrupt();
    caller.join();
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    assertThat(sourceStopped.getCount()).isZero();
  }

  @Test
  void theReaderOfAStartedRunLearnsOfTheFailureNotOnlyTheOwner() throws Exception {
    IllegalArgumentException boom = new IllegalArgumentException("boom at 3");
    RunningPipeline<Integer> run =
        Pipeline.of(1, 2, 3, 4)
            .map(
                i -> {
                  if (i == 3) {
                    throw boom;
                  }
                  return i;
                })
            .buffer(0)
            .start(BG);
    Channel<Throwable> readerSaw = Channel.make(1);
    List<Integer> read = new ArrayList<>();
    Go.go(
        () -> {
          try {
            while (run.receive() instanceof Integer i) {
              read.add(i);
            }
            readerSaw.send(new AssertionError("the output ended as if complete"));
          } catch (CompletionException e) {
            readerSaw.send(e.getCause());
          }
        });
    assertThat(readerSaw.receive()).isSameAs(boom);
    assertThat(read).containsExactly(1, 2);
    assertThat(run.output().receiveOk().ok()).isFalse(); // the raw output is closed
    run.close(); // reported already: close does not throw it again
  }

  @Test
  void aReaderThatSeesTheOutputCloseAlwaysSeesTheFailureThatClosedIt() throws Exception {
    // The failing stage records its failure before it closes its output, so receive never
    // mistakes a failed run for a complete one, however the goroutines interleave.
    for (int i = 0; i < 200; i++) {
      try (RunningPipeline<Integer> run =
          Pipeline.of(1)
              .<Integer>map(
                  x -> {
                    throw new IOException("last stage fails");
                  })
              .start(BG)) {
        assertThatThrownBy(run::receive)
            .isInstanceOf(CompletionException.class)
            .hasCauseInstanceOf(IOException.class);
      }
    }
  }

  @Test
  void joinOfAStartedRunThrowsTheFailureAfterTheOutputCloses() throws Exception {
    try (RunningPipeline<Integer> run =
        Pipeline.of(1).map(i -> (Integer) null).start(BG)) {
      assertThat(run.output().receive()).isNull(); // closed, whatever the reason
      assertThatThrownBy(run::join)
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(NullPointerException.class)
          .hasMessageContaining("map returned null");
    }
  }

  @Test
  void aConsumerThatThrowsFailsTheRun() {
    IllegalStateException boom = new IllegalStateException("sink down");
    CountDownLatch sourceStopped = new CountDownLatch(1);
    assertThatThrownBy(
            () ->
                naturals(sourceStopped)
                    .forEach(
                        BG,
                        i -> {
                          if (i == 3) {
                            throw boom;
                          }
                        }))
        .isInstanceOf(CompletionException.class)
        .hasCause(boom);
    assertThat(sourceStopped.getCount()).isZero();
  }

  @Test
  void aCancellationExceptionFromAFunctionWhileTheRunIsLiveIsAFailure() {
    CancellationException own = new CancellationException("the function's own");
    assertThatThrownBy(
            () ->
                Pipeline.of(1)
                    .map(
                        i -> {
                          throw own;
                        })
                    .toList(BG))
        .isInstanceOf(CompletionException.class)
        .hasCause(own);
  }

  // ---------------------------------------------------------------- per-item routing

  @Test
  void perItemFailuresGoToTheErrorChannelWithTheirItemsAndTheRunGoesOn() throws Exception {
    Channel<ItemFailure<Integer>> errors = Channel.make(100);
    List<Integer> out =
        Pipeline.of(1, 2, 3, 4, 5, 6)
            .map(
                i -> {
                  if (i % 3 == 0) {
                    throw new IOException("no threes: " + i);
                  }
                  return i;
                },
                OnItemFailure.sendTo(errors))
            .toList(BG);
    assertThat(out).containsExactly(1, 2, 4, 5);
    errors.close();
    List<Integer> failedItems = new ArrayList<>();
    for (ItemFailure<Integer> f : errors) {
      assertThat(f.failure()).isInstanceOf(IOException.class).hasMessage("no threes: " + f.item());
      failedItems.add(f.item());
    }
    assertThat(failedItems).containsExactly(3, 6);
  }

  @Test
  void parallelAndFlatMapRouteFailuresTooAndSkipDropsThem() throws Exception {
    for (boolean ordered : new boolean[] {true, false}) {
      List<Integer> out =
          Pipeline.of(1, 2, 3, 4)
              .mapParallel(
                  2,
                  ordered,
                  i -> {
                    if (i == 2) {
                      throw new IOException("two");
                    }
                    return i;
                  },
                  OnItemFailure.skip())
              .toList(BG);
      assertThat(out).containsExactlyInAnyOrder(1, 3, 4);
      if (ordered) {
        assertThat(out).containsExactly(1, 3, 4);
      }
    }
    List<ItemFailure<Integer>> seen = new ArrayList<>();
    assertThat(
            Pipeline.of(1, 2)
                .flatMap(
                    i -> {
                      if (i == 1) {
                        throw new IOException("one");
                      }
                      return List.of(i, i);
                    },
                    (ctx, f) -> seen.add(f))
                .toList(BG))
        .containsExactly(2, 2);
    assertThat(seen).singleElement().extracting(ItemFailure::item).isEqualTo(1);
  }

  @Test
  void aHandlerThatThrowsFailsTheRun() {
    IllegalStateException handlerBroke = new IllegalStateException("handler broke");
    assertThatThrownBy(
            () ->
                Pipeline.of(1, 2)
                    .map(
                        i -> {
                          throw new IOException("item");
                        },
                        (ctx, f) -> {
                          throw handlerBroke;
                        })
                    .toList(BG))
        .isInstanceOf(CompletionException.class)
        .hasCause(handlerBroke);
  }

  @Test
  void anErrorChannelNobodyReadsDoesNotKeepTheRunAliveAfterCancellation() {
    Channel<ItemFailure<Integer>> unread = Channel.make(); // nobody receives: the handler blocks
    CancelContext ctx = Context.withCancel(BG);
    CountDownLatch handling = new CountDownLatch(1);
    Go.go(
        () -> {
          handling.await();
          ctx.cancel();
        });
    assertThatThrownBy(
            () ->
                Pipeline.of(1)
                    .map(
                        i -> {
                          handling.countDown();
                          throw new IOException("x");
                        },
                        OnItemFailure.sendTo(unread))
                    .toList(ctx))
        .isInstanceOf(ContextCanceledException.class);
  }
}
