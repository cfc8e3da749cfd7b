package dev.runnel.context;

import static dev.runnel.context.ContextProbe.isDone;
import static dev.runnel.context.ContextProbe.thrownBy;
import static dev.runnel.testkit.Threads.awaitParked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.ReceiveChannel;
import dev.runnel.Received;
import dev.runnel.Select;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import dev.runnel.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Go's {@code WithCancel} and {@code WithCancelCause}: cancelling closes done, sets err and cause,
 * reaches every descendant and never an ancestor or sibling; only the first cancel counts.
 */
@Timeout(10)
class CancelContextTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void liveContextIsNotDoneAndHasNoErrOrCause() {
    CancelContext ctx = Context.withCancel(Context.background());
    assertThat(ctx.done()).isNotNull();
    assertThat(ctx.done().tryReceive()).isNull();
    assertThat(ctx.err()).isNull();
    assertThat(ctx.cause()).isNull();
    assertThat(ctx.deadline()).isEmpty();
  }

  @ParameterizedTest(name = "done() asked before cancel: {0}")
  @ValueSource(booleans = {true, false})
  void cancelClosesDoneAndSetsCanceledErr(boolean doneBeforeCancel) throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    ReceiveChannel<?> before = doneBeforeCancel ? ctx.done() : null;

    ctx.cancel();

    ReceiveChannel<?> done = ctx.done();
    if (doneBeforeCancel) {
      assertThat(done).as("the same channel on every call").isSameAs(before);
    }
    assertThat(ctx.done()).isSameAs(done);
    assertThat(done.receive()).as("a closed done channel yields null").isNull();
    assertThat(done.receiveOk()).isEqualTo(Received.closed());
    assertThat(done.receiveOk().ok()).isFalse();
    assertThat(done.tryReceive()).isEqualTo(Received.closed());

    CancellationException err = ctx.err();
    assertThat(err).isInstanceOf(ContextCanceledException.class).hasMessage("context canceled");
    assertThat(ctx.err()).as("same instance on every call").isSameAs(err);
    assertThat(ctx.cause()).as("no cause given: the error itself").isSameAs(err);
  }

  @Test
  void errorsAreStacklessCancellationExceptions() {
    CancelContext ctx = Context.withCancel(Context.background());
    ctx.cancel();
    assertThat(ctx.err()).isInstanceOf(CancellationException.class);
    assertThat(ctx.err().getStackTrace()).isEmpty();
  }

  @Test
  void eachCancellationMakesItsOwnErrorInstance() {
    CancelContext a = Context.withCancel(Context.background());
    CancelContext b = Context.withCancel(Context.background());
    a.cancel();
    b.cancel();
    assertThat(a.err()).isNotSameAs(b.err());
  }

  @Test
  void secondCancelIsANoOp() {
    CancelContext ctx = Context.withCancel(Context.background());
    ctx.cancel();
    CancellationException err = ctx.err();
    ctx.cancel();
    ctx.cancel(new IllegalStateException("late"));
    ctx.close();
    assertThat(ctx.err()).isSameAs(err);
    assertThat(ctx.cause()).isSameAs(err);
  }

  @Test
  void closeCancelsSoTryWithResourcesIsDeferCancel() {
    CancelContext escaped;
    try (CancelContext ctx = Context.withCancel(Context.background())) {
      escaped = ctx;
      assertThat(ctx.err()).isNull();
    }
    assertThat(escaped.err()).isInstanceOf(ContextCanceledException.class);
    assertThat(isDone(escaped)).isTrue();
  }

  @Test
  void cancellingAChildNeverCancelsItsParentOrSiblings() {
    CancelContext parent = Context.withCancel(Context.background());
    CancelContext first = Context.withCancel(parent);
    CancelContext second = Context.withCancel(parent);
    CancelContext third = Context.withCancel(parent);
    CancelContext grandchild = Context.withCancel(second);
    CancelContext grandchildOfFirst = Context.withCancel(first);

    second.cancel();

    assertThat(second.err()).isInstanceOf(ContextCanceledException.class);
    assertThat(grandchild.err()).isSameAs(second.err());
    for (Context live : List.of(parent, first, third, grandchildOfFirst)) {
      assertThat(live.err()).as("%s", live).isNull();
      assertThat(isDone(live)).as("%s", live).isFalse();
    }
  }

  /**
   * One node of the tree built by {@link
   * #cancellingAParentCancelsEveryDescendantButNotBelowWithoutCancel}.
   */
  private record Node(String path, Context ctx, boolean shielded) {}

  @Test
  void cancellingAParentCancelsEveryDescendantButNotBelowWithoutCancel() {
    ManualClock clock = new ManualClock();
    CancelContext root = Context.withCancel(Context.withClock(Context.background(), clock));
    // Depth 3, breadth 4: every node gets a withCancel, withTimeout, withValue and withoutCancel
    // child. A node is shielded if a withoutCancel lies between it and the root.
    List<Node> all = new ArrayList<>();
    List<Node> level = List.of(new Node("root", root, false));
    for (int depth = 1; depth <= 3; depth++) {
      List<Node> next = new ArrayList<>();
      for (Node n : level) {
        next.add(new Node(n.path + "/cancel", Context.withCancel(n.ctx), n.shielded));
        next.add(
            new Node(
                n.path + "/timeout", Context.withTimeout(n.ctx, Duration.ofHours(1)), n.shielded));
        next.add(new Node(n.path + "/value", Context.withValue(n.ctx, "depth", depth), n.shielded));
        next.add(new Node(n.path + "/without", Context.withoutCancel(n.ctx), true));
      }
      all.addAll(next);
      level = next;
    }
    assertThat(all).hasSize(4 + 16 + 64);
    long shieldedTimers =
        all.stream().filter(n -> n.shielded && n.path.endsWith("/timeout")).count();
    assertThat(clock.pendingTimers()).isEqualTo(16 + 4 + 1); // 21 withTimeout nodes in all

    IllegalStateException cause = new IllegalStateException("shutting down");
    root.cancel(cause);

    CancellationException err = root.err();
    assertThat(err).isInstanceOf(ContextCanceledException.class);
    for (Node n : all) {
      if (n.shielded) {
        assertThat(n.ctx.err()).as("%s is below withoutCancel", n.path).isNull();
        assertThat(n.ctx.cause()).as(n.path).isNull();
        assertThat(isDone(n.ctx)).as(n.path).isFalse();
      } else {
        assertThat(n.ctx.err()).as("%s shares the root's error", n.path).isSameAs(err);
        assertThat(n.ctx.cause()).as("%s has the root's cause", n.path).isSameAs(cause);
        assertThat(isDone(n.ctx)).as(n.path).isTrue();
      }
    }
    assertThat(clock.pendingTimers())
        .as("cancelled timer contexts released their timers")
        .isEqualTo((int) shieldedTimers);
  }

  @Test
  void childOfAnAlreadyCancelledParentIsDoneAtOnceWithTheParentsErrAndCause() {
    CancelContext parent = Context.withCancel(Context.background());
    Exception cause = new Exception("gone");
    parent.cancel(cause);

    List<Context> children =
        List.of(
            Context.withCancel(parent),
            Context.withCancelCause(parent),
            Context.withTimeout(parent, Duration.ofHours(1)),
            Context.withValue(parent, "k", "v"),
            Context.withCancel(Context.withValue(parent, "k", "v")));
    for (Context child : children) {
      assertThat(isDone(child)).as("%s", child).isTrue();
      assertThat(child.err()).as("%s", child).isSameAs(parent.err());
      assertThat(child.cause()).as("%s", child).isSameAs(cause);
    }
    // Its own cancel cannot change what it already reports.
    CancelContext child = Context.withCancel(parent);
    child.cancel(new Exception("other"));
    assertThat(child.err()).isSameAs(parent.err());
    assertThat(child.cause()).isSameAs(cause);
  }

  @Test
  void everyGoroutineBlockedOnDoneWakes() throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    Context below = Context.withValue(Context.withCancel(ctx), "k", "v");
    AtomicInteger woken = new AtomicInteger();
    List<Task<Void>> tasks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Runner runner = i % 2 == 0 ? Runner.VIRTUAL : Runner.PLATFORM;
      Context watched = i < 3 ? ctx : below;
      Channel<Integer> never = Channel.make();
      tasks.add(
          runner.runBlocked(
              () ->
                  Select.select()
                      .onReceive(never, v -> {})
                      .onReceive(watched.done(), v -> woken.incrementAndGet())
                      .run()));
    }
    tasks.add(Runner.VIRTUAL.runBlocked(() -> assertThat(ctx.done().receive()).isNull()));
    tasks.add(Runner.PLATFORM.runBlocked(() -> assertThat(below.done().receive()).isNull()));

    ctx.cancel();

    for (Task<Void> t : tasks) {
      t.join();
    }
    assertThat(woken.get()).isEqualTo(6);
  }

  @Test
  void blockingReceiveWithTheContextIsEndedByCancelWithItsErr() throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    Channel<String> ch = Channel.make();
    Task<Throwable> receiver = Runner.VIRTUAL.callBlocked(thrownBy(() -> ch.receive(ctx)));
    ctx.cancel();
    assertThat(receiver.join()).isSameAs(ctx.err());
    assertThat(ch.trySend("x")).as("the cancelled receiver left the channel").isFalse();
  }

  // ---------------------------------------------------------------- causes

  @Test
  void cancelWithCauseReportsItWhileErrStaysCanceled() {
    CancelContext ctx = Context.withCancelCause(Context.background());
    assertThat(ctx.cause()).as("null while live").isNull();
    RuntimeException cause = new RuntimeException("boom");
    ctx.cancel(cause);
    assertThat(ctx.cause()).isSameAs(cause);
    assertThat(ctx.err())
        .isInstanceOf(ContextCanceledException.class)
        .hasMessage("context canceled");
  }

  @Test
  void cancelWithNullCauseReportsTheErrAsCause() {
    CancelContext ctx = Context.withCancelCause(Context.background());
    ctx.cancel(null);
    assertThat(ctx.err()).isInstanceOf(ContextCanceledException.class);
    assertThat(ctx.cause()).isSameAs(ctx.err());
  }

  @Test
  void causeWorksOnAContextFromWithCancelToo() {
    CancelContext ctx = Context.withCancel(Context.background());
    Error cause = new AssertionError("why");
    ctx.cancel(cause);
    assertThat(ctx.cause()).isSameAs(cause);
  }

  @Test
  void parentCausePropagatesToDescendants() {
    CancelContext parent = Context.withCancelCause(Context.background());
    CancelContext child = Context.withCancel(parent);
    Context grandchild = Context.withValue(Context.withCancelCause(child), "k", 1);
    Exception cause = new Exception("parent's reason");
    parent.cancel(cause);
    assertThat(child.cause()).isSameAs(cause);
    assertThat(grandchild.cause()).isSameAs(cause);
    assertThat(grandchild.err()).isSameAs(parent.err());
  }

  @Test
  void theFirstCancellationsCauseWins() {
    CancelContext parent = Context.withCancelCause(Context.background());
    CancelContext child = Context.withCancelCause(parent);
    Exception childCause = new Exception("child first");
    Exception parentCause = new Exception("parent later");
    child.cancel(childCause);
    parent.cancel(parentCause);
    assertThat(child.cause()).isSameAs(childCause);
    assertThat(parent.cause()).isSameAs(parentCause);
    assertThat(child.err()).isNotSameAs(parent.err());

    CancelContext parent2 = Context.withCancelCause(Context.background());
    CancelContext child2 = Context.withCancelCause(parent2);
    Exception first = new Exception("parent first");
    parent2.cancel(first);
    child2.cancel(new Exception("child later"));
    assertThat(child2.cause()).isSameAs(first);

    CancelContext ctx = Context.withCancelCause(Context.background());
    ctx.cancel(first);
    ctx.cancel(new Exception("second"));
    assertThat(ctx.cause()).isSameAs(first);
  }

  @Test
  void contextDoneOnEntryFailsReceiveEvenIfAValueIsReady() throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    ctx.cancel();
    Channel<String> ch = Channel.make(1);
    ch.send("ready");
    assertThatThrownBy(() -> ch.receive(ctx)).isSameAs(ctx.err());
    assertThat(ch.tryReceive()).isEqualTo(new Received<>("ready", true));
  }

  @Test
  void cancelCalledFromManyThreadsAtOnceSettlesOnOneErrAndOneCause() throws Exception {
    for (int round = 0; round < 200; round++) {
      CancelContext ctx = Context.withCancelCause(Context.background());
      CancelContext child = Context.withCancel(ctx);
      List<Exception> causes = new ArrayList<>();
      List<Task<Void>> cancellers = new ArrayList<>();
      CountDownLatch go = new CountDownLatch(1);
      for (int i = 0; i < 4; i++) {
        Exception cause = new Exception("canceller " + i);
        causes.add(cause);
        cancellers.add(
            Runner.VIRTUAL.run(
                () -> {
                  go.await();
                  ctx.cancel(cause);
                }));
      }
      go.countDown();
      for (Task<Void> t : cancellers) {
        t.join();
      }
      assertThat(causes).contains((Exception) ctx.cause());
      assertThat(child.cause()).isSameAs(ctx.cause());
      assertThat(child.err()).isSameAs(ctx.err());
    }
  }

  /** Every way to derive a context from a parent, with the parent null and the rest valid. */
  static Stream<Arguments> factoriesGivenANullParent() {
    Instant soon = Instant.now().plusSeconds(60);
    Duration minute = Duration.ofMinutes(1);
    Exception cause = new Exception("cause");
    return Stream.of(
        Arguments.of("withCancel", (Runnable) () -> Context.withCancel(null)),
        Arguments.of("withCancelCause", (Runnable) () -> Context.withCancelCause(null)),
        Arguments.of("withTimeout", (Runnable) () -> Context.withTimeout(null, minute)),
        Arguments.of(
            "withTimeoutCause", (Runnable) () -> Context.withTimeoutCause(null, minute, cause)),
        Arguments.of("withDeadline", (Runnable) () -> Context.withDeadline(null, soon)),
        Arguments.of(
            "withDeadlineCause", (Runnable) () -> Context.withDeadlineCause(null, soon, cause)),
        Arguments.of("withValue", (Runnable) () -> Context.withValue(null, "k", "v")),
        Arguments.of("withValue, null key", (Runnable) () -> Context.withValue(null, null, "v")),
        Arguments.of("withoutCancel", (Runnable) () -> Context.withoutCancel(null)),
        Arguments.of("withClock", (Runnable) () -> Context.withClock(null, new ManualClock())),
        Arguments.of("afterFunc", (Runnable) () -> Context.afterFunc(null, () -> {})));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("factoriesGivenANullParent")
  void aNullParentIsRejectedWithGosMessage(String factory, Runnable call) {
    assertThatThrownBy(call::run)
        .isInstanceOf(NullPointerException.class)
        .hasMessage("cannot create context from nil parent");
  }

  @Test
  void aBlockedReceiverOnAChildIsWokenByTheGrandparentsCancel() throws Exception {
    CancelContext top = Context.withCancel(Context.background());
    Context leaf = Context.withValue(Context.withCancel(Context.withCancel(top)), "k", "v");
    Channel<Integer> ch = Channel.make();
    Task<Throwable> receiver = Runner.PLATFORM.call(thrownBy(() -> ch.receive(leaf)));
    awaitParked(receiver.thread());
    top.cancel();
    assertThat(receiver.join()).isSameAs(top.err());
  }
}
