package dev.runnel.context;

import static dev.runnel.context.ContextProbe.childCount;
import static dev.runnel.context.ContextProbe.isDone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import dev.runnel.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Creating, cancelling and watching contexts from many goroutines at once: a cancellation racing
 * the creation of children misses none of them.
 */
@Timeout(60)
class ContextConcurrencyTest {

  private static final int CREATORS = 6;
  private static final int PER_CREATOR = 3_000;

  @ParameterizedTest
  @EnumSource(Runner.class)
  void childrenCreatedWhileTheParentIsCancelledAreAllCancelled(Runner runner) throws Exception {
    for (int round = 0; round < 10; round++) {
      ManualClock clock = new ManualClock();
      CancelContext parent = Context.withCancel(Context.withClock(Context.background(), clock));
      Queue<Context> children = new ConcurrentLinkedQueue<>();
      AtomicInteger afterFuncsRegistered = new AtomicInteger();
      AtomicInteger afterFuncsRun = new AtomicInteger();
      CountDownLatch start = new CountDownLatch(1);
      CountDownLatch someCreated = new CountDownLatch(CREATORS);
      List<Task<Void>> creators = new ArrayList<>();
      for (int c = 0; c < CREATORS; c++) {
        creators.add(
            runner.run(
                () -> {
                  start.await();
                  for (int i = 0; i < PER_CREATOR; i++) {
                    Context child =
                        switch (i % 4) {
                          case 0 -> Context.withCancel(parent);
                          case 1 -> Context.withTimeout(parent, Duration.ofHours(1));
                          case 2 -> Context.withCancel(Context.withValue(parent, "i", i));
                          default -> Context.withCancel(Context.withCancel(parent));
                        };
                    children.add(child);
                    if (i % 50 == 0) {
                      Context.afterFunc(child, afterFuncsRun::incrementAndGet);
                      afterFuncsRegistered.incrementAndGet();
                    }
                    if (i == PER_CREATOR / 3) {
                      someCreated.countDown();
                    }
                  }
                }));
      }
      start.countDown();
      assertThat(someCreated.await(10, TimeUnit.SECONDS)).isTrue();
      Exception cause = new Exception("round " + round);
      parent.cancel(cause);
      for (Task<Void> t : creators) {
        t.join(Duration.ofSeconds(30));
      }

      CancellationException err = parent.err();
      assertThat(children).hasSize(CREATORS * PER_CREATOR);
      for (Context child : children) {
        assertThat(child.err()).as("round %d: %s", round, child).isSameAs(err);
        assertThat(child.cause()).isSameAs(cause);
        assertThat(isDone(child)).isTrue();
      }
      assertThat(clock.pendingTimers()).as("every timer released").isZero();
      int registered = afterFuncsRegistered.get();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (afterFuncsRun.get() < registered && System.nanoTime() - deadline < 0) {
        Thread.sleep(1); // bounded polling for goroutines we have no handle on
      }
      assertThat(afterFuncsRun.get()).as("every afterFunc ran once").isEqualTo(registered);
    }
  }

  @Test
  void childrenCancellingThemselvesWhileTheParentIsCancelledLeaveItEmpty() throws Exception {
    for (int round = 0; round < 20; round++) {
      CancelContext parent = Context.withCancel(Context.background());
      List<CancelContext> children = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        children.add(Context.withCancel(parent));
      }
      CountDownLatch start = new CountDownLatch(1);
      List<Task<Void>> cancellers = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        int from = c;
        cancellers.add(
            Runner.VIRTUAL.run(
                () -> {
                  start.await();
                  for (int i = from; i < children.size(); i += 4) {
                    children.get(i).cancel();
                  }
                }));
      }
      Task<Void> parentCanceller =
          Runner.VIRTUAL.run(
              () -> {
                start.await();
                parent.cancel();
              });
      start.countDown();
      for (Task<Void> t : cancellers) {
        t.join();
      }
      parentCanceller.join();

      assertThat(childCount(parent)).isZero();
      for (CancelContext child : children) {
        assertThat(child.err()).isInstanceOf(ContextCanceledException.class);
        assertThat(isDone(child)).isTrue();
      }
    }
  }

  @Test
  void doneAskedConcurrentlyWithCancelIsOneChannelThatCloses() throws Exception {
    for (int round = 0; round < 500; round++) {
      CancelContext ctx = Context.withCancel(Context.background());
      CountDownLatch start = new CountDownLatch(1);
      List<Task<Object>> askers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        askers.add(
            Runner.VIRTUAL.call(
                () -> {
                  start.await();
                  Object done = ctx.done();
                  assertThat(ctx.done().receive(Duration.ofSeconds(5))).isNotNull();
                  return done;
                }));
      }
      start.countDown();
      ctx.cancel();
      Object first = askers.get(0).join();
      for (Task<Object> t : askers) {
        assertThat(t.join()).as("round %d", round).isSameAs(first);
      }
      assertThat(ctx.done()).isSameAs(first);
    }
  }
}
