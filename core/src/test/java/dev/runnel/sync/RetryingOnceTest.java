package dev.runnel.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A Once that counts only a successful run: a failure is rethrown and the next call retries. */
@Timeout(10)
class RetryingOnceTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void failureIsRethrownAndRetriedByTheNextCall() throws Exception {
    RetryingOnce once = new RetryingOnce();
    IOException e = new IOException("no network");
    assertThatThrownBy(
            () ->
                once.run(
                    () -> {
                      throw e;
                    }))
        .isSameAs(e);
    assertThat(once.isDone()).isFalse();
    Error err = new Error("worse");
    assertThatThrownBy(
            () ->
                once.run(
                    () -> {
                      throw err;
                    }))
        .isSameAs(err);
    assertThat(once.isDone()).isFalse();
    AtomicInteger runs = new AtomicInteger();
    once.run(runs::incrementAndGet);
    assertThat(runs.get()).isEqualTo(1);
    assertThat(once.isDone()).isTrue();
  }

  @Test
  void successIsFinal() throws Exception {
    RetryingOnce once = new RetryingOnce();
    AtomicInteger runs = new AtomicInteger();
    once.run(runs::incrementAndGet);
    once.run(runs::incrementAndGet);
    once.run(
        () -> {
          throw new IOException("never runs");
        });
    assertThat(runs.get()).isEqualTo(1);
    assertThat(once.isDone()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void callersWaitingOnAFailingCallThenRetryOneAtATime(Runner runner) throws Exception {
    RetryingOnce once = new RetryingOnce();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    IOException boom = new IOException("first attempt");
    Task<Void> first =
        runner.run(
            () ->
                once.run(
                    () -> {
                      entered.countDown();
                      assertThat(release.await(5, TimeUnit.SECONDS)).isTrue();
                      throw boom;
                    }));
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    AtomicInteger attempts = new AtomicInteger();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    List<Task<Void>> others = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      others.add(
          runner.runBlocked(
              () ->
                  once.run(
                      () -> {
                        if (inside.incrementAndGet() != 1) {
                          overlaps.incrementAndGet();
                        }
                        int n = attempts.incrementAndGet();
                        inside.decrementAndGet();
                        if (n < 3) {
                          throw new IOException("attempt " + n);
                        }
                      })));
    }
    for (Task<Void> t : others) {
      assertThat(t.isDone()).isFalse();
    }
    assertThat(once.isDone()).isFalse();
    release.countDown();
    assertThat(first.failure()).isSameAs(boom);
    int failed = 0;
    for (Task<Void> t : others) {
      try {
        t.join();
      } catch (IOException e) {
        failed++;
      }
    }
    assertThat(attempts.get()).as("two failed retries, then one success").isEqualTo(3);
    assertThat(failed).isEqualTo(2);
    assertThat(overlaps.get()).isZero();
    assertThat(once.isDone()).isTrue();
  }

  @Test
  void runWithANullFunctionFailsAndCountsAsNoAttempt() throws Exception {
    RetryingOnce once = new RetryingOnce();
    assertThatThrownBy(() -> once.run(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("f");
    assertThat(once.isDone()).isFalse();
    once.run(() -> {});
    assertThat(once.isDone()).isTrue();
    assertThatThrownBy(() -> once.run(null)).as("even once done").isInstanceOf(
        NullPointerException.class);
  }
}
