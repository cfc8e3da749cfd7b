package dev.runnel.context;

import static dev.runnel.context.ContextProbe.isDone;
import static dev.runnel.context.ContextProbe.thrownBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import dev.runnel.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Chains a million contexts deep: every walk up a chain is a loop, so nothing overflows the stack
 * (Go's contexts recurse; a Java thread's stack is far smaller than a goroutine's can grow).
 */
@Timeout(60)
class DeepContextChainTest {

  private static final int DEPTH = 1_000_000;

  /** {@code DEPTH} contexts made by {@code step}, each over the one before, over {@code root}. */
  private static Context chain(Context root, UnaryOperator<Context> step) {
    Context c = root;
    for (int i = 0; i < DEPTH; i++) {
      c = step.apply(c);
    }
    return c;
  }

  /** {@code DEPTH} value contexts over {@code root}, key {@code i} holding {@code i}. */
  private static Context values(Context root) {
    Context c = root;
    for (int i = 0; i < DEPTH; i++) {
      c = Context.withValue(c, i, i);
    }
    return c;
  }

  /** A mix of every kind of cancellable child, with values between. */
  private static Context mixedCancellable(Context root) {
    int[] i = {0};
    return chain(
        root,
        c ->
            switch (i[0]++ % 3) {
              case 0 -> Context.withValue(c, "k", i[0]);
              case 1 -> Context.withCancel(c);
              default -> Context.withCancelCause(c);
            });
  }

  @Test
  void aMillionValueContextsOverBackground() {
    Context leaf = values(Context.background());
    assertThat(leaf.err()).isNull();
    assertThat(leaf.cause()).isNull();
    assertThat(leaf.deadline()).isEmpty();
    assertThat(leaf.done()).isSameAs(Context.background().done());
    assertThat(isDone(leaf)).isFalse();
    assertThat(leaf.value(0)).isEqualTo(0);
    assertThat(leaf.value(DEPTH - 1)).isEqualTo(DEPTH - 1);
    assertThat(leaf.value("missing")).isNull();
    CancelContext child = Context.withCancel(leaf);
    assertThat(child.err()).isNull();
    child.cancel();
    assertThat(leaf.err()).as("a child's cancel never reaches up").isNull();
  }

  @Test
  void cancellingTheRootOfAMillionValueContextsCancelsTheLeafAndItsChild() {
    CancelContext root = Context.withCancel(Context.background());
    Context leaf = values(root);
    CancelContext child = Context.withCancel(leaf);
    assertThat(leaf.err()).isNull();
    assertThat(isDone(leaf)).isFalse();

    Exception why = new Exception("why");
    root.cancel(why);

    assertThat(leaf.err()).isSameAs(root.err());
    assertThat(leaf.cause()).isSameAs(why);
    assertThat(isDone(leaf)).isTrue();
    assertThat(child.err()).as("cancelled synchronously").isSameAs(root.err());
    assertThat(child.cause()).isSameAs(why);
    assertThat(isDone(child)).isTrue();
  }

  @Test
  void aMillionValueContextsUnderADeadline() {
    ManualClock clock = new ManualClock();
    Instant at = clock.now().plus(Duration.ofSeconds(10));
    CancelContext timed = Context.withDeadline(Context.withClock(Context.background(), clock), at);
    Context leaf = values(timed);
    assertThat(leaf.deadline()).contains(at);
    CancelContext inner = Context.withTimeout(leaf, Duration.ofSeconds(1));
    assertThat(inner.deadline()).contains(clock.now().plus(Duration.ofSeconds(1)));

    clock.advance(Duration.ofSeconds(1));
    assertThat(inner.err()).isInstanceOf(DeadlineExceededException.class);
    assertThat(leaf.err()).isNull();
    clock.advance(Duration.ofSeconds(9));
    assertThat(leaf.err()).isInstanceOf(DeadlineExceededException.class);
    assertThat(leaf.cause()).isSameAs(leaf.err());
  }

  @Test
  void aMillionMixedCancellableContextsAreCancelledFromTheRoot() {
    CancelContext root = Context.withCancel(Context.background());
    Context leaf = mixedCancellable(root);
    CancelContext child = Context.withCancel(leaf);
    assertThat(leaf.err()).isNull();
    assertThat(leaf.value("k")).isNotNull();

    root.cancel();

    assertThat(leaf.err()).isSameAs(root.err());
    assertThat(leaf.cause()).isSameAs(root.err());
    assertThat(child.err()).isSameAs(root.err());
    assertThat(isDone(leaf)).isTrue();
  }

  @Test
  void aMillionContextsWithWithoutCancelBetweenIgnoreTheRootsCancellation() {
    CancelContext root = Context.withCancel(Context.withValue(Context.background(), "top", 1));
    int[] i = {0};
    Context leaf =
        chain(
            root,
            c ->
                switch (i[0]++ % 3) {
                  case 0 -> Context.withValue(c, "k", i[0]);
                  case 1 -> Context.withCancel(c);
                  default -> Context.withoutCancel(c);
                });
    assertThat(leaf.value("top")).isEqualTo(1);
    assertThat(leaf.deadline()).isEmpty();
    assertThat(leaf.toString())
        .startsWith("context.Background.WithValue(top, 1).WithCancel.WithValue(k, 1).WithCancel.")
        .endsWith(".WithCancel.WithoutCancel.WithValue(k, " + DEPTH + ")");

    root.cancel();

    assertThat(leaf.err()).isNull();
    assertThat(leaf.cause()).isNull();
    assertThat(isDone(leaf)).isFalse();
    assertThat(Context.withCancel(leaf).err()).isNull();
  }

  @Test
  void blockingCallsWithTheLeafOfAMillionValueContexts() throws Exception {
    CancelContext root = Context.withCancel(Context.background());
    Context leaf = values(root);
    Channel<String> ch = Channel.make();

    Task<String> receiver = Runner.VIRTUAL.callBlocked(() -> ch.receive(leaf));
    ch.send(leaf, "hello");
    assertThat(receiver.join()).isEqualTo("hello");

    Task<Throwable> blocked = Runner.PLATFORM.callBlocked(thrownBy(() -> ch.receive(leaf)));
    root.cancel();
    assertThat(blocked.join()).isSameAs(root.err());
    assertThatThrownBy(() -> ch.send(leaf, "late")).isSameAs(root.err());
  }

  @Test
  void toStringOfAMillionContextsDoesNotOverflow() {
    Context leaf =
        chain(Context.background(), c -> Context.withCancel(Context.withValue(c, "k", "v")));
    String s = leaf.toString();
    String step = ".WithValue(k, v).WithCancel";
    assertThat(s).startsWith("context.Background" + step + step).endsWith(step + step);
    assertThat(s).hasSize("context.Background".length() + DEPTH * step.length());
    ((CancelContext) leaf).cancel();
  }
}
