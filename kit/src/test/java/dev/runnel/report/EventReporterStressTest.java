package dev.runnel.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.sync.WaitGroup;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nothing is lost silently: with a sink that fails 30% of the time and a shutdown at a random
 * moment with a random deadline, every event a reporter took is delivered, returned or counted as
 * dropped, exactly once.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventReporterStressTest {

  private static final int RUNS = 1_000;
  private static final int PRODUCERS = 3;
  private static final int EVENTS_PER_PRODUCER = 40;

  @Test
  void everyEventTakenIsDeliveredReturnedOrDroppedExactlyOnce() throws Exception {
    for (int run = 0; run < RUNS; run++) {
      oneRun(run);
    }
  }

  private static void oneRun(int run) throws Exception {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    ConcurrentLinkedQueue<Integer> delivered = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Integer> taken = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Integer> dropped = new ConcurrentLinkedQueue<>();
    EventSink<Integer> flaky =
        (ctx, batch) -> {
          if (ThreadLocalRandom.current().nextInt(10) < 3) {
            throw new IOException("sink failed");
          }
          delivered.addAll(batch);
        };
    EventReporter<Integer> reporter =
        EventReporter.builder(flaky)
            .capacity(1 + random.nextInt(16))
            .batchSize(1 + random.nextInt(8))
            .senders(1 + random.nextInt(2))
            .maxBatchAge(Duration.ofNanos(1 + random.nextInt(200_000)))
            .redeliveryDelay(Duration.ofNanos(1 + random.nextInt(200_000)))
            .build();
    WaitGroup producers = new WaitGroup();
    for (int p = 0; p < PRODUCERS; p++) {
      int base = p * EVENTS_PER_PRODUCER;
      producers.go(() -> produce(reporter, base, taken, dropped));
    }
    for (int i = random.nextInt(50); i > 0; i--) {
      Thread.yield(); // a shutdown at a random moment of the run
    }
    List<Integer> returned;
    try (CancelContext deadline =
        Context.withTimeout(Context.background(), Duration.ofNanos(random.nextInt(2_000_000)))) {
      returned = reporter.shutdown(deadline);
    }
    producers.await();

    List<Integer> accounted = new ArrayList<>(delivered);
    accounted.addAll(returned);
    List<Integer> expectedTaken = new ArrayList<>(taken);
    Collections.sort(accounted);
    Collections.sort(expectedTaken);
    assertThat(accounted).as("run %d: delivered + returned = taken", run).isEqualTo(expectedTaken);
    EventReporter.Stats s = reporter.stats();
    assertThat(s.reported()).as("run %d", run).isEqualTo(taken.size() + dropped.size());
    assertThat(s.reported()).isEqualTo(s.delivered() + s.returned() + s.dropped());
    assertThat(s.dropped()).isEqualTo(dropped.size());
    assertThat(s.pending()).isZero();
  }

  private static void produce(
      EventReporter<Integer> reporter,
      int base,
      ConcurrentLinkedQueue<Integer> taken,
      ConcurrentLinkedQueue<Integer> dropped)
      throws InterruptedException {
    for (int i = 0; i < EVENTS_PER_PRODUCER; i++) {
      int event = base + i;
      try {
        if (ThreadLocalRandom.current().nextBoolean()) {
          (reporter.tryReport(event) ? taken : dropped).add(event);
        } else {
          try (CancelContext patience =
              Context.withTimeout(Context.background(), Duration.ofMillis(1))) {
            reporter.report(patience, event);
            taken.add(event);
          } catch (CancellationException gaveUp) {
            // not taken, not counted
          }
        }
      } catch (RejectedExecutionException shutDown) {
        return;
      }
    }
  }
}
