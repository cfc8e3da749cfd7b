package dev.runnel.bench;

import static dev.runnel.bench.Workers.runAll;

import dev.runnel.Channel;
import dev.runnel.Select;
import dev.runnel.time.Time;
import dev.runnel.time.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Timers: starting and stopping a million, and a timeout in a select loop. Each Runnel variant
 * sits beside a {@link ScheduledThreadPoolExecutor} baseline (one thread, {@code
 * setRemoveOnCancelPolicy(true)}, so a cancelled task leaves its queue at once as Runnel's and Go's
 * stopped timers do); {@code bench/go} ({@code -workload timers}) runs the same workloads with Go's
 * {@code time} package. Heap per timer is {@link TimerMemory}'s (a main program).
 *
 * <ul>
 *   <li><b>timers1M</b> (ns per timer): start {@value #TIMERS} one-hour timers, keeping them in an
 *       array, then stop each one. {@code newTimer}: Runnel's channel timers, which (like Go
 *       1.23's) are queued only while someone waits on their channel, so here they never are;
 *       {@code afterFunc}: Runnel's function timers, always queued, the honest comparison with Go
 *       1.19, whose timers are all queued; {@code stpe}: {@code schedule} then {@code
 *       cancel(false)}.
 *   <li><b>afterSelectReady</b> (ns per select): one goroutine sends on a channel of capacity 1,
 *       then selects over that channel and {@code Time.after(1 s)}, {@value #SELECTS} times: the
 *       receive always wins and the timer is never queued (Go 1.19 queues every one). Baselines:
 *       an {@link ArrayBlockingQueue} of 1 with an STPE timeout task scheduled before the {@code
 *       take} and cancelled after it (the JDK's way to race work against a timeout), and {@code
 *       poll(1 s)} (the JDK's built-in timed take, for reference). Target: Runnel at least the
 *       STPE baseline's throughput. {@code ResetTimer}, for reference: the same loop with one
 *       {@code Timer} reset before each select and one {@code Select} built once, instead of a new
 *       timer and select each time (a select over {@code Time.after} must be rebuilt, since its
 *       channel is new); Go's counterpart stops and resets one {@code time.Timer}.
 *   <li><b>afterSelectBlocking</b> (ns per round trip): the unbuffered ping-pong of {@link
 *       PingPongBenchmark}, {@value #ROUND_TRIPS} round trips, where the echoing side receives
 *       with a select over {@code ping} and {@code Time.after(1 s)}. The sender waits for the echo
 *       before it sends again, so the select has nearly always parked by the time {@code ping} is
 *       ready, and then its timer is queued and unqueued; also in the {@code ResetTimer} form.
 *       Baselines: a {@link SynchronousQueue} ping-pong whose echoing side takes under an STPE
 *       timeout task, and one that uses {@code poll(1 s)}. Compare with {@code
 *       ContextBenchmark.pingPongReceive} (no timeout) from the same suite.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class TimerBenchmark {

  static final int TIMERS = 1_000_000;
  static final int SELECTS = 100_000;
  static final int ROUND_TRIPS = 10_000;

  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration SECOND = Duration.ofSeconds(1);
  private static final Integer BALL = Workers.value(0);
  /** What an STPE timeout task puts in the queue; its arrival means the timeout won. */
  private static final Integer TIMEOUT = Workers.value(1);

  private static final Runnable NOTHING = () -> {};
  private static final Select.ReceiveBody<Object> IGNORE = v -> {};
  private static final Select.ReceiveBody<Instant> TIMED_OUT =
      t -> {
        throw new IllegalStateException("a 1 s timeout fired in a benchmark");
      };

  /** One STPE for the run, and the arrays that keep the million timers alive until stopped. */
  @State(Scope.Benchmark)
  public static class Timers {
    ScheduledThreadPoolExecutor stpe;
    final Timer[] timers = new Timer[TIMERS];
    final ScheduledFuture<?>[] futures = new ScheduledFuture<?>[TIMERS];

    @Setup
    public void start() {
      stpe = new ScheduledThreadPoolExecutor(1);
      stpe.setRemoveOnCancelPolicy(true);
    }

    @TearDown
    public void stop() {
      stpe.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- timers1M

  @Benchmark
  @OperationsPerInvocation(TIMERS)
  public int timers1MNewTimerStop(Timers s) {
    Timer[] timers = s.timers;
    for (int i = 0; i < TIMERS; i++) {
      timers[i] = Time.newTimer(HOUR);
    }
    int stopped = 0;
    for (int i = 0; i < TIMERS; i++) {
      if (timers[i].stop()) {
        stopped++;
      }
    }
    return checkStopped(stopped);
  }

  @Benchmark
  @OperationsPerInvocation(TIMERS)
  public int timers1MAfterFuncStop(Timers s) {
    Timer[] timers = s.timers;
    for (int i = 0; i < TIMERS; i++) {
      timers[i] = Time.afterFunc(HOUR, NOTHING);
    }
    int stopped = 0;
    for (int i = 0; i < TIMERS; i++) {
      if (timers[i].stop()) {
        stopped++;
      }
    }
    return checkStopped(stopped);
  }

  @Benchmark
  @OperationsPerInvocation(TIMERS)
  public int timers1MStpeScheduleCancel(Timers s) {
    ScheduledFuture<?>[] futures = s.futures;
    for (int i = 0; i < TIMERS; i++) {
      futures[i] = s.stpe.schedule(NOTHING, 1, TimeUnit.HOURS);
    }
    int stopped = 0;
    for (int i = 0; i < TIMERS; i++) {
      if (futures[i].cancel(false)) {
        stopped++;
      }
    }
    return checkStopped(stopped);
  }

  private static int checkStopped(int stopped) {
    if (stopped != TIMERS) {
      throw new IllegalStateException(stopped + " of " + TIMERS + " timers stopped");
    }
    return stopped;
  }

  // ---------------------------------------------------------------- afterSelectReady

  @Benchmark
  @OperationsPerInvocation(SELECTS)
  public void afterSelectReadyRunnel() {
    Channel<Integer> ch = Channel.make(1);
    runAll(
        () -> {
          for (int i = 0; i < SELECTS; i++) {
            ch.send(BALL);
            Select.select().onReceive(ch, IGNORE).onReceive(Time.after(SECOND), TIMED_OUT).run();
          }
        });
  }

  /** The loop idiom without per-iteration garbage: one timer reset each time, one Select reused. */
  @Benchmark
  @OperationsPerInvocation(SELECTS)
  public void afterSelectReadyRunnelResetTimer() {
    Channel<Integer> ch = Channel.make(1);
    runAll(
        () -> {
          Timer timer = Time.newTimer(SECOND);
          Select select = Select.select().onReceive(ch, IGNORE).onReceive(timer.c(), TIMED_OUT);
          for (int i = 0; i < SELECTS; i++) {
            ch.send(BALL);
            timer.reset(SECOND);
            select.run();
          }
          timer.stop();
        });
  }

  @Benchmark
  @OperationsPerInvocation(SELECTS)
  public void afterSelectReadyStpe(Timers s) {
    ArrayBlockingQueue<Integer> queue = new ArrayBlockingQueue<>(1);
    Runnable timeout = () -> queue.offer(TIMEOUT);
    runAll(
        () -> {
          for (int i = 0; i < SELECTS; i++) {
            queue.put(BALL);
            ScheduledFuture<?> timer = s.stpe.schedule(timeout, 1, TimeUnit.SECONDS);
            Integer v = queue.take();
            timer.cancel(false);
            notTimedOut(v);
          }
        });
  }

  @Benchmark
  @OperationsPerInvocation(SELECTS)
  public void afterSelectReadyPollTimeout() {
    ArrayBlockingQueue<Integer> queue = new ArrayBlockingQueue<>(1);
    runAll(
        () -> {
          for (int i = 0; i < SELECTS; i++) {
            queue.put(BALL);
            notTimedOut(queue.poll(1, TimeUnit.SECONDS));
          }
        });
  }

  // ---------------------------------------------------------------- afterSelectBlocking

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public void afterSelectBlockingRunnel() {
    Channel<Integer> ping = Channel.make();
    Channel<Integer> pong = Channel.make();
    runAll(
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            ping.send(BALL);
            pong.receive();
          }
        },
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            Select.select().onReceive(ping, IGNORE).onReceive(Time.after(SECOND), TIMED_OUT).run();
            pong.send(BALL);
          }
        });
  }

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public void afterSelectBlockingRunnelResetTimer() {
    Channel<Integer> ping = Channel.make();
    Channel<Integer> pong = Channel.make();
    runAll(
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            ping.send(BALL);
            pong.receive();
          }
        },
        () -> {
          Timer timer = Time.newTimer(SECOND);
          Select echo = Select.select().onReceive(ping, IGNORE).onReceive(timer.c(), TIMED_OUT);
          for (int i = 0; i < ROUND_TRIPS; i++) {
            timer.reset(SECOND);
            echo.run();
            pong.send(BALL);
          }
          timer.stop();
        });
  }

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public void afterSelectBlockingStpe(Timers s) {
    SynchronousQueue<Integer> ping = new SynchronousQueue<>();
    SynchronousQueue<Integer> pong = new SynchronousQueue<>();
    Runnable timeout = () -> ping.offer(TIMEOUT);
    runAll(
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            ping.put(BALL);
            pong.take();
          }
        },
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            ScheduledFuture<?> timer = s.stpe.schedule(timeout, 1, TimeUnit.SECONDS);
            Integer v = ping.take();
            timer.cancel(false);
            notTimedOut(v);
            pong.put(v);
          }
        });
  }

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public void afterSelectBlockingPollTimeout() {
    SynchronousQueue<Integer> ping = new SynchronousQueue<>();
    SynchronousQueue<Integer> pong = new SynchronousQueue<>();
    runAll(
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            ping.put(BALL);
            pong.take();
          }
        },
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            Integer v = ping.poll(1, TimeUnit.SECONDS);
            notTimedOut(v);
            pong.put(v);
          }
        });
  }

  private static void notTimedOut(Integer v) {
    if (v == null || v == TIMEOUT) {
      throw new IllegalStateException("a 1 s timeout fired in a benchmark");
    }
  }
}
