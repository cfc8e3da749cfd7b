package dev.runnel.context;

import static dev.runnel.context.ContextProbe.isDone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import dev.runnel.time.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Go's {@code WithValue} and {@code WithoutCancel}, and the {@code String()} shapes of contexts.
 */
@Timeout(10)
class ValueContextTest {

  /** A private key type, as Go recommends: equal when the names are. */
  private record Key(String name) {}

  @Test
  void lookupsWalkUpTheChain() {
    Context a = Context.withValue(Context.background(), "a", 1);
    Context b = Context.withValue(a, "b", 2);
    Context c = Context.withValue(b, "c", 3);
    assertThat(c.value("a")).isEqualTo(1);
    assertThat(c.value("b")).isEqualTo(2);
    assertThat(c.value("c")).isEqualTo(3);
    assertThat(a.value("c")).as("never down the chain").isNull();
    assertThat(c.value("missing")).isNull();
  }

  @Test
  void innerValueShadowsOuter() {
    Context outer = Context.withValue(Context.background(), "k", "outer");
    Context inner = Context.withValue(outer, "k", "inner");
    assertThat(inner.value("k")).isEqualTo("inner");
    assertThat(outer.value("k")).isEqualTo("outer");
  }

  @Test
  void keysCompareByEquals() {
    Key stored = new Key("user");
    Key lookedUp = new Key("user");
    assertThat(lookedUp).isNotSameAs(stored).isEqualTo(stored);
    Context ctx = Context.withValue(Context.background(), stored, "alice");
    assertThat(ctx.value(lookedUp)).isEqualTo("alice");
    assertThat(ctx.value(new Key("other"))).isNull();
    assertThat(ctx.value("user")).as("a key of another type with the same text").isNull();
  }

  @Test
  void nullValueIsAllowedAndShadowsOuter() {
    Context outer = Context.withValue(Context.background(), "k", "outer");
    Context inner = Context.withValue(outer, "k", null);
    assertThat(inner.value("k")).isNull();
    assertThat(inner.value("other")).isNull();
  }

