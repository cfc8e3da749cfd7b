package dev.runnel.examples;

import dev.runnel.Go;
import dev.runnel.context.Context;
import dev.runnel.errgroup.ErrGroup;
import dev.runnel.time.Time;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

/**
 * Parallel calls with an {@link ErrGroup}, Go's classic errgroup pattern: several
 * "services" are called at once, each result goes into its own slot, and the first failure cancels
 * the others through the group's context.
 *
 * <ol>
 *   <li>every call succeeds: {@code await} returns and all results are there;
 *   <li>one call fails fast: {@code await} reports that failure, and the slow calls stop at once
 *       instead of running to the end (their sleeps watch the group's context).
 * </ol>
 *
 * No network: a call is a {@code Time.sleep(ctx, d)}. The slow calls of run 2 would take 5 s, a
 * margin that holds on a busy machine; cancelled, they end at once, so the program ends in well
 * under a second.
 */
public final class ErrGroupFetch {

  private ErrGroupFetch() {}

  /** A simulated service: answers after {@code latency}, or fails then if {@code fails}. */
  private record Service(String name, int latencyMillis, boolean fails) {}

  public static void main(String[] args) throws InterruptedException {
    int baseline = Go.numGoroutine();
    search("1. all services answer", List.of(
        new Service("web", 20, false),
        new Service("images", 30, false),
        new Service("video", 10, false)));
    search("2. one service fails fast; the others are cancelled", List.of(
        new Service("web", 5_000, false),
        new Service("images", 5, true),
        new Service("video", 5_000, false)));
    // await returns once every body has returned; the threads themselves end a moment later.
    Instant deadline = Time.now().plusSeconds(5);
    while (Go.numGoroutine() > baseline && Time.now().isBefore(deadline)) {
      Time.sleep(Duration.ofMillis(1));
    }
    System.out.println("goroutines left behind: " + (Go.numGoroutine() - baseline));
  }

  /** Go: g, ctx := errgroup.WithContext(ctx); for each: g.Go(...); err := g.Wait(). */
  private static void search(String title, List<Service> services) throws InterruptedException {
    System.out.println(title);
    Instant start = Time.now();
    ErrGroup g = ErrGroup.withContext(Context.background());
    String[] results = new String[services.size()]; // one slot per goroutine: no locking
    for (int i = 0; i < services.size(); i++) {
      int slot = i;
      Service s = services.get(i);
      g.go(() -> results[slot] = call(g.context(), s));
    }
    try {
      g.await(); // waits for every goroutine, even after a failure
      System.out.println("   results: " + String.join(", ", results));
    } catch (ExecutionException e) {
      System.out.println("   failed: " + e.getCause().getMessage());
      List<String> partial = Arrays.stream(results).filter(Objects::nonNull).toList();
      System.out.println("   partial results: " + (partial.isEmpty() ? "none" : partial));
    }
    // Go: fmt.Println(ctx.Err()) -- the group's context is cancelled once Wait returns.
    System.out.println("   context: " + g.context().err().getMessage()
        + "; took ~" + Time.since(start).toMillis() + " ms");
  }

  /** One remote call: stops as soon as the group's context is cancelled. */
  private static String call(Context ctx, Service s) throws Exception {
    try {
      Time.sleep(ctx, Duration.ofMillis(s.latencyMillis()));
    } catch (CancellationException e) {
      System.out.println("   " + s.name() + ": cancelled (" + ctx.cause().getMessage() + ")");
      throw e;
    }
    if (s.fails()) {
      throw new Exception(s.name() + ": 503 service unavailable");
    }
    System.out.println("   " + s.name() + ": answered in " + s.latencyMillis() + " ms");
    return s.name() + " result";
  }
}
