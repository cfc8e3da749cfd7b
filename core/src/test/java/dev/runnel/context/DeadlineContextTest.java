package dev.runnel.context;

import static dev.runnel.context.ContextProbe.isDone;
import static dev.runnel.context.ContextProbe.thrownBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.runnel.Channel;
import dev.runnel.Received;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import dev.runnel.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Go's {@code WithDeadline}, {@code WithTimeout} and their {@code Cause} forms, timed by a {@link
 * ManualClock} set with {@link Context#withClock} so that nothing sleeps (one test uses the system
 * clock).
 */
@Timeout(10)
class DeadlineContextTest {

  private static final Instant START = Instant.parse("2000-01-01T00:00:00Z");

  private final ManualClock clock = new ManualClock();
  private final Context base = Context.withClock(Context.background(), clock);

  @Test
  void manualClockStartsWhereDocumented() {
    assertThat(clock.now()).isEqualTo(START);
  }

  @Test
  void deadlineIsReported() {
    CancelContext timeout = Context.withTimeout(base, Duration.ofSeconds(3));
    assertThat(timeout.deadline()).contains(START.plusSeconds(3));
    Instant at = START.plusMillis(1234);
    CancelContext deadline = Context.withDeadline(base, at);
    assertThat(deadline.deadline()).contains(at);
    // Derived contexts report it too, except withoutCancel.
    assertThat(Context.withCancel(deadline).deadline()).contains(at);
    assertThat(Context.withValue(deadline, "k", "v").deadline()).contains(at);
    assertThat(Context.withoutCancel(deadline).deadline()).isEmpty();
  }

