package dev.runnel.bench;

import dev.runnel.singleflight.SingleFlight;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Duplicate call suppression: {@value #CALLERS} goroutines call for one key at once and share one
 * execution of the function. Reported in ns per caller, its virtual thread's start and join
 * included (the same for every variant, as in {@link WaitGroupBenchmark}).
 *
 * <p>The design measures the suppression machinery, not the function: each invocation starts
 * {@value #CALLERS} virtual threads on a long-lived group; each counts itself into an {@code
 * arrived} latch and calls for the key. The function (run by whichever caller is first) waits for
 * that latch, so the flight stays open until every caller has at least reached its call, then
 * returns a ready value. The other callers find the flight, park, and are woken by its
 * completion: one map insert and removal, {@value #CALLERS}-1 lookups, parks and wake-ups per
 * round. A caller that counted itself in but reached the map only after the flight completed
 * starts a second flight of its own (its function finds the latch open and returns at once), as
 * it would in production; the trial prints the mean number of flights per invocation, which
 * should be close to 1.
 *
 * <p>The variants: Runnel's {@link SingleFlight#call(Object, Callable)} (Go's {@code
 * singleflight.Group.Do}), and the common JVM idiom: {@link ConcurrentHashMap#computeIfAbsent}
 * installs a {@link CompletableFuture}; the caller whose future was installed runs the function,
 * removes the entry and completes the future; the others {@code join()} it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SingleFlightBenchmark {

  static final int CALLERS = 100;
  static final String KEY = "key";
  static final Integer VALUE = Workers.value(1);

  /** The long-lived groups, and how many flights ran. */
  @State(Scope.Benchmark)
  public static class Groups {
    final SingleFlight<String, Integer> singleFlight = new SingleFlight<>();
    final ConcurrentHashMap<String, CompletableFuture<Integer>> futures =
        new ConcurrentHashMap<>();
    final AtomicLong flights = new AtomicLong();
    final AtomicLong invocations = new AtomicLong();

    @TearDown(Level.Trial)
    public void report() {
      System.out.printf(
          "%nflights per invocation of %d callers: %.3f%n",
          CALLERS, flights.get() / (double) Math.max(1, invocations.get()));
    }
  }

  @Benchmark
  @OperationsPerInvocation(CALLERS)
  public void singleFlight(Groups g) {
    round(g, fn -> g.singleFlight.call(KEY, fn).value());
  }

  @Benchmark
  @OperationsPerInvocation(CALLERS)
  public void computeIfAbsentFuture(Groups g) {
    round(g, fn -> callOnce(g.futures, KEY, fn));
  }

  /** The JVM idiom: one {@link CompletableFuture} per key in flight. */
  private static Integer callOnce(
      ConcurrentHashMap<String, CompletableFuture<Integer>> futures,
      String key,
      Callable<Integer> fn) {
    CompletableFuture<Integer> mine = new CompletableFuture<>();
    CompletableFuture<Integer> flight = futures.computeIfAbsent(key, k -> mine);
    if (flight == mine) {
      try {
        Integer v = fn.call();
        futures.remove(key, mine); // later callers start a new flight, as in Go
        mine.complete(v);
      } catch (Throwable t) {
        futures.remove(key, mine);
        mine.completeExceptionally(t);
      }
    }
    return flight.join();
  }

  /** One caller's call for {@link #KEY} through the variant under test. */
  @FunctionalInterface
  private interface Call {
    Integer call(Callable<Integer> fn) throws Exception;
  }

  /** One invocation: {@value #CALLERS} callers at once, sharing (mostly) one flight. */
  private static void round(Groups g, Call call) {
    CountDownLatch arrived = new CountDownLatch(CALLERS);
    Callable<Integer> fn =
        () -> {
          g.flights.incrementAndGet();
          arrived.await();
          return VALUE;
        };
    Workers.Task[] callers = new Workers.Task[CALLERS];
    for (int i = 0; i < CALLERS; i++) {
      callers[i] =
          () -> {
            arrived.countDown();
            if (call.call(fn) != VALUE) {
              throw new AssertionError("wrong value");
            }
          };
    }
    Workers.runAll(callers);
    g.invocations.incrementAndGet();
  }
}
