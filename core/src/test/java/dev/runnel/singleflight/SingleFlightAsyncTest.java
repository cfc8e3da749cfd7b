package dev.runnel.singleflight;

import static dev.runnel.testkit.Threads.awaitParked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.ReceiveChannel;
import dev.runnel.Received;
import dev.runnel.Select;
import dev.runnel.internal.WaitReason;
import dev.runnel.singleflight.SingleFlight.Outcome;
import dev.runnel.singleflight.SingleFlight.Result;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code SingleFlight.callAsync}: Go's {@code Group.DoChan}. Returns at once with a channel that
 * delivers one {@link Outcome} and is then closed; it shares flights with {@code call}.
 */
@Timeout(20)
class SingleFlightAsyncTest {

  private static final Duration PATIENCE = Duration.ofSeconds(5);

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  /** Receives the one outcome, then checks that the channel is closed. */
  private static <V> Outcome<V> receiveOutcome(ReceiveChannel<Outcome<V>> ch) throws Exception {
    Received<Outcome<V>> first = ch.receive(PATIENCE);
    assertThat(first).as("an outcome arrives in time").isNotNull();
    assertThat(first.ok()).as("the outcome is sent before the channel is closed").isTrue();
    Received<Outcome<V>> after = ch.receive(PATIENCE);
    assertThat(after).as("the channel is closed after the outcome").isNotNull();
    assertThat(after.ok()).as("only one outcome").isFalse();
    return first.value();
  }