  @Test
  void nullKeyIsRejected() {
    assertThatThrownBy(() -> Context.withValue(Context.background(), null, "v"))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void valuesAreVisibleThroughEveryKindOfChild() {
    Context values = Context.withValue(Context.background(), new Key("user"), "alice");
    CancelContext cancel = Context.withCancel(values);
    CancelContext timeout = Context.withTimeout(cancel, Duration.ofHours(1));
    Context without = Context.withoutCancel(timeout);
    CancelContext below = Context.withCancel(without);
    for (Context c : List.of(cancel, timeout, without, below)) {
      assertThat(c.value(new Key("user"))).as("%s", c).isEqualTo("alice");
    }
    cancel.cancel();
    assertThat(timeout.value(new Key("user"))).as("still there after cancel").isEqualTo("alice");
  }

  @Test
  void valuesAreVisibleInAnotherGoroutine() throws Exception {
    Context ctx = Context.withValue(Context.background(), "request-id", 42);
    Task<Object> other = Runner.VIRTUAL.call(() -> ctx.value("request-id"));
    assertThat(other.join()).isEqualTo(42);
  }

  @Test
  void withValueFollowsItsParentsCancellation() {
    CancelContext parent = Context.withCancel(Context.background());
    Context value = Context.withValue(parent, "k", "v");
    assertThat(value.done()).isSameAs(parent.done());
    assertThat(value.err()).isNull();
    assertThat(value.cause()).isNull();
    Exception cause = new Exception("why");
    parent.cancel(cause);
    assertThat(value.err()).isSameAs(parent.err());
    assertThat(value.cause()).isSameAs(cause);
    assertThat(isDone(value)).isTrue();
  }

  // ---------------------------------------------------------------- withoutCancel

  @Test
  void withoutCancelKeepsValuesButNeverDeadlineOrCancellation() throws Exception {
    ManualClock clock = new ManualClock();
    Context values = Context.withValue(Context.withClock(Context.background(), clock), "k", "v");
    CancelContext parent = Context.withTimeout(values, Duration.ofSeconds(1));
    Context without = Context.withoutCancel(parent);

    assertThat(without.value("k")).isEqualTo("v");
    assertThat(without.deadline()).isEmpty();
    assertThat(without.done()).isNotNull();

    parent.cancel(new Exception("gone"));
    clock.advance(Duration.ofSeconds(2));

    assertThat(parent.err()).isNotNull();
    assertThat(without.err()).isNull();
    assertThat(without.cause()).isNull();
    assertThat(without.done().tryReceive()).isNull();
    assertThat(without.value("k")).isEqualTo("v");

    // Its children are live, can be cancelled on their own, and time on the inherited clock.
    CancelContext child = Context.withCancel(without);
    assertThat(child.err()).isNull();
    CancelContext timed = Context.withTimeout(without, Duration.ofSeconds(1));
    assertThat(timed.err()).isNull();
    clock.advance(Duration.ofSeconds(1));
    assertThat(timed.err()).isInstanceOf(DeadlineExceededException.class);
    assertThat(without.err()).isNull();

    // A receive with it is not ended by the parent's cancellation.
    Channel<String> ch = Channel.make();
    Task<String> receiver = Runner.VIRTUAL.callBlocked(() -> ch.receive(without));
    ch.send("delivered");
    assertThat(receiver.join()).isEqualTo("delivered");
  }

  @Test
  void withoutCancelOfAnAlreadyCancelledParentIsLive() {
    CancelContext parent = Context.withCancel(Context.background());
    parent.cancel();
    Context without = Context.withoutCancel(Context.withValue(parent, "k", 1));
    assertThat(without.err()).isNull();
    assertThat(isDone(without)).isFalse();
    assertThat(without.value("k")).isEqualTo(1);
    assertThat(Context.withCancel(without).err()).isNull();
  }

  @Test
  void afterFuncOnWithoutCancelNeverRuns() throws Exception {
    CancelContext parent = Context.withCancel(Context.background());
    CompletableFuture<Void> ran = new CompletableFuture<>();
    AfterFunc stop = Context.afterFunc(Context.withoutCancel(parent), () -> ran.complete(null));
    parent.cancel();
    // A sentinel afterFunc on the parent proves cancellation's goroutines have been started.
    CompletableFuture<Void> sentinel = new CompletableFuture<>();
    Context.afterFunc(parent, () -> sentinel.complete(null));
    sentinel.get(5, TimeUnit.SECONDS);
    assertThat(ran).isNotDone();
    assertThat(stop.stop()).isTrue();
  }

  // ---------------------------------------------------------------- toString

  @Test
  void toStringShapesFollowGo() {
    Context bg = Context.background();
    assertThat(Context.withCancel(bg)).hasToString("context.Background.WithCancel");
    assertThat(Context.withCancelCause(bg)).hasToString("context.Background.WithCancel");
    assertThat(Context.withValue(bg, "k", "v")).hasToString("context.Background.WithValue(k, v)");
    assertThat(Context.withoutCancel(bg)).hasToString("context.Background.WithoutCancel");
    assertThat(Context.withTimeout(bg, Duration.ofHours(1)).toString())
        .startsWith("context.Background.WithDeadline(");
    assertThat(
            Context.withCancel(
                Context.withoutCancel(
                    Context.withValue(Context.withCancel(Context.todo()), "user", "alice"))))
        .hasToString("context.TODO.WithCancel.WithValue(user, alice).WithoutCancel.WithCancel");
  }

  @Test
  void clockOfFindsTheNearestClockAboveAndDefaultsToTheSystemClock() {
    ManualClock outer = new ManualClock();
    ManualClock inner = new ManualClock();
    Context withOuter = Context.withClock(Context.background(), outer);
    Context below = Context.withValue(Context.withCancel(withOuter), "k", "v");

    assertThat(Context.clockOf(Context.background())).isSameAs(dev.runnel.time.Clock.system());
    assertThat(Context.clockOf(below)).isSameAs(outer);
    assertThat(Context.clockOf(Context.withClock(below, inner))).isSameAs(inner);
    assertThatThrownBy(() -> Context.clockOf(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("ctx");
  }
}
