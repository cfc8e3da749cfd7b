package dev.runnel.context;

import static dev.runnel.context.ContextProbe.childCount;
import static dev.runnel.context.ContextProbe.isDone;
import static dev.runnel.context.ContextProbe.thrownBy;
import static dev.runnel.testkit.Threads.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.Channel;
import dev.runnel.ReceiveChannel;
import dev.runnel.Received;
import dev.runnel.debug.GoroutineDump;
import dev.runnel.internal.CancelScope;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Contexts that wrap a Runnel context, delegating to it, as Go code embeds a context in a struct:
 * Runnel looks through them to the context they came from (Go's {@code parentCancelCtx}), so their
 * children and the calls blocked with them are cancelled synchronously, without a goroutine. A
 * wrapper with a done channel of its own is a foreign context, watched by one goroutine that ends
 * with what it watches for.
 */
@Timeout(10)
class WrappedContextTest {

  /** Delegates every method, as {@code type ctx struct{ context.Context }} does in Go. */
  private record Wrapper(Context in) implements Context {
    @Override
    public Optional<Instant> deadline() {
      return in.deadline();
    }

    @Override
    public ReceiveChannel<?> done() {
      return in.done();
    }

    @Override
    public CancellationException err() {
      return in.err();
    }

    @Override
    public Throwable cause() {
      return in.cause();
    }

    @Override
    public Object value(Object key) {
      return in.value(key);
    }
  }

  /** Delegates everything but {@code done()}, which is a channel of its own. */
  private record OwnDone(Context in, Channel<Object> signal) implements Context {
    OwnDone(Context in) {
      this(in, Channel.make());
    }

    @Override
    public Optional<Instant> deadline() {
      return in.deadline();
    }

    @Override
    public ReceiveChannel<?> done() {
      return signal;
    }

    @Override
    public CancellationException err() {
      return in.err();
    }

    @Override
    public Throwable cause() {
      return in.cause();
    }

    @Override
    public Object value(Object key) {
      return in.value(key);
    }
  }

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  /** How many goroutines started after {@code mark} are still running. */
  private static int goroutinesSince(long mark) {
    return GoroutineDump.countStartedAfter(mark);
  }

  @Test
  void aChildOfAWrapperIsCancelledWithinTheParentsCancel() {
    for (int i = 0; i < 1_000; i++) {
      long mark = GoroutineDump.lastGoroutineId();
      CancelContext c1 = Context.withCancel(Context.background());
      CancelContext c2 = Context.withCancel(new Wrapper(c1));
      assertThat(childCount(c1)).as("registered with the wrapped context").isEqualTo(1);
      assertThat(goroutinesSince(mark)).as("no watcher goroutine").isZero();

      Exception why = new Exception("why");
      c1.cancel(why);

      assertThat(c2.err()).as("try %d", i).isSameAs(c1.err());
      assertThat(c2.cause()).isSameAs(why);
      assertThat(isDone(c2)).isTrue();
    }
  }

  @Test
  void wrappersOfValueContextsOfWrappersAreLookedThrough() {
    long mark = GoroutineDump.lastGoroutineId();
    CancelContext c1 = Context.withCancel(Context.background());
    Context wrapped =
        new Wrapper(Context.withValue(new Wrapper(Context.withValue(c1, "a", 1)), "b", 2));
    CancelContext c2 = Context.withCancel(wrapped);
    CancelContext timed = Context.withTimeout(wrapped, Duration.ofHours(1));
    assertThat(childCount(c1)).isEqualTo(2);
    assertThat(c2.value("a")).isEqualTo(1);
    assertThat(c2.value("b")).isEqualTo(2);
    assertThat(goroutinesSince(mark)).isZero();

    c1.cancel();

    assertThat(c2.err()).isSameAs(c1.err());
    assertThat(timed.err()).isSameAs(c1.err());
  }

  @Test
  void aWrapperOfACancelledContextMakesChildrenThatAreDoneAtOnce() {
    CancelContext c1 = Context.withCancel(Context.background());
    Exception why = new Exception("why");
    c1.cancel(why);
    CancelContext c2 = Context.withCancel(new Wrapper(Context.withValue(c1, "k", "v")));
    assertThat(c2.err()).isSameAs(c1.err());
    assertThat(c2.cause()).isSameAs(why);
  }

  @Test
  void aWrapperOfBackgroundIsNeverCancelledAndNeedsNoGoroutine() {
    long mark = GoroutineDump.lastGoroutineId();
    Context wrapped = new Wrapper(Context.background());
    assertThat(CancelScope.of(wrapped)).isNull();
    assertThat(CancelScope.of(new Wrapper(Context.withoutCancel(Context.withCancel(wrapped)))))
        .isNull();
    CancelContext child = Context.withCancel(wrapped);
    AfterFunc stop = Context.afterFunc(wrapped, () -> {});
    assertThat(goroutinesSince(mark)).isZero();
    assertThat(child.err()).isNull();
    assertThat(stop.stop()).isTrue();
    child.cancel();
  }

  @Test
  void aWrapperWithADoneOfItsOwnIsWatchedByOneGoroutineThatEndsWithTheChild() throws Exception {
    CancelContext c1 = Context.withCancel(Context.background());
    OwnDone wrapper = new OwnDone(c1);

    long mark = GoroutineDump.lastGoroutineId();
    CancelContext left = Context.withCancel(wrapper);
    assertThat(childCount(c1)).as("not looked through: its done differs").isZero();
    assertThat(goroutinesSince(mark)).as("one watcher").isEqualTo(1);
    left.cancel();
    eventually("the watcher ends with the child", () -> goroutinesSince(mark) == 0);

    CancelContext followed = Context.withCancel(wrapper);
    c1.cancel();
    assertThat(followed.err()).as("it follows the wrapper's done, not c1's").isNull();
    wrapper.signal().close();
    assertThat(followed.done().receive(Duration.ofSeconds(5))).isEqualTo(Received.closed());
    assertThat(followed.err()).isSameAs(c1.err());
    eventually("the watcher ends with the parent", () -> goroutinesSince(mark) == 0);
  }

  @Test
  void aReceiveWithAWrapperIsWokenByTheWrappedContextWithoutAGoroutine() throws Exception {
    CancelContext c1 = Context.withCancel(Context.background());
    Channel<String> ch = Channel.make();
    long mark = GoroutineDump.lastGoroutineId();
    Task<Throwable> receiver =
        Runner.VIRTUAL.callBlocked(
            thrownBy(() -> ch.receive(new Wrapper(Context.withValue(c1, "k", "v")))));
    assertThat(childCount(c1)).as("the waiter is registered with c1").isEqualTo(1);
    assertThat(goroutinesSince(mark)).isZero();

    c1.cancel();

    assertThat(receiver.join()).isSameAs(c1.err());
    assertThat(ch.trySend("x")).as("the receiver left the channel").isFalse();
  }

  @Test
  void aReceiveWithAWrapperWithADoneOfItsOwnEndsItsWatcherWhenItReturns() throws Exception {
    OwnDone wrapper = new OwnDone(Context.withCancel(Context.background()));
    Channel<String> ch = Channel.make();
    long mark = GoroutineDump.lastGoroutineId();
    Task<String> receiver = Runner.PLATFORM.callBlocked(() -> ch.receive(wrapper));
    assertThat(goroutinesSince(mark)).as("one watcher").isEqualTo(1);
    ch.send("value");
    assertThat(receiver.join()).isEqualTo("value");
    eventually("the watcher ends with the wait", () -> goroutinesSince(mark) == 0);

    Task<Throwable> cancelled = Runner.VIRTUAL.callBlocked(thrownBy(() -> ch.receive(wrapper)));
    ((CancelContext) wrapper.in()).cancel();
    wrapper.signal().close();
    assertThat(cancelled.join()).isSameAs(wrapper.err());
    eventually("the watcher ends with the parent", () -> goroutinesSince(mark) == 0);
  }

  @Test
  void afterFuncOnAWrapperHangsOnTheWrappedContext() throws Exception {
    CancelContext c1 = Context.withCancel(Context.background());
    long mark = GoroutineDump.lastGoroutineId();
    CompletableFuture<Throwable> ran = new CompletableFuture<>();
    AfterFunc stopped = Context.afterFunc(new Wrapper(c1), () -> ran.complete(null));
    Context.afterFunc(new Wrapper(c1), () -> ran.complete(c1.err()));
    assertThat(childCount(c1)).isEqualTo(2);
    assertThat(goroutinesSince(mark)).isZero();
    assertThat(stopped.stop()).isTrue();
    assertThat(childCount(c1)).isEqualTo(1);

    c1.cancel();

    assertThat(ran.get(5, TimeUnit.SECONDS)).isSameAs(c1.err());
  }

  @Test
  void interruptOnCancelWithAWrapperHangsOnTheWrappedContext() throws Exception {
    CancelContext c1 = Context.withCancel(Context.background());
    BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    long mark = GoroutineDump.lastGoroutineId();
    Task<Throwable> task =
        Runner.VIRTUAL.call(
            thrownBy(() -> Context.interruptOnCancel(new Wrapper(c1), queue::take)));
    eventually(
        "blocked in take with its bridge on c1",
        () -> childCount(c1) == 1 && task.thread().getState() == Thread.State.WAITING);
    assertThat(goroutinesSince(mark)).isZero();

    c1.cancel();

    assertThat(task.join()).isSameAs(c1.err());
  }

  @Test
  void foreignContextsAreWatchedByGoroutinesThatEndWithWhatTheyWatchFor() throws Exception {
    ForeignContext foreign = new ForeignContext();
    long mark = GoroutineDump.lastGoroutineId();
    CancelContext child = Context.withCancel(foreign);
    assertThat(goroutinesSince(mark)).as("Go's propagateCancel goroutine").isEqualTo(1);
    child.cancel();
    eventually("the watcher ends with the child", () -> goroutinesSince(mark) == 0);

    AfterFunc stop = Context.afterFunc(foreign, () -> {});
    assertThat(goroutinesSince(mark)).isEqualTo(1);
    assertThat(stop.stop()).isTrue();
    eventually("the watcher ends when the afterFunc is stopped", () -> goroutinesSince(mark) == 0);

    assertThat(Context.interruptOnCancel(foreign, () -> "ok")).isEqualTo("ok");
    eventually("the watcher ends with the call", () -> goroutinesSince(mark) == 0);
  }
}