  @Test
  void deliversTheValueNotSharedThenCloses() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    ReceiveChannel<Outcome<String>> ch = sf.callAsync("key", () -> "bar");
    assertThat(receiveOutcome(ch)).isEqualTo(new Outcome<>("bar", null, false));
  }

  @Test
  void returnsAtOnceAndRunsFnInAnotherGoroutine() throws Exception {
    SingleFlight<String, Thread> sf = new SingleFlight<>();
    GatedFn<Thread> fn = new GatedFn<>(Thread::currentThread);
    ReceiveChannel<Outcome<Thread>> ch = sf.callAsync("key", fn);
    Thread runner = fn.awaitStarted();
    assertThat(runner).isNotSameAs(Thread.currentThread());
    assertThat(runner.isVirtual()).isTrue();
    assertThat(ch.tryReceive()).as("nothing before fn returns").isNull();
    fn.release();
    assertThat(receiveOutcome(ch)).isEqualTo(new Outcome<>(runner, null, false));
  }

  @Test
  void deliversTheExceptionItselfUnwrapped() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    IOException boom = new IOException("boom");
    Outcome<String> o = receiveOutcome(sf.callAsync("key", () -> { throw boom; }));
    assertThat(o.value()).isNull();
    assertThat(o.error()).isSameAs(boom);
    assertThat(o.shared()).isFalse();
  }

  @Test
  void deliversAPanicAsTheError() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    Error panic = new Error("panic");
    Outcome<String> o = receiveOutcome(sf.callAsync("key", () -> { throw panic; }));
    assertThat(o.error()).isSameAs(panic);
    assertThat(o.value()).isNull();
  }

  @Test
  void aNullFnIsRejected() {
    SingleFlight<String, String> sf = new SingleFlight<>();
    assertThatThrownBy(() -> sf.callAsync("key", null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void concurrentAsyncCallsOfOneKeyShareOneRun() throws Exception {
    SingleFlight<String, Object> sf = new SingleFlight<>();
    Object value = new Object();
    GatedFn<Object> fn = GatedFn.returning(value);
    List<ReceiveChannel<Outcome<Object>>> chans = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      chans.add(sf.callAsync("key", fn)); // each has joined when callAsync returns
    }
    fn.awaitStarted();
    fn.release();
    for (ReceiveChannel<Outcome<Object>> ch : chans) {
      Outcome<Object> o = receiveOutcome(ch);
      assertThat(o.value()).isSameAs(value);
      assertThat(o.error()).isNull();
      assertThat(o.shared()).isTrue();
    }
    assertThat(fn.runs()).isEqualTo(1);
  }

  @Test
  void anAsyncCallJoinsTheFlightOfACall() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    GatedFn<String> fn = GatedFn.returning("v");
    Task<Result<String>> caller = Runner.VIRTUAL.call(() -> sf.call("key", fn));
    assertThat(fn.awaitStarted()).isSameAs(caller.thread());
    ReceiveChannel<Outcome<String>> ch = sf.callAsync("key", () -> "not run");
    assertThat(ch.tryReceive()).isNull();
    fn.release();
    assertThat(caller.join()).isEqualTo(new Result<>("v", true));
    assertThat(receiveOutcome(ch)).isEqualTo(new Outcome<>("v", null, true));
    assertThat(fn.runs()).isEqualTo(1);
  }

  @Test
  void aCallJoinsTheFlightOfAnAsyncCall() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    GatedFn<String> fn = GatedFn.returning("v");
    ReceiveChannel<Outcome<String>> ch = sf.callAsync("key", fn);
    fn.awaitStarted();
    Task<Result<String>> caller = Runner.VIRTUAL.call(() -> sf.call("key", () -> "not run"));
    awaitParked(caller.thread(), WaitReason.CHAN_RECEIVE);
    fn.release();
    assertThat(caller.join()).isEqualTo(new Result<>("v", true));
    assertThat(receiveOutcome(ch)).isEqualTo(new Outcome<>("v", null, true));
    assertThat(fn.runs()).isEqualTo(1);
  }

  @Test
  void anAsyncWaiterGetsTheExceptionOfACallsFlight() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    IOException boom = new IOException("boom");
    GatedFn<String> fn = GatedFn.throwing(boom);
    Task<Result<String>> caller = Runner.VIRTUAL.call(() -> sf.call("key", fn));
    fn.awaitStarted();
    ReceiveChannel<Outcome<String>> ch = sf.callAsync("key", () -> "not run");
    fn.release();
    assertThat(caller.failure().getCause()).isSameAs(boom);
    assertThat(receiveOutcome(ch)).isEqualTo(new Outcome<>(null, boom, true));
  }

  @Test
  void afterAnAsyncFlightTheNextCallRunsFnAgain() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    assertThat(receiveOutcome(sf.callAsync("key", () -> "first")).value()).isEqualTo("first");
    assertThat(sf.call("key", () -> "second")).isEqualTo(new Result<>("second", false));
    assertThat(receiveOutcome(sf.callAsync("key", () -> "third")).value()).isEqualTo("third");
  }

  @Test
  void forgetDuringAnAsyncFlightStartsANewOne() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    GatedFn<String> fn = GatedFn.returning("first");
    ReceiveChannel<Outcome<String>> first = sf.callAsync("key", fn);
    ReceiveChannel<Outcome<String>> joined = sf.callAsync("key", () -> "not run");
    fn.awaitStarted();
    sf.forget("key");
    assertThat(receiveOutcome(sf.callAsync("key", () -> "second")))
        .isEqualTo(new Outcome<>("second", null, false));
    fn.release();
    assertThat(receiveOutcome(first)).isEqualTo(new Outcome<>("first", null, true));
    assertThat(receiveOutcome(joined)).isEqualTo(new Outcome<>("first", null, true));
  }

  @Test
  void theChannelIsUsableInSelect() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    GatedFn<String> fn = GatedFn.returning("v");
    ReceiveChannel<Outcome<String>> ch = sf.callAsync("key", fn);
    Channel<String> never = Channel.make();
    AtomicReference<Outcome<String>> got = new AtomicReference<>();
    Task<Void> selector =
        Runner.VIRTUAL.run(
            () ->
                Select.select()
                    .onReceive(ch, got::set)
                    .onReceive(never, s -> { throw new AssertionError("never ready"); })
                    .run());
    awaitParked(selector.thread(), WaitReason.SELECT);
    fn.release();
    selector.join();
    assertThat(got.get()).isEqualTo(new Outcome<>("v", null, false));

    // Closed afterwards: a receive case on it is always ready, with ok == false.
    AtomicReference<Received<Outcome<String>>> closed = new AtomicReference<>();
    Select.select()
        .onReceiveOk(ch, closed::set)
        .onReceive(never, s -> { throw new AssertionError("never ready"); })
        .run();
    assertThat(closed.get().ok()).isFalse();
  }

  @Test
  void selectTakesWhicheverOfTwoFlightsEndsFirst() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    GatedFn<String> slow = GatedFn.returning("slow");
    ReceiveChannel<Outcome<String>> a = sf.callAsync("a", slow);
    ReceiveChannel<Outcome<String>> b = sf.callAsync("b", () -> "fast");
    AtomicReference<String> got = new AtomicReference<>();
    boolean chosen =
        Select.select()
            .onReceive(a, o -> got.set("a:" + o.value()))
            .onReceive(b, o -> got.set("b:" + o.value()))
            .run(PATIENCE);
    assertThat(chosen).isTrue();
    assertThat(got.get()).isEqualTo("b:fast");
    slow.release();
    assertThat(receiveOutcome(a).value()).isEqualTo("slow");
  }
}
