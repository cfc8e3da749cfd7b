package dev.runnel.sync;

import static dev.runnel.testkit.Threads.awaitParked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.io.IOException;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Go's documented {@code sync.Once} and the {@code OnceFunc} family. */
@Timeout(10)
class OnceTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void runsTheFirstFunctionOnly() {
    Once once = new Once();
    AtomicInteger first = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    once.run(first::incrementAndGet);
    once.run(first::incrementAndGet);
    once.run(other::incrementAndGet);
    assertThat(first.get()).isEqualTo(1);
    assertThat(other.get()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void concurrentCallersWaitUntilTheFirstReturns(Runner runner) throws Exception {
    Once once = new Once();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    int[] value = {0}; // plain: the Once orders it
    AtomicInteger runs = new AtomicInteger();
    Task<Void> first =
        runner.run(
            () ->
                once.run(
                    () -> {
                      runs.incrementAndGet();
                      entered.countDown();
                      await(release);
                      value[0] = 42;
                    }));
    await(entered);
    List<Task<Integer>> others = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      others.add(
          runner.callBlocked( // parked until the first call returns
              () -> {
                once.run(runs::incrementAndGet);
                return value[0];
              }));
    }
    for (Task<Integer> t : others) {
      awaitParked(t.thread());
      assertThat(t.isDone()).isFalse();
    }
    release.countDown();
    first.join();
    for (Task<Integer> t : others) {
      assertThat(t.join()).as("sees what f wrote").isEqualTo(42);
    }
    assertThat(runs.get()).isEqualTo(1);
  }

  @Test
  void throwingFunctionIsRethrownAndCountsAsDone() {
    Once once = new Once();
    IllegalStateException boom = new IllegalStateException("boom");
    assertThatThrownBy(
            () ->
                once.run(
                    () -> {
                      throw boom;
                    }))
        .isSameAs(boom);
    AtomicInteger later = new AtomicInteger();
    once.run(later::incrementAndGet);
    assertThat(later.get()).isZero();
  }

  // ------------------------------------------------------------------ onceFunc / Value / Values

