package dev.runnel.bench;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.GoFunc;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * What a blocked goroutine costs: starts N goroutines (default 1,000,000) each blocked receiving
 * on one shared unbuffered Runnel channel, measures the heap they retain, then times {@code close()}
 * until every one of them has returned. The baseline does the same with N plain virtual threads
 * blocked on one {@link CountDownLatch}, released by {@code countDown()}; a second one parks N
 * virtual threads and unparks each, the JDK's floor for a wake-all like {@code close()}. The release
 * runs on a virtual thread, as {@code close} does in Go (where main is a goroutine too); {@code
 * -Dbench.releaseFromMain=true} calls it from the main platform thread instead.
 *
 * <p>Not a JMH benchmark: one such measurement needs seconds and gigabytes. Run it with a large
 * heap, for example {@code java -Xmx8g -cp bench/target/benchmarks.jar
 * dev.runnel.bench.BlockedGoroutines [N] [rounds]}. After a warm-up round at N/10, each round
 * measures the baseline then Runnel; the table shows every round and the medians; the last round
 * adds a class histogram of what each blocked goroutine retains (virtual thread, stack chunk,
 * Runnel's Waiter and WaitNode, ...).
 */
public final class BlockedGoroutines {

  private static final boolean RELEASE_FROM_VIRTUAL = !Boolean.getBoolean("bench.releaseFromMain");

  private BlockedGoroutines() {}

  /** One way of parking N threads on one thing and releasing them all at once. */
  private interface Workload {
    String name();

    /** Starts thread {@code i}: record itself in {@code threads[i]}, count {@code arrived}, block. */
    void start(int i, Thread[] threads, AtomicInteger arrived, CountDownLatch returned);

    /** Releases every blocked thread. */
    void release();
  }

  /**
   * N threads receiving on one unbuffered channel; close() releases them. Goroutines ({@code
   * Go.go}), or plain virtual threads to tell the channel's cost from the goroutine's.
   */
  private static Workload runnel(boolean goroutines) {
    Channel<Integer> ch = Channel.make();
    return new Workload() {
      public String name() {
        return goroutines ? "Runnel goroutine, ch.receive()" : "virtual thread, ch.receive()";
      }

      public void start(int i, Thread[] threads, AtomicInteger arrived, CountDownLatch returned) {
        spawn(
            goroutines,
            () -> {
              threads[i] = Thread.currentThread();
              arrived.incrementAndGet();
              ch.receive();
              returned.countDown();
            });
      }

      public void release() {
        ch.close();
      }
    };
  }

  /** N virtual threads awaiting one latch; countDown() releases them. */
  private static Workload jdk() {
    CountDownLatch gate = new CountDownLatch(1);
    return new Workload() {
      public String name() {
        return "virtual thread, latch.await()";
      }

      public void start(int i, Thread[] threads, AtomicInteger arrived, CountDownLatch returned) {
        Thread.ofVirtual()
            .start(
                () -> {
                  threads[i] = Thread.currentThread();
                  arrived.incrementAndGet();
                  try {
                    gate.await();
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                  returned.countDown();
                });
      }

      public void release() {
        gate.countDown();
      }
    };
  }

  /**
   * N virtual threads parked with {@link LockSupport#park}, released by one unpark each: the
   * JDK's floor for waking everyone at once, as close() does (the latch wakes its waiters one after
   * another instead). As goroutines, the floor plus the goroutine's own cost.
   */
  private static Workload unparkAll(boolean goroutines) {
    return new Workload() {
      private volatile boolean released;
      private Thread[] parked;

      public String name() {
        return (goroutines ? "goroutine" : "virtual thread") + ", park(); unpark all";
      }

      public void start(int i, Thread[] threads, AtomicInteger arrived, CountDownLatch returned) {
        parked = threads;
        spawn(
            goroutines,
            () -> {
              threads[i] = Thread.currentThread();
              arrived.incrementAndGet();
              while (!released) {
                LockSupport.park(this);
              }
              returned.countDown();
            });
      }

      public void release() {
        released = true;
        for (Thread t : parked) {
          LockSupport.unpark(t);
        }
      }
    };
  }

  /** Starts {@code body} as a goroutine or as a plain virtual thread. */
  private static void spawn(boolean goroutine, GoFunc body) {
    if (goroutine) {
      Go.go(body);
      return;
    }
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                body.run();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
  }

  /**
   * The latch baseline first, Runnel last; with {@code -Dbench.attribution=true} also goroutines
   * parked and unparked, and plain virtual threads on the channel, which tell where Runnel's time
   * over the floor goes.
   */
  private static final List<Supplier<Workload>> WORKLOADS =
      Boolean.getBoolean("bench.attribution")
          ? List.of(
              BlockedGoroutines::jdk,
              () -> unparkAll(false),
              () -> unparkAll(true),
              () -> runnel(false),
              () -> runnel(true))
          : List.of(BlockedGoroutines::jdk, () -> unparkAll(false), () -> runnel(true));

  private record Result(String name, long bytesPerThread, double releaseMillis, String histogram) {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    var runtime = ManagementFactory.getRuntimeMXBean();
    System.out.printf(
        "BlockedGoroutines: N=%,d, %d rounds%nJVM: %s %s (%s), %d CPUs, max heap %,d MB%nJVM flags: %s%n%n",
        n,
        rounds,
        runtime.getVmName(),
        Runtime.version(),
        runtime.getVmVendor(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        runtime.getInputArguments());

    // Warm-up at a tenth of N: class loading and JIT would otherwise land in round 1.
    for (Supplier<Workload> w : WORKLOADS) {
      measure(w.get(), Math.max(1, n / 10), false);
    }

    List<List<Result>> results = new ArrayList<>();
    WORKLOADS.forEach(w -> results.add(new ArrayList<>()));
    for (int r = 1; r <= rounds; r++) {
      StringBuilder line = new StringBuilder("round " + r + ":");
      for (int i = 0; i < WORKLOADS.size(); i++) {
        Result result = measure(WORKLOADS.get(i).get(), n, r == rounds);
        results.get(i).add(result);
        line.append(String.format("  %s %,d B, %.1f ms;", result.name, result.bytesPerThread, result.releaseMillis));
      }
      System.out.println(line);
    }

    System.out.printf("%n%-34s %18s %18s%n", "median of " + rounds + " rounds", "bytes per blocked", "release all (ms)");
    List<Result> medians = results.stream().map(BlockedGoroutines::median).toList();
    for (Result m : medians) {
      System.out.printf("%-34s %,18d %,18.1f%n", m.name, m.bytesPerThread, m.releaseMillis);
    }
    Result baseline = medians.getFirst();
    Result runnel = medians.getLast();
    System.out.printf(
        "%-34s %18.2f %18.2f%n",
        "ratio Runnel / latch baseline",
        (double) runnel.bytesPerThread / baseline.bytesPerThread,
        runnel.releaseMillis / baseline.releaseMillis);
    System.out.printf(
        "%nRetained per blocked thread, last round (class histogram delta, classes with >= N/2 new instances):%n");
    results.forEach(r -> System.out.println(r.getLast().histogram));
  }

  /** The median by release time; bytes are the median too (taken independently). */
  private static Result median(List<Result> results) {
    long[] bytes = results.stream().mapToLong(Result::bytesPerThread).sorted().toArray();
    double[] millis = results.stream().mapToDouble(Result::releaseMillis).sorted().toArray();
    return new Result(
        results.getFirst().name, bytes[bytes.length / 2], millis[millis.length / 2], "");
  }

  private static Result measure(Workload w, int n, boolean withHistogram) throws Exception {
    Thread[] threads = new Thread[n]; // allocated before the baseline, so not counted
    AtomicInteger arrived = new AtomicInteger();
    CountDownLatch returned = new CountDownLatch(n);
    Map<String, long[]> before = withHistogram ? HeapProbe.histogram() : null;
    long heapBefore = HeapProbe.heapUsedAfterGc();

    for (int i = 0; i < n; i++) {
      w.start(i, threads, arrived, returned);
    }
    awaitAllParked(threads, arrived, n);
    long heapBlocked = HeapProbe.heapUsedAfterGc();
    String breakdown =
        withHistogram
            ? HeapProbe.breakdown(w.name(), before, HeapProbe.histogram(), n, "thread")
            : "";

    long t0 = System.nanoTime();
    if (RELEASE_FROM_VIRTUAL) { // as in Go, where main is a goroutine too
      Thread.ofVirtual().start(w::release).join();
    } else {
      w.release();
    }
    returned.await();
    double releaseMillis = (System.nanoTime() - t0) / 1e6;

    for (Thread t : threads) {
      t.join();
    }
    while (Go.numGoroutine() != 0) {
      Thread.sleep(1);
    }
    return new Result(w.name(), (heapBlocked - heapBefore) / n, releaseMillis, breakdown);
  }

  /** Waits until all N threads have started and every one is parked (state WAITING). */
  private static void awaitAllParked(Thread[] threads, AtomicInteger arrived, int n)
      throws InterruptedException {
    long deadline = System.nanoTime() + 300_000_000_000L;
    while (arrived.get() < n) {
      Thread.sleep(10);
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + arrived.get() + " of " + n + " started");
      }
    }
    for (Thread t : threads) {
      while (t.getState() != Thread.State.WAITING) {
        Thread.sleep(1);
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(t + " never parked: " + t.getState());
        }
      }
    }
  }

}