  @Test
  void doneExactlyAtTheDeadlineNotBefore() {
    CancelContext ctx = Context.withTimeout(base, Duration.ofSeconds(1));
    assertThat(clock.pendingTimers()).isEqualTo(1);

    clock.advance(Duration.ofMillis(999));
    assertThat(isDone(ctx)).as("1 ms before the deadline").isFalse();
    assertThat(ctx.err()).isNull();
    clock.advance(Duration.ofNanos(999_999));
    assertThat(isDone(ctx)).as("1 ns before the deadline").isFalse();

    clock.advance(Duration.ofNanos(1));
    assertThat(isDone(ctx)).as("at the deadline").isTrue();
    CancellationException err = ctx.err();
    assertThat(err)
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessage("context deadline exceeded");
    assertThat(err.getStackTrace()).isEmpty();
    assertThat(ctx.err()).isSameAs(err);
    assertThat(ctx.cause()).as("no cause given: the error itself").isSameAs(err);
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void doneChannelAskedBeforeTheDeadlineClosesAtIt() throws Exception {
    CancelContext ctx = Context.withDeadline(base, START.plusSeconds(5));
    Task<Received<?>> waiter = Runner.VIRTUAL.callBlocked(() -> ctx.done().receiveOk());
    clock.advance(Duration.ofSeconds(5));
    assertThat(waiter.join()).isEqualTo(Received.closed());
  }

  @Test
  void timeoutAndDeadlineCausesAreReportedOnExpiry() {
    Exception slow = new Exception("backend too slow");
    Exception late = new Exception("missed the train");
    CancelContext timeout = Context.withTimeoutCause(base, Duration.ofSeconds(1), slow);
    CancelContext deadline = Context.withDeadlineCause(base, START.plusSeconds(2), late);
    CancelContext noCause = Context.withDeadlineCause(base, START.plusSeconds(2), null);

    clock.advance(Duration.ofSeconds(2));

    assertThat(timeout.err()).isInstanceOf(DeadlineExceededException.class);
    assertThat(timeout.cause()).isSameAs(slow);
    assertThat(deadline.err()).isInstanceOf(DeadlineExceededException.class);
    assertThat(deadline.cause()).isSameAs(late);
    assertThat(noCause.cause()).isSameAs(noCause.err());
  }

  @Test
  void cancelBeforeTheDeadlineReportsCanceledAndReleasesTheTimer() {
    CancelContext ctx =
        Context.withTimeoutCause(base, Duration.ofSeconds(1), new Exception("not used"));
    CancelContext other = Context.withTimeout(base, Duration.ofSeconds(1));
    assertThat(clock.pendingTimers()).isEqualTo(2);

    ctx.cancel();

    assertThat(ctx.err()).isInstanceOf(ContextCanceledException.class);
    assertThat(ctx.cause()).as("the deadline cause is for expiry only").isSameAs(ctx.err());
    assertThat(clock.pendingTimers()).as("the timer was released").isEqualTo(1);

    CancellationException err = ctx.err();
    clock.advance(Duration.ofSeconds(2));
    assertThat(ctx.err()).as("the deadline passing later changes nothing").isSameAs(err);
    assertThat(other.err()).isInstanceOf(DeadlineExceededException.class);
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void closeReleasesTheTimer() {
    try (CancelContext ctx = Context.withTimeout(base, Duration.ofMinutes(1))) {
      assertThat(ctx.err()).isNull();
      assertThat(clock.pendingTimers()).isEqualTo(1);
    }
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void deadlineAlreadyPassedIsDoneAtOnce() {
    List<CancelContext> expired =
        List.of(
            Context.withDeadline(base, START.minusSeconds(1)),
            Context.withDeadline(base, START),
            Context.withTimeout(base, Duration.ZERO),
            Context.withTimeout(base, Duration.ofSeconds(-5)),
            Context.withTimeoutCause(base, Duration.ZERO, new Exception("c")));
    for (CancelContext ctx : expired) {
      assertThat(isDone(ctx)).isTrue();
      assertThat(ctx.err()).isInstanceOf(DeadlineExceededException.class);
    }
    assertThat(expired.get(4).cause()).hasMessage("c");
    assertThat(clock.pendingTimers()).as("no timer for an expired context").isZero();
  }

  @Test
  void aLaterChildDeadlineIsReplacedByTheParents() {
    CancelContext parent = Context.withTimeout(base, Duration.ofSeconds(1));
    CancelContext later = Context.withTimeout(parent, Duration.ofSeconds(10));
    CancelContext laterAt = Context.withDeadline(parent, START.plusSeconds(10));
    assertThat(later.deadline()).contains(START.plusSeconds(1));
    assertThat(laterAt.deadline()).contains(START.plusSeconds(1));
    assertThat(clock.pendingTimers()).as("the later children need no timer").isEqualTo(1);

    CancelContext earlier = Context.withTimeout(parent, Duration.ofMillis(500));
    assertThat(earlier.deadline()).contains(START.plusMillis(500));
    assertThat(clock.pendingTimers()).isEqualTo(2);

    clock.advance(Duration.ofMillis(500));
    assertThat(earlier.err()).isInstanceOf(DeadlineExceededException.class);
    assertThat(parent.err()).as("a child's expiry leaves the parent").isNull();
    assertThat(later.err()).isNull();

    clock.advance(Duration.ofMillis(500));
    assertThat(parent.err()).isInstanceOf(DeadlineExceededException.class);
    assertThat(later.err()).as("expired with the parent").isSameAs(parent.err());
    assertThat(laterAt.err()).isSameAs(parent.err());
  }

  @Test
  void aParentsDeadlineCancelsChildrenWithDeadlineExceeded() {
    Exception cause = new Exception("budget spent");
    CancelContext parent = Context.withTimeoutCause(base, Duration.ofSeconds(1), cause);
    CancelContext child = Context.withCancel(parent);
    Context value = Context.withValue(child, "k", "v");
    CancelContext grandchild = Context.withTimeout(value, Duration.ofHours(1));
    Context shielded = Context.withoutCancel(parent);

    clock.advance(Duration.ofSeconds(1));

    CancellationException err = parent.err();
    assertThat(err).isInstanceOf(DeadlineExceededException.class);
    for (Context c : List.of(child, value, grandchild)) {
      assertThat(c.err()).as("%s", c).isSameAs(err);
      assertThat(c.cause()).as("%s", c).isSameAs(cause);
      assertThat(isDone(c)).isTrue();
    }
    assertThat(shielded.err()).isNull();
    assertThat(clock.pendingTimers()).as("the grandchild's timer went with it").isZero();
  }

  @Test
  void cancellingAParentReleasesItsDescendantsTimers() {
    CancelContext parent = Context.withCancel(base);
    Context.withTimeout(parent, Duration.ofSeconds(1));
    Context.withTimeout(Context.withValue(parent, "k", 1), Duration.ofSeconds(2));
    Context.withDeadline(Context.withCancel(parent), START.plusSeconds(3));
    assertThat(clock.pendingTimers()).isEqualTo(3);
    parent.cancel();
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void deadlinesFireInOrder() {
    CancelContext c3 = Context.withTimeout(base, Duration.ofSeconds(3));
    CancelContext c1 = Context.withTimeout(base, Duration.ofSeconds(1));
    CancelContext c2 = Context.withTimeout(base, Duration.ofSeconds(2));

    assertThat(clock.advanceToNextTimer()).isEqualTo(Duration.ofSeconds(1));
    assertThat(List.of(c1.err() != null, c2.err() != null, c3.err() != null))
        .containsExactly(true, false, false);
    assertThat(clock.advanceToNextTimer()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c2.err()).isNotNull();
    assertThat(c3.err()).isNull();
    assertThat(clock.advanceToNextTimer()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c3.err()).isNotNull();
    assertThat(clock.advanceToNextTimer()).isNull();
  }

  @Test
  void aBlockedReceiveIsEndedByTheDeadline() throws Exception {
    CancelContext ctx = Context.withTimeout(base, Duration.ofSeconds(30));
    Channel<String> ch = Channel.make();
    Task<Throwable> receiver = Runner.VIRTUAL.callBlocked(thrownBy(() -> ch.receive(ctx)));
    clock.advance(Duration.ofSeconds(30));
    assertThat(receiver.join()).isInstanceOf(DeadlineExceededException.class).isSameAs(ctx.err());
  }

  @Test
  void valuesAndClockReachThroughDeadlineContexts() {
    Context withUser = Context.withValue(base, "user", "alice");
    CancelContext ctx = Context.withTimeout(withUser, Duration.ofSeconds(1));
    assertThat(ctx.value("user")).isEqualTo("alice");
    // The grandchild's timeout is timed by the same manual clock.
    CancelContext grandchild = Context.withTimeout(Context.withCancel(ctx), Duration.ofMillis(10));
    assertThat(grandchild.deadline()).contains(START.plusMillis(10));
    clock.advance(Duration.ofMillis(10));
    assertThat(grandchild.err()).isInstanceOf(DeadlineExceededException.class);
  }

  @Test
  void toStringNamesTheDeadlineAndTheTimeLeft() {
    CancelContext ctx = Context.withTimeout(base, Duration.ofSeconds(1));
    assertThat(ctx).hasToString(base + ".WithDeadline(2000-01-01T00:00:01Z [PT1S])");
    // A later child deadline is the parent's: Go returns a plain WithCancel then.
    CancelContext later = Context.withTimeout(ctx, Duration.ofSeconds(5));
    assertThat(later.toString()).endsWith(".WithDeadline(2000-01-01T00:00:01Z [PT1S]).WithCancel");
  }

  @Test
  void toStringOfAContextCreatedPastItsDeadline() {
    // Go prints the deadline and a negative time left; nothing may throw.
    CancelContext expired = Context.withDeadline(base, START.minusSeconds(1));
    assertThatCode(expired::toString).doesNotThrowAnyException();
    assertThat(expired.toString()).endsWith(".WithDeadline(1999-12-31T23:59:59Z [PT-1S])");
  }

  @Test
  void realClockTimeoutExpires() throws Exception {
    long start = System.nanoTime();
    CancelContext ctx = Context.withTimeout(Context.background(), Duration.ofMillis(50));
    assertThat(ctx.deadline()).isPresent();
    Received<?> r = ctx.done().receive(Duration.ofSeconds(5)); // generous upper bound
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(r).as("done closed within 5 s").isEqualTo(Received.closed());
    assertThat(ctx.err()).isInstanceOf(DeadlineExceededException.class);
    assertThat(elapsedMillis).as("not before the timeout").isGreaterThanOrEqualTo(45);
  }

  @Test
  void realClockTimeoutCancelledEarlyNeverExpires() {
    CancelContext ctx = Context.withTimeout(Context.background(), Duration.ofHours(1));
    ctx.cancel();
    assertThat(ctx.err()).isInstanceOf(ContextCanceledException.class);
  }
}
