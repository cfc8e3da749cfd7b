package dev.runnel.singleflight;

import static dev.runnel.testkit.Threads.awaitParked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.internal.WaitReason;
import dev.runnel.singleflight.SingleFlight.Result;
import dev.runnel.testkit.Threads;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code SingleFlight.call} and {@code forget}: Go's {@code Group.Do} and {@code Group.Forget}.
 * One run of {@code fn} per key at a time; the callers that arrive while it runs wait and share
 * its value, its exception (as the cause of an {@link ExecutionException}) or its panic.
 */
@Timeout(20)
class SingleFlightTest {

  private static final int CALLERS = 8;

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  /** Starts {@code n} callers of {@code key} at once. */
  private static <V> List<Task<Result<V>>> startCallers(
      Runner runner, SingleFlight<String, V> sf, String key, GatedFn<V> fn, int n) {
    List<Task<Result<V>>> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tasks.add(runner.call(() -> sf.call(key, fn)));
    }
    return tasks;
  }

  /**
   * Waits until fn runs in one of the tasks and every other task waits for that flight (parked
   * on its done channel); returns the task running fn.
   */
  private static <T> Task<T> awaitAllJoined(List<Task<T>> tasks, GatedFn<?> fn) throws Exception {
    Thread runner = fn.awaitStarted();
    Task<T> running = null;
    for (Task<T> t : tasks) {
      if (t.thread() == runner) {
        assertThat(running).as("one caller runs fn").isNull();
        running = t;
      } else {
        awaitParked(t.thread(), WaitReason.CHAN_RECEIVE);
      }
    }
    assertThat(running).as("fn runs in one of the callers' threads").isNotNull();
    return running;
  }

  // ------------------------------------------------------------------ one caller

  @Test
  void aSingleCallReturnsTheValueNotShared() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    AtomicInteger runs = new AtomicInteger();
    Result<String> r =
        sf.call(
            "key",
            () -> {
              runs.incrementAndGet();
              return "bar";
            });
    assertThat(r.value()).isEqualTo("bar");
    assertThat(r.shared()).isFalse();
    assertThat(runs).hasValue(1);
  }

  @Test
  void fnRunsInTheCallersThread() throws Exception {
    SingleFlight<String, Thread> sf = new SingleFlight<>();
    assertThat(sf.call("key", Thread::currentThread).value()).isSameAs(Thread.currentThread());
  }

  @Test
  void aNullValueIsAValue() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    Result<String> r = sf.call("key", () -> null);
    assertThat(r.value()).isNull();
    assertThat(r.shared()).isFalse();
  }

  @Test
  void aCheckedExceptionIsTheCauseOfAnExecutionException() {
    SingleFlight<String, String> sf = new SingleFlight<>();
    IOException boom = new IOException("boom");
    assertThatThrownBy(() -> sf.call("key", () -> { throw boom; }))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isSameAs(boom);
  }

  @Test
  void aRuntimeExceptionIsTheCauseOfAnExecutionExceptionToo() {
    SingleFlight<String, String> sf = new SingleFlight<>();
    IllegalStateException boom = new IllegalStateException("boom");
    assertThatThrownBy(() -> sf.call("key", () -> { throw boom; }))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isSameAs(boom);
  }

  @Test
  void anErrorIsAPanicRethrownAsIs() {
    SingleFlight<String, String> sf = new SingleFlight<>();
    Error panic = new Error("panic");
    assertThatThrownBy(() -> sf.call("key", () -> { throw panic; })).isSameAs(panic);
  }

  @Test
  void aNullFnIsRejected() {
    SingleFlight<String, String> sf = new SingleFlight<>();
    assertThatThrownBy(() -> sf.call("key", null)).isInstanceOf(NullPointerException.class);
  }

  // ------------------------------------------------------------------ one flight at a time

  @Test
  void afterAFlightCompletesTheNextCallRunsFnAgain() throws Exception {
    SingleFlight<String, Integer> sf = new SingleFlight<>();
    AtomicInteger runs = new AtomicInteger();
    for (int i = 1; i <= 3; i++) {
      Result<Integer> r = sf.call("key", runs::incrementAndGet);
      assertThat(r.value()).isEqualTo(i);
      assertThat(r.shared()).isFalse();
    }
  }

  @Test
  void afterAFailedFlightTheNextCallRunsFnAgain() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    assertThatThrownBy(() -> sf.call("key", () -> { throw new IOException("first"); }))
        .isInstanceOf(ExecutionException.class);
    assertThatThrownBy(() -> sf.call("key", () -> { throw new Error("second"); }))
        .hasMessage("second");
    assertThat(sf.call("key", () -> "third")).isEqualTo(new Result<>("third", false));
  }

  @Test
  void fnMayCallTheGroupForAnotherKey() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    Result<String> r = sf.call("outer", () -> sf.call("inner", () -> "x").value() + "y");
    assertThat(r).isEqualTo(new Result<>("xy", false));
  }

  // ------------------------------------------------------------------ duplicate suppression

  @ParameterizedTest
  @EnumSource(Runner.class)
  void concurrentCallersOfOneKeyShareOneRun(Runner runner) throws Exception {
    SingleFlight<String, Object> sf = new SingleFlight<>();
    Object value = new Object();
    GatedFn<Object> fn = GatedFn.returning(value);
    List<Task<Result<Object>>> callers = startCallers(runner, sf, "key", fn, CALLERS);
    Task<Result<Object>> running = awaitAllJoined(callers, fn);
    for (Task<Result<Object>> t : callers) {
      assertThat(t.isDone()).as("no caller returns before fn does").isFalse();
    }
    fn.release();
    for (Task<Result<Object>> t : callers) {
      Result<Object> r = t.join();
      assertThat(r.value()).isSameAs(value);
      assertThat(r.shared()).as("shared for every caller, the one that ran fn included").isTrue();
    }
    assertThat(running.join().shared()).isTrue();
    assertThat(fn.runs()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void aLateCallerJoinsTheFlightInProgress(Runner runner) throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    GatedFn<String> fn = GatedFn.returning("v");
    Task<Result<String>> first = runner.call(() -> sf.call("key", fn));
    assertThat(fn.awaitStarted()).isSameAs(first.thread());
    AtomicInteger otherRuns = new AtomicInteger();
    Task<Result<String>> second =
        runner.call(
            () ->
                sf.call(
                    "key",
                    () -> {
                      otherRuns.incrementAndGet();
                      return "other";
                    }));
    awaitParked(second.thread(), WaitReason.CHAN_RECEIVE);
    fn.release();
    assertThat(first.join()).isEqualTo(new Result<>("v", true));
    assertThat(second.join()).isEqualTo(new Result<>("v", true));
    assertThat(otherRuns).as("the waiter's own fn never runs").hasValue(0);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void anExceptionReachesEveryCallerAsTheSameCause(Runner runner) throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    IOException boom = new IOException("boom");
    GatedFn<String> fn = GatedFn.throwing(boom);
    List<Task<Result<String>>> callers = startCallers(runner, sf, "key", fn, CALLERS);
    awaitAllJoined(callers, fn);
    fn.release();
    for (Task<Result<String>> t : callers) {
      Throwable failure = t.failure();
      assertThat(failure).isInstanceOf(ExecutionException.class);
      assertThat(failure.getCause()).isSameAs(boom);
    }
    assertThat(fn.runs()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void aPanicIsRethrownAsIsToEveryCaller(Runner runner) throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    Error panic = new StackOverflowError("deep");
    GatedFn<String> fn = GatedFn.throwing(panic);
    List<Task<Result<String>>> callers = startCallers(runner, sf, "key", fn, CALLERS);
    awaitAllJoined(callers, fn);
    fn.release();
    for (Task<Result<String>> t : callers) {
      assertThat(t.failure()).isSameAs(panic);
    }
    assertThat(fn.runs()).isEqualTo(1);
  }

  @Test
  void theFlightEndsWithFnSoTheNextCallRunsFnAgainEvenAfterSharing() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    GatedFn<String> fn = GatedFn.returning("v");
    List<Task<Result<String>>> callers = startCallers(Runner.VIRTUAL, sf, "key", fn, 3);
    awaitAllJoined(callers, fn);
    fn.release();
    for (Task<Result<String>> t : callers) {
      t.join();
    }
    assertThat(sf.call("key", () -> "again")).isEqualTo(new Result<>("again", false));
    assertThat(fn.runs()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ keys

  @ParameterizedTest
  @EnumSource(Runner.class)
  void differentKeysRunInParallel(Runner runner) throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    int keys = 4;
    CountDownLatch allRunning = new CountDownLatch(keys);
    List<Task<Result<String>>> callers = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      String key = "key" + i;
      callers.add(
          runner.call(
              () ->
                  sf.call(
                      key,
                      () -> {
                        allRunning.countDown();
                        // Returns only if every key's fn runs at the same time as this one.
                        if (!allRunning.await(Threads.PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                          throw new AssertionError("the keys' functions did not run in parallel");
                        }
                        return key;
                      })));
    }
    for (int i = 0; i < keys; i++) {
      assertThat(callers.get(i).join()).isEqualTo(new Result<>("key" + i, false));
    }
  }

  @Test
  void aCallForAnotherKeyDoesNotWaitForTheFlightInProgress() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    GatedFn<String> a = GatedFn.returning("a");
    Task<Result<String>> first = Runner.VIRTUAL.call(() -> sf.call("a", a));
    a.awaitStarted();
    assertThat(sf.call("b", () -> "b")).isEqualTo(new Result<>("b", false));
    assertThat(first.isDone()).isFalse();
    a.release();
    assertThat(first.join()).isEqualTo(new Result<>("a", false));
  }

  /** A key whose instances are all equal to each other, with one hash for all. */
  private record Key(String name) {}

  @Test
  void keysCompareWithEqualsNotIdentity() throws Exception {
    SingleFlight<Object, String> sf = new SingleFlight<>();
    GatedFn<String> fn = GatedFn.returning("v");
    Key k1 = new Key("k");
    Key k2 = new Key("k");
    assertThat(k1).isNotSameAs(k2);
    Task<Result<String>> first = Runner.VIRTUAL.call(() -> sf.call(k1, fn));
    fn.awaitStarted();
    Task<Result<String>> second = Runner.VIRTUAL.call(() -> sf.call(k2, () -> "not run"));
    awaitParked(second.thread(), WaitReason.CHAN_RECEIVE);
    fn.release();
    assertThat(first.join()).isEqualTo(new Result<>("v", true));
    assertThat(second.join()).isEqualTo(new Result<>("v", true));
  }

  /** Keys that collide in every hash table, and are equal only to themselves. */
  private static final class SameHash {
    @Override
    public int hashCode() {
      return 42;
    }
  }

  @Test
  void unequalKeysWithTheSameHashAreDifferentKeys() throws Exception {
    SingleFlight<Object, String> sf = new SingleFlight<>();
    GatedFn<String> fn = GatedFn.returning("first");
    Task<Result<String>> first = Runner.VIRTUAL.call(() -> sf.call(new SameHash(), fn));
    fn.awaitStarted();
    assertThat(sf.call(new SameHash(), () -> "second")).isEqualTo(new Result<>("second", false));
    fn.release();
    assertThat(first.join()).isEqualTo(new Result<>("first", false));
  }

  // ------------------------------------------------------------------ forget

  @Test
  void forgetWithoutAFlightChangesNothing() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    sf.forget("key");
    assertThat(sf.call("key", () -> "v")).isEqualTo(new Result<>("v", false));
    sf.forget("key");
    assertThat(sf.call("key", () -> "w")).isEqualTo(new Result<>("w", false));
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void forgetInFlightStartsASecondFlightAndTheFirstKeepsItsWaiters(Runner runner)
      throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    GatedFn<String> fn1 = GatedFn.returning("first");
    GatedFn<String> fn2 = GatedFn.returning("second");

    Task<Result<String>> a = runner.call(() -> sf.call("key", fn1));
    assertThat(fn1.awaitStarted()).isSameAs(a.thread());
    Task<Result<String>> b = runner.call(() -> sf.call("key", fn2));
    awaitParked(b.thread(), WaitReason.CHAN_RECEIVE); // b waits for the first flight

    sf.forget("key");

    Task<Result<String>> c = runner.call(() -> sf.call("key", fn2));
    assertThat(fn2.awaitStarted()).as("the call after forget runs fn").isSameAs(c.thread());
    Task<Result<String>> d = runner.call(() -> sf.call("key", fn1));
    awaitParked(d.thread(), WaitReason.CHAN_RECEIVE); // d waits for the second flight

    // The first flight ends while the second is in flight: its end must not end the second.
    fn1.release();
    assertThat(a.join()).isEqualTo(new Result<>("first", true));
    assertThat(b.join()).isEqualTo(new Result<>("first", true));
    Task<Result<String>> e = runner.call(() -> sf.call("key", fn1));
    awaitParked(e.thread(), WaitReason.CHAN_RECEIVE); // e waits for the second flight too
    assertThat(c.isDone()).isFalse();
    assertThat(d.isDone()).isFalse();

    fn2.release();
    assertThat(c.join()).isEqualTo(new Result<>("second", true));
    assertThat(d.join()).isEqualTo(new Result<>("second", true));
    assertThat(e.join()).isEqualTo(new Result<>("second", true));
    assertThat(fn1.runs()).isEqualTo(1);
    assertThat(fn2.runs()).isEqualTo(1);
  }

  @Test
  void aForgottenFlightWithoutWaitersIsNotShared() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    GatedFn<String> fn = GatedFn.returning("first");
    Task<Result<String>> a = Runner.VIRTUAL.call(() -> sf.call("key", fn));
    fn.awaitStarted();
    sf.forget("key");
    assertThat(sf.call("key", () -> "second")).isEqualTo(new Result<>("second", false));
    fn.release();
    assertThat(a.join()).isEqualTo(new Result<>("first", false));
  }

  @Test
  void forgetAffectsOnlyItsKey() throws Exception {
    SingleFlight<String, String> sf = new SingleFlight<>();
    GatedFn<String> fn = GatedFn.returning("a");
    Task<Result<String>> a = Runner.VIRTUAL.call(() -> sf.call("a", fn));
    fn.awaitStarted();
    sf.forget("b");
    Task<Result<String>> waiter = Runner.VIRTUAL.call(() -> sf.call("a", () -> "not run"));
    awaitParked(waiter.thread(), WaitReason.CHAN_RECEIVE);
    fn.release();
    assertThat(a.join()).isEqualTo(new Result<>("a", true));
    assertThat(waiter.join()).isEqualTo(new Result<>("a", true));
  }

  // ------------------------------------------------------------------ null arguments

  /** Null arguments fail at the call, naming the parameter, and leave no flight behind. */
  @Test
  void nullArgumentsFailAtTheCallNamingTheParameter() throws Exception {
    SingleFlight<String, Integer> g = new SingleFlight<>();
    assertThatThrownBy(() -> g.call(null, () -> 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
    assertThatThrownBy(() -> g.call("k", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("fn");
    assertThatThrownBy(() -> g.call(null, "k", () -> 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("ctx");
    assertThatThrownBy(() -> g.callAsync(null, () -> 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
    assertThatThrownBy(() -> g.callAsync("k", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("fn");
    assertThatThrownBy(() -> g.forget(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
    assertThat(g.call("k", () -> 2)).isEqualTo(new Result<>(2, false));
  }
}
