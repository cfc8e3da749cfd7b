package dev.runnel.examples;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.context.Context;
import dev.runnel.pipeline.ItemFailure;
import dev.runnel.pipeline.OnItemFailure;
import dev.runnel.pipeline.Pipeline;
import dev.runnel.time.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The classic data pipeline ("Applying Modern Go Concurrency Patterns to Data Pipelines"): a
 * source of raw lines, parallel transform stages, batching, and a sink that stores the batches,
 * with the first error cancelling everything. In Go that is a producer goroutine, fan-out
 * workers, a fan-in with a WaitGroup that closes the merged channel, a {@code select} on {@code
 * ctx.Done()} around every send, and an error channel or {@code errgroup}; here it is one chain
 * of {@link Pipeline} stages and one terminal call that returns only when every goroutine has
 * ended.
 *
 * <p>Run 1 stores every record; run 2 meets a malformed line, which cancels the whole pipeline
 * and is thrown by the terminal call; run 3 routes malformed lines to an error channel instead
 * (the article's separate error channel) and stores the rest.
 */
public final class DataPipeline {

  private DataPipeline() {}

  private static final int RECORDS = 100;
  private static final int WORKERS = 4;
  private static final int BATCH = 10;

  /** A parsed record. */
  record Reading(int id, int value) {}

  /** A record after the enrich stage. */
  record Enriched(int id, int value, int squared) {}

  public static void main(String[] args) throws InterruptedException {
    int baseline = Go.numGoroutine();
    System.out.println("Data pipeline: lines -> parse (" + WORKERS + " workers, in order) -> enrich ("
        + WORKERS + " workers, any order) -> batch (" + BATCH + " or 50 ms) -> store");
    Context ctx = Context.background();

    System.out.println();
    System.out.println("Run 1: " + RECORDS + " well-formed lines");
    List<List<Enriched>> stored = new ArrayList<>();
    pipeline(lines(Set.of())).forEach(ctx, stored::add); // the sink: store one batch at a time
    System.out.println("  stored " + stored.size() + " batches, "
        + stored.stream().mapToInt(List::size).sum() + " records, sum of squares "
        + stored.stream().flatMap(List::stream).mapToLong(Enriched::squared).sum());
    awaitBaseline(baseline);

    System.out.println();
    System.out.println("Run 2: line 42 is malformed; the first error cancels every stage");
    List<List<Enriched>> partial = new ArrayList<>();
    try {
      pipeline(lines(Set.of(42))).forEach(ctx, partial::add);
      System.out.println("  completed (unexpected)");
    } catch (CompletionException e) {
      System.out.println("  failed: " + e.getCause());
      int count = partial.stream().mapToInt(List::size).sum();
      System.out.println("  stored before the failure: " + (count < RECORDS ? "fewer than " : "")
          + RECORDS + " records");
    }
    awaitBaseline(baseline);

    System.out.println();
    System.out.println("Run 3: lines 13, 42 and 77 are malformed and go to an error channel");
    Channel<ItemFailure<String>> errors = Channel.make(RECORDS);
    long count =
        Pipeline.from(lines(Set.of(13, 42, 77)))
            .mapParallel(WORKERS, true, DataPipeline::parse, OnItemFailure.sendTo(errors))
            .mapParallel(WORKERS, false, DataPipeline::enrich)
            .batch(BATCH, Duration.ofMillis(50))
            .fold(ctx, 0L, (n, batch) -> n + batch.size());
    errors.close(); // the pipeline has ended: nobody sends any more
    List<String> bad = new ArrayList<>();
    for (ItemFailure<String> f : errors) {
      bad.add(f.item());
    }
    System.out.println("  stored " + count + " records; " + bad.size() + " sent to the error channel: "
        + bad);
    awaitBaseline(baseline);
  }

  /** The whole graph, failing on the first malformed line. */
  static Pipeline<List<Enriched>> pipeline(Stream<String> lines) {
    return Pipeline.from(lines)
        .mapParallel(WORKERS, true, DataPipeline::parse)
        .mapParallel(WORKERS, false, DataPipeline::enrich)
        .filter(e -> e.value() >= 0)
        .batch(BATCH, Duration.ofMillis(50));
  }

  /** Raw lines {@code "id,value"}; the ids in {@code malformed} get a value that is not a number. */
  static Stream<String> lines(Set<Integer> malformed) {
    return IntStream.range(0, RECORDS)
        .mapToObj(i -> i + "," + (malformed.contains(i) ? "x" + i : Integer.toString(i)));
  }

  static Reading parse(String line) {
    String[] f = line.split(",", 2);
    try {
      return new Reading(Integer.parseInt(f[0]), Integer.parseInt(f[1]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("malformed line \"" + line + "\"", e);
    }
  }

  static Enriched enrich(Reading r) {
    return new Enriched(r.id(), r.value(), r.value() * r.value());
  }

  private static void awaitBaseline(int baseline) throws InterruptedException {
    // The terminal call has waited for every goroutine of the run; the count settles at once.
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (Go.numGoroutine() > baseline && System.nanoTime() - deadline < 0) {
      Time.sleep(Duration.ofMillis(1));
    }
    int now = Go.numGoroutine();
    System.out.println("  goroutines: " + now + " (baseline " + baseline + ")"
        + (now == baseline ? ": none left behind" : ": LEAKED " + (now - baseline)));
  }
}
