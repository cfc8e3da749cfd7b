package dev.runnel.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.context.Context;
import dev.runnel.context.DeadlineExceededException;
import dev.runnel.time.ManualClock;
import dev.runnel.time.Time;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Structured fan-out: typed forks, the first failure cancels the rest, nothing outlives it. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ScopeTest {

  @Test
  void forksRunAtOnceAndTheirResultsAreReadAfterJoin() throws Exception {
    CountDownLatch both = new CountDownLatch(2);
    try (Scope scope = Scope.open()) {
      Fork<String> a = scope.fork(() -> {
        both.countDown();
        both.await(); // only returns if the other fork runs at the same time
        return "a";
      });
      Fork<Integer> b = scope.fork(() -> {
        both.countDown();
        both.await();
        return 2;
      });
      scope.join();
      assertThat(a.get()).isEqualTo("a");
      assertThat(b.get()).isEqualTo(2);
    }
  }

  @Test
  void theFirstFailureCancelsTheOthersAndIsThrownByJoin() throws Exception {
    IOException boom = new IOException("boom");
    AtomicInteger cancelled = new AtomicInteger();
    try (Scope scope = Scope.open()) {
      Fork<String> slow =
          scope.fork(
              ctx -> {
                try {
                  Channel.make().receive(ctx); // until the failure cancels the scope
                } finally {
                  cancelled.incrementAndGet();
                }
                return "unreachable";
              });
      scope.fork(
          ctx -> {
            throw boom;
          });
      assertThatThrownBy(scope::join).isInstanceOf(CompletionException.class).hasCause(boom);
      assertThat(cancelled.get()).isEqualTo(1);
      assertThat(scope.context().cause()).isSameAs(boom);
      assertThatThrownBy(slow::get).isInstanceOf(java.util.concurrent.CancellationException.class);
    }
  }

  @Test
  void laterFailuresAreSuppressedAndCloseDoesNotThrowThemAgain() throws Exception {
    CountDownLatch bothFail = new CountDownLatch(2);
    Scope scope = Scope.open();
    for (int i = 0; i < 2; i++) {
      int n = i;
      scope.fork(
          () -> {
            bothFail.countDown();
            bothFail.await();
            throw new IllegalStateException("failure " + n);
          });
    }
    CompletionException e = catchJoin(scope);
    assertThat(e.getSuppressed()).hasSize(1);
    scope.close(); // reported already
  }

  private static CompletionException catchJoin(Scope scope) throws InterruptedException {
    try {
      scope.join();
    } catch (CompletionException e) {
      return e;
    }
    throw new AssertionError("join did not throw");
  }

  @Test
  void closeCancelsAndWaitsSoNothingOutlivesTheScopeAndAnUnjoinedFailureIsThrown() {
    int before = Go.numGoroutine();
    AtomicInteger ended = new AtomicInteger();
    assertThatThrownBy(
            () -> {
              try (Scope scope = Scope.open()) {
                scope.fork(
                    ctx -> {
                      try {
                        Time.sleep(ctx, Duration.ofHours(1));
                      } finally {
                        ended.incrementAndGet();
                      }
                      return null;
                    });
                scope.fork(
                    () -> {
                      throw new IOException("never joined");
                    });
                throw new IllegalStateException("the body fails");
              }
            })
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the body fails")
        .satisfies(
            t ->
                assertThat(t.getSuppressed())
                    .singleElement()
                    .isInstanceOf(CompletionException.class));
    assertThat(ended.get()).isEqualTo(1);
    assertThat(Go.numGoroutine()).isLessThanOrEqualTo(before);
  }

  @Test
  void aParentDeadlineEndsTheForksAndJoinThrowsIt() throws Exception {
    ManualClock clock = new ManualClock();
    Context deadline =
        Context.withTimeout(Context.withClock(Context.background(), clock), Duration.ofSeconds(5));
    try (Scope scope = Scope.open(deadline)) {
      CountDownLatch started = new CountDownLatch(1);
      scope.fork(
          ctx -> {
            started.countDown();
            return Channel.make().receive(ctx);
          });
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      clock.advance(Duration.ofSeconds(5));
      assertThatThrownBy(scope::join).isInstanceOf(DeadlineExceededException.class);
    }
  }

  @Test
  void forksMayForkAndGetBeforeTheForkEndedIsRefused() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    try (Scope scope = Scope.open()) {
      Fork<Fork<String>> outer = scope.fork(() -> scope.fork(() -> {
        gate.await();
        return "inner";
      }));
      Fork<String> inner = outer.join();
      assertThatThrownBy(inner::get).isInstanceOf(IllegalStateException.class);
      gate.countDown();
      scope.join();
      assertThat(inner.get()).isEqualTo("inner");
    }
  }

  @Test
  void parReturnsEveryResultInOrder() throws Exception {
    List<Integer> results =
        Scope.par(
            Context.background(),
            List.<Task<Integer>>of(ctx -> 1, ctx -> {
              Thread.sleep(5);
              return 2;
            }, ctx -> 3));
    assertThat(results).containsExactly(1, 2, 3);
  }

  @Test
  void raceReturnsTheFirstSuccessAndCancelsTheRest() throws Exception {
    AtomicInteger cancelled = new AtomicInteger();
    Task<String> slow =
        ctx -> {
          try {
            return (String) Channel.make().receive(ctx);
          } finally {
            cancelled.incrementAndGet();
          }
        };
    Task<String> failing =
        ctx -> {
          throw new IOException("fails first");
        };
    String winner =
        Scope.race(Context.background(), List.of(slow, failing, ctx -> "fast", slow));
    assertThat(winner).isEqualTo("fast");
    assertThat(cancelled.get()).isEqualTo(2); // ended before race returned
  }

  @Test
  void aRaceInWhichEveryTaskFailsThrowsTheFailures() {
    Task<String> a = ctx -> {
      throw new IOException("a");
    };
    Task<String> b = ctx -> {
      throw new IOException("b");
    };
    assertThatThrownBy(() -> Scope.race(Context.background(), List.of(a, b)))
        .isInstanceOf(CompletionException.class)
        .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
    assertThatThrownBy(() -> Scope.race(Context.background(), List.<Task<String>>of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