  /** Calls {@code call} from {@code n} threads released together; returns what each got. */
  private static <T> List<Object> callConcurrently(Runner runner, int n, Callable<T> call)
      throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Task<Object>> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tasks.add(
          runner.call(
              () -> {
                await(start);
                try {
                  return call.call();
                } catch (Throwable t) {
                  return t;
                }
              }));
    }
    start.countDown();
    List<Object> results = new ArrayList<>();
    for (Task<Object> t : tasks) {
      results.add(t.join());
    }
    return results;
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void onceFuncRunsOnceUnderConcurrency(Runner runner) throws Exception {
    AtomicInteger runs = new AtomicInteger();
    Runnable f = Once.onceFunc(runs::incrementAndGet);
    List<Object> results =
        callConcurrently(
            runner,
            8,
            () -> {
              f.run();
              return runs.get();
            });
    assertThat(results).containsOnly(1);
    f.run();
    assertThat(runs.get()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void onceValueComputesOneValueForEveryCaller(Runner runner) throws Exception {
    AtomicInteger runs = new AtomicInteger();
    Supplier<Object> f =
        Once.onceValue(
            () -> {
              runs.incrementAndGet();
              return new Object();
            });
    List<Object> results = callConcurrently(runner, 8, f::get);
    Object v = results.get(0);
    assertThat(v).isNotNull().isNotInstanceOf(Throwable.class);
    assertThat(results).allSatisfy(r -> assertThat(r).isSameAs(v));
    assertThat(f.get()).isSameAs(v);
    assertThat(runs.get()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void onceValuesRethrowsTheSameCheckedExceptionToEveryCaller(Runner runner) throws Exception {
    AtomicInteger runs = new AtomicInteger();
    Callable<String> f =
        Once.onceValues(
            () -> {
              runs.incrementAndGet();
              throw new IOException("disk");
            });
    List<Object> results = callConcurrently(runner, 8, f);
    Object e = results.get(0);
    assertThat(e).isInstanceOf(IOException.class);
    assertThat(results).allSatisfy(r -> assertThat(r).isSameAs(e));
    assertThatThrownBy(f::call).isSameAs(e);
    assertThat(runs.get()).isEqualTo(1);
  }

  @Test
  void onceValuesReturnsTheValue() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    Callable<Integer> f = Once.onceValues(runs::incrementAndGet);
    assertThat(f.call()).isEqualTo(1);
    assertThat(f.call()).isEqualTo(1);
    assertThat(runs.get()).isEqualTo(1);
  }

  @Test
  void theSameRuntimeExceptionOrErrorIsRethrownEveryTime() {
    RuntimeException rte = new IllegalArgumentException("bad");
    AtomicInteger runs = new AtomicInteger();
    Runnable func =
        Once.onceFunc(
            () -> {
              runs.incrementAndGet();
              throw rte;
            });
    assertThatThrownBy(func::run).isSameAs(rte);
    assertThatThrownBy(func::run).isSameAs(rte);

    Error err = new Error("fatal");
    Supplier<String> value =
        Once.onceValue(
            () -> {
              runs.incrementAndGet();
              throw err;
            });
    assertThatThrownBy(value::get).isSameAs(err);
    assertThatThrownBy(value::get).isSameAs(err);

    Callable<String> values =
        Once.onceValues(
            () -> {
              runs.incrementAndGet();
              throw err;
            });
    assertThatThrownBy(values::call).isSameAs(err);
    assertThatThrownBy(values::call).isSameAs(err);
    assertThat(runs.get()).isEqualTo(3);
  }

  // ------------------------------------------------------------------ f is released

  /** A once-wrapper of a function capturing a fresh object, and a weak reference to that object. */
  private record Wrapped<W>(W wrapper, WeakReference<Object> captured) {}

  private static <W> Wrapped<W> wrap(Function<Object, W> make) {
    Object captured = new Object();
    return new Wrapped<>(make.apply(captured), new WeakReference<>(captured));
  }

  private static boolean collectedWithin(WeakReference<Object> ref, int gcs) {
    for (int i = 0; i < gcs && ref.get() != null; i++) {
      System.gc();
      if (ref.get() != null) {
        try {
          Thread.sleep(10); // real time: the collector runs on its own threads
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
    }
    return ref.get() == null;
  }

  @Test
  void theFunctionIsReleasedAfterItRan() throws Exception {
    Wrapped<Runnable> func = wrap(o -> Once.onceFunc(() -> o.hashCode()));
    Wrapped<Supplier<Object>> value = wrap(o -> Once.onceValue(() -> o.toString()));
    Wrapped<Callable<Object>> values =
        wrap(
            o ->
                Once.onceValues(
                    () -> {
                      throw new IOException(o.toString()); // released after a failure too
                    }));
    System.gc();
    assertThat(func.captured().get()).as("held while f has not run").isNotNull();
    assertThat(value.captured().get()).isNotNull();
    assertThat(values.captured().get()).isNotNull();

    func.wrapper().run();
    value.wrapper().get();
    assertThatThrownBy(values.wrapper()::call).isInstanceOf(IOException.class);

    assertThat(collectedWithin(func.captured(), 50)).as("onceFunc released f").isTrue();
    assertThat(collectedWithin(value.captured(), 50)).as("onceValue released f").isTrue();
    assertThat(collectedWithin(values.captured(), 50)).as("onceValues released f").isTrue();
    Reference.reachabilityFence(func);
    Reference.reachabilityFence(value);
    Reference.reachabilityFence(values);
  }

  // ------------------------------------------------------------------ null functions

  /** A null function fails at the call and does not use up the Once. */
  @Test
  void runWithANullFunctionFailsAndLeavesTheOnceUnused() {
    Once once = new Once();
    assertThatThrownBy(() -> once.run(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("f");
    AtomicInteger calls = new AtomicInteger();
    once.run(calls::incrementAndGet);
    assertThat(calls.get()).as("the Once was still unused").isEqualTo(1);
  }

  /** The once-only wrappers refuse a null function when they are made, not when first called. */
  @Test
  void onceFuncValueAndValuesRefuseANullFunction() {
    assertThatThrownBy(() -> Once.onceFunc(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("f");
    assertThatThrownBy(() -> Once.onceValue(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("f");
    assertThatThrownBy(() -> Once.onceValues(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("f");
  }
}
