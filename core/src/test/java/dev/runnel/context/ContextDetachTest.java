package dev.runnel.context;

import static dev.runnel.context.ContextProbe.childCount;
import static dev.runnel.context.ContextProbe.gcUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.Channel;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import dev.runnel.time.ManualClock;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A finished child leaves its parent: a long-lived parent keeps neither cancelled children nor the
 * registrations of waits, afterFuncs and interrupt bridges that have ended.
 */
@Timeout(60)
class ContextDetachTest {

  @Test
  void aMillionCancelledChildrenLeaveNothingInTheParent() {
    CancelContext parent = Context.withCancel(Context.background());
    List<WeakReference<CancelContext>> sample = new ArrayList<>();
    for (int i = 0; i < 1_000_000; i++) {
      CancelContext child = Context.withCancel(parent);
      if (i % 10_000 == 0) {
        sample.add(new WeakReference<>(child));
        assertThat(childCount(parent)).isEqualTo(1);
      }
      child.cancel();
    }
    assertThat(childCount(parent)).isZero();
    assertThat(parent.err()).isNull();
    gcUntil(
        "every sampled cancelled child is collected",
        () -> sample.stream().allMatch(r -> r.get() == null));
  }

  @Test
  void cancelledTimerChildrenLeaveTheParentAndTheClock() {
    ManualClock clock = new ManualClock();
    CancelContext parent = Context.withCancel(Context.withClock(Context.background(), clock));
    for (int i = 0; i < 100_000; i++) {
      try (CancelContext child = Context.withTimeout(parent, Duration.ofHours(1))) {
        assertThat(child.err()).isNull();
      }
    }
    assertThat(childCount(parent)).isZero();
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void expiredChildrenLeaveTheParent() {
    ManualClock clock = new ManualClock();
    CancelContext parent = Context.withCancel(Context.withClock(Context.background(), clock));
    for (int i = 0; i < 1_000; i++) {
      Context.withTimeout(parent, Duration.ofMillis(1 + i % 10));
    }
    assertThat(childCount(parent)).isEqualTo(1_000);
    clock.advance(Duration.ofMillis(10));
    assertThat(childCount(parent)).isZero();
    assertThat(parent.err()).isNull();
  }

  @Test
  void childrenBehindValueContextsAreHeldByTheNearestCancellableAncestor() {
    CancelContext parent = Context.withCancel(Context.background());
    Context values = Context.withValue(Context.withValue(parent, "a", 1), "b", 2);
    CancelContext child = Context.withCancel(values);
    assertThat(childCount(parent)).isEqualTo(1);
    child.cancel();
    assertThat(childCount(parent)).isZero();
  }

  @Test
  void cancellingTheParentEmptiesItsList() {
    CancelContext parent = Context.withCancel(Context.background());
    for (int i = 0; i < 10; i++) {
      Context.withCancel(parent);
    }
    assertThat(childCount(parent)).isEqualTo(10);
    parent.cancel();
    assertThat(childCount(parent)).isZero();
  }

  @Test
  void endedWaitsAndStoppedAfterFuncsLeaveNoRegistration() throws Exception {
    CancelContext parent = Context.withCancel(Context.background());
    Channel<Integer> ch = Channel.make();
    for (int i = 0; i < 100; i++) {
      Task<Integer> receiver = Runner.VIRTUAL.callBlocked(() -> ch.receive(parent));
      assertThat(childCount(parent)).as("the blocked receive is watched").isEqualTo(1);
      ch.send(i);
      assertThat(receiver.join()).isEqualTo(i);
      assertThat(childCount(parent)).as("and unwatched when it ends").isZero();
    }
    for (int i = 0; i < 1_000; i++) {
      assertThat(Context.afterFunc(parent, () -> {}).stop()).isTrue();
      assertThat(Context.interruptOnCancel(parent, () -> "x")).isEqualTo("x");
    }
    assertThat(childCount(parent)).isZero();
    assertThat(parent.err()).isNull();
  }
}
