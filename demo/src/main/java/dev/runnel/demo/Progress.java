package dev.runnel.demo;

import dev.runnel.Go;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.lifecycle.Service;
import dev.runnel.sync.WaitGroup;
import dev.runnel.time.Clock;
import dev.runnel.time.Ticker;
import dev.runnel.workerpool.WorkerPool;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;

/**
 * The live progress line, once a second: requests per second, answers by status, the job queue's
 * depth, live goroutines, payloads stored and the breaker's state. On a terminal the line is
 * rewritten in place ({@code \r}); otherwise each second is a line of its own.
 */
final class Progress implements Service {

  private final PrintStream out;
  private final boolean terminal;
  private final RequestStats stats;
  private final UploadService uploads;
  private final int queueCapacity;
  private final Supplier<String> breaker;
  private final WaitGroup running = new WaitGroup();
  private CancelContext ticking;
  private long started;
  private long lastTotal;

  /** A progress line on {@code out}, rewritten in place if it is a terminal. */
  Progress(PrintStream out, boolean terminal, RequestStats stats, UploadService uploads,
      int queueCapacity, Supplier<String> breaker) {
    this.out = Objects.requireNonNull(out, "out");
    this.terminal = terminal;
    this.stats = Objects.requireNonNull(stats, "stats");
    this.uploads = Objects.requireNonNull(uploads, "uploads");
    this.queueCapacity = queueCapacity;
    this.breaker = Objects.requireNonNull(breaker, "breaker");
  }

  @Override
  public String name() {
    return "progress";
  }

  @Override
  public void start(Context ctx) {
    ticking = Context.withCancel(ctx);
    started = System.nanoTime();
    running.go(this::tick);
  }

  private void tick() throws InterruptedException {
    Ticker ticker = Clock.system().newTicker(Duration.ofSeconds(1));
    try {
      while (true) {
        ticker.c().receive(ticking);
        print(line());
      }
    } catch (CancellationException stopped) {
      // stop() was called
    } finally {
      ticker.stop();
    }
  }

  private void print(String line) {
    if (terminal) {
      out.print("\r" + line + "\u001b[K");
      out.flush();
    } else {
      out.println(line);
    }
  }

  /**
   * One second's line; the rate is since the previous call.
   *
   * @return the line
   */
  String line() {
    long total = stats.total();
    long perSecond = total - lastTotal;
    lastTotal = total;
    WorkerPool.Stats pool = uploads.pool().stats();
    long seconds = Math.round((System.nanoTime() - started) / 1e9);
    return String.format(
        "%3ds %,6d req/s | 202 %,d  400 %,d  413 %,d  429 %,d  503 %,d | queue %,d/%,d"
            + "  goroutines %,d | stored %,d  parked %,d | breaker %s",
        seconds, perSecond, stats.count(202), stats.count(400), stats.count(413),
        stats.count(429), stats.count(503), pool.queued(), queueCapacity, Go.numGoroutine(),
        uploads.stored(), uploads.parked(), breaker.get());
  }

  @Override
  public void stop(Context ctx) throws InterruptedException {
    ticking.cancel();
    running.await(ctx);
    if (terminal) {
      out.println();
    }
  }
}
