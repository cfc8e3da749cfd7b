package dev.runnel.bench;

import dev.runnel.time.Time;
import dev.runnel.time.Timer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What a pending timer costs: the heap retained by N one-hour timers (default 1,000,000), all
 * alive (started, not stopped), then the time to stop them all. Three kinds:
 *
 * <ul>
 *   <li>Runnel {@code Time.newTimer}: a channel timer, which like Go 1.23's is queued only while
 *       someone waits on its channel, so these N are not in the clock's queue at all;
 *   <li>Runnel {@code Time.afterFunc}: always queued, like every timer of Go 1.19, the honest
 *       comparison with {@code bench/go -workload timermem};
 *   <li>the JDK: {@link ScheduledThreadPoolExecutor#schedule} on one STPE ({@code
 *       setRemoveOnCancelPolicy(true)}), stopped with {@code cancel(false)}.
 * </ul>
 *
 * <p>Heap is measured as BlockedGoroutines does: the least heap used over a few {@code
 * System.gc()} calls before and after making the timers; the array that keeps them alive is
 * allocated before the first measurement, so not counted. The queues' arrays (Runnel's clock
 * queue and the STPE's) grow to N entries in the first full round and keep that size, so round 1
 * counts them (as a fresh process would, and as Go's figure does) and later rounds do not; both
 * are shown. A warm-up round at N/10 comes first.
 *
 * <p>Run: {@code java -Xms2g -Xmx2g -cp bench/target/benchmarks.jar dev.runnel.bench.TimerMemory
 * [N] [rounds]}. The last round adds a class histogram of what each timer retains.
 */
public final class TimerMemory {

  private static final Duration HOUR = Duration.ofHours(1);
  private static final Runnable NOTHING = () -> {};

  private TimerMemory() {}

  /** One kind of timer: starts timer i into slot i, stops it. */
  private interface Kind {
    String name();

    void start(Object[] slots, int i);

    boolean stop(Object[] slots, int i);
  }

  private static final Kind NEW_TIMER =
      new Kind() {
        public String name() {
          return "Runnel Time.newTimer (not queued)";
        }

        public void start(Object[] slots, int i) {
          slots[i] = Time.newTimer(HOUR);
        }

        public boolean stop(Object[] slots, int i) {
          return ((Timer) slots[i]).stop();
        }
      };

  private static final Kind AFTER_FUNC =
      new Kind() {
        public String name() {
          return "Runnel Time.afterFunc (queued)";
        }

        public void start(Object[] slots, int i) {
          slots[i] = Time.afterFunc(HOUR, NOTHING);
        }

        public boolean stop(Object[] slots, int i) {
          return ((Timer) slots[i]).stop();
        }
      };

  private static Kind stpe(ScheduledThreadPoolExecutor stpe) {
    return new Kind() {
      public String name() {
        return "STPE schedule (queued)";
      }

      public void start(Object[] slots, int i) {
        slots[i] = stpe.schedule(NOTHING, 1, TimeUnit.HOURS);
      }

      public boolean stop(Object[] slots, int i) {
        return ((ScheduledFuture<?>) slots[i]).cancel(false);
      }
    };
  }

  private record Result(
      String name, double bytesPerTimer, double startNs, double stopNs, String histogram) {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    var runtime = ManagementFactory.getRuntimeMXBean();
    System.out.printf(
        "TimerMemory: N=%,d, %d rounds%nJVM: %s %s (%s), %d CPUs, max heap %,d MB%n"
            + "JVM flags: %s%n%n",
        n,
        rounds,
        runtime.getVmName(),
        Runtime.version(),
        runtime.getVmVendor(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        runtime.getInputArguments());

    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
    executor.setRemoveOnCancelPolicy(true);
    executor.prestartAllCoreThreads();
    List<Kind> kinds = List.of(stpe(executor), NEW_TIMER, AFTER_FUNC);
    Object[] slots = new Object[n];

    for (Kind k : kinds) { // warm-up: class loading and JIT
      measure(k, slots, Math.max(1, n / 10), false);
    }
    List<List<Result>> results = new ArrayList<>();
    kinds.forEach(k -> results.add(new ArrayList<>()));
    for (int r = 1; r <= rounds; r++) {
      StringBuilder line = new StringBuilder("round " + r + ":");
      for (int i = 0; i < kinds.size(); i++) {
        Result result = measure(kinds.get(i), slots, n, r == rounds);
        results.get(i).add(result);
        line.append(
            String.format(
                "  %s %.1f B, start %.0f ns, stop %.0f ns;",
                result.name, result.bytesPerTimer, result.startNs, result.stopNs));
      }
      System.out.println(line);
    }
    executor.shutdownNow();

    System.out.printf(
        "%n%-36s %16s %16s %14s %14s%n",
        "N=" + n + ", " + rounds + " rounds",
        "B/timer round 1",
        "B/timer median",
        "start ns med",
        "stop ns med");
    for (List<Result> rs : results) {
      System.out.printf(
          "%-36s %16.1f %16.1f %14.1f %14.1f%n",
          rs.getFirst().name,
          rs.getFirst().bytesPerTimer,
          median(rs.stream().mapToDouble(Result::bytesPerTimer).toArray()),
          median(rs.stream().mapToDouble(Result::startNs).toArray()),
          median(rs.stream().mapToDouble(Result::stopNs).toArray()));
    }
    System.out.printf(
        "%nRetained per timer, last round"
            + " (class histogram delta, classes with >= N/2 new instances):%n");
    results.forEach(rs -> System.out.println(rs.getLast().histogram));
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static Result measure(Kind k, Object[] slots, int n, boolean withHistogram)
      throws Exception {
    Map<String, long[]> before = withHistogram ? HeapProbe.histogram() : null;
    long heapBefore = HeapProbe.heapUsedAfterGc();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      k.start(slots, i);
    }
    long t1 = System.nanoTime();
    long heapAlive = HeapProbe.heapUsedAfterGc();
    String breakdown =
        withHistogram
            ? HeapProbe.breakdown(k.name(), before, HeapProbe.histogram(), n, "timer")
            : "";
    long t2 = System.nanoTime();
    int stopped = 0;
    for (int i = 0; i < n; i++) {
      if (k.stop(slots, i)) {
        stopped++;
      }
    }
    long t3 = System.nanoTime();
    if (stopped != n) {
      throw new IllegalStateException(k.name() + ": " + stopped + " of " + n + " stopped");
    }
    Arrays.fill(slots, null);
    return new Result(
        k.name(),
        (double) (heapAlive - heapBefore) / n,
        (double) (t1 - t0) / n,
        (double) (t3 - t2) / n,
        breakdown);
  }

  /** Classes with at least N/2 new instances, largest first, per timer. */
}
