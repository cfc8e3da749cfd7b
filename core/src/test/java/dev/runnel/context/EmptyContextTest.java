package dev.runnel.context;

import static dev.runnel.context.ContextProbe.isDone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.runnel.Channel;
import dev.runnel.Select;
import dev.runnel.internal.CancelScope;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Go's {@code context.Background()} and {@code context.TODO()}: roots that are never done. */
@Timeout(10)
class EmptyContextTest {

  static Stream<Arguments> roots() {
    return Stream.of(
        Arguments.of(Context.background(), "context.Background"),
        Arguments.of(Context.todo(), "context.TODO"));
  }

  @ParameterizedTest
  @MethodSource("roots")
  void rootIsNeverDoneAndCarriesNothing(Context root, String name) {
    assertThat(root.done()).isNotNull();
    assertThat(root.done().tryReceive()).as("never ready").isNull();
    assertThat(isDone(root)).isFalse();
    assertThat(root.err()).isNull();
    assertThat(root.cause()).isNull();
    assertThat(root.deadline()).isEmpty();
    assertThat(root.value("any key")).isNull();
    assertThat(root.value(Contexts.CLOCK_KEY)).isNull();
    assertThat(root).hasToString(name);
  }

  @Test
  void rootsAreDistinctSingletons() {
    assertThat(Context.background()).isSameAs(Context.background());
    assertThat(Context.todo()).isSameAs(Context.todo());
    assertThat(Context.background()).isNotSameAs(Context.todo());
  }

  @ParameterizedTest
  @MethodSource("roots")
  void doneOfRootIsANeverReadyCaseInSelect(Context root, String name) throws Exception {
    // With a default, the never-ready case is skipped.
    AtomicReference<String> chosen = new AtomicReference<>();
    Select.select()
        .onReceive(root.done(), v -> chosen.set("done"))
        .otherwise(() -> chosen.set("default"))
        .run();
    assertThat(chosen.get()).isEqualTo("default");

    // With a ready channel beside it, the ready one is always chosen.
    Channel<Integer> ready = Channel.make(1);
    for (int i = 0; i < 50; i++) {
      ready.send(i);
      Select.select()
          .onReceive(root.done(), v -> fail("%s.done() became ready", name))
          .onReceive(ready, v -> chosen.set("ready " + v))
          .run();
      assertThat(chosen.get()).isEqualTo("ready " + i);
    }

    // Alone, it times out.
    assertThat(
            Select.select()
                .onReceive(root.done(), v -> fail("%s.done() became ready", name))
                .run(Duration.ofMillis(20)))
        .isFalse();
  }

  @Test
  void blockingReceiveWithRootContextWaitsForTheValue() throws Exception {
    Channel<String> ch = Channel.make();
    Task<String> receiver = Runner.VIRTUAL.callBlocked(() -> ch.receive(Context.background()));
    ch.send("hello");
    assertThat(receiver.join()).isEqualTo("hello");
  }

  @Test
  void rootsOfferNoCancelScopeSoNothingIsWatched() {
    // A wait with a root context needs no registration: nothing can ever end it.
    assertThat(CancelScope.of(Context.background())).isNull();
    assertThat(CancelScope.of(Context.todo())).isNull();
  }
}
