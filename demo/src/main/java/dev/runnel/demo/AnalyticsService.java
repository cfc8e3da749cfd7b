package dev.runnel.demo;

import dev.runnel.context.Context;
import dev.runnel.lifecycle.Service;
import dev.runnel.report.EventReporter;
import dev.runnel.resilience.Policy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;

/**
 * The analytics side: an {@link EventReporter} that batches the events of accepted requests into
 * a JSON-lines file. Reporting never makes a request wait: a full buffer drops the event, and the
 * drop is counted.
 *
 * <p>Accounting: once stopped, {@code reported = delivered + returned + dropped}, where delivered
 * events are the lines of the file and returned ones are those the shutdown handed back.
 */
final class AnalyticsService implements Service {

  private final JsonLinesSink sink;
  private final Policy delivery;
  private volatile EventReporter<AnalyticsEvent> reporter;
  private volatile List<AnalyticsEvent> undelivered = List.of();

  /** A service that reports to {@code sink}, each delivery under {@code delivery}. */
  AnalyticsService(JsonLinesSink sink, Policy delivery) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.delivery = Objects.requireNonNull(delivery, "delivery");
  }

  @Override
  public String name() {
    return "analytics";
  }

  @Override
  public void start(Context ctx) {
    reporter = EventReporter.builder(sink)
        .delivery(delivery)
        .capacity(20_000)
        .batchSize(500)
        .maxBatchAge(Duration.ofMillis(250))
        .redeliveryDelay(Duration.ofMillis(200))
        .build();
  }

  /**
   * Reports {@code e} without waiting.
   *
   * @param e the event
   * @return false if it was dropped, or the reporter is stopped
   */
  boolean report(AnalyticsEvent e) {
    try {
      return reporter.tryReport(e);
    } catch (RejectedExecutionException stopped) {
      return false;
    }
  }

  @Override
  public void stop(Context ctx) throws InterruptedException {
    undelivered = reporter.shutdown(ctx);
  }

  /**
   * The reporter, for metrics and the summary.
   *
   * @return the reporter; null before start
   */
  EventReporter<AnalyticsEvent> reporter() {
    return reporter;
  }

  /**
   * What the shutdown handed back.
   *
   * @return the events not delivered
   */
  List<AnalyticsEvent> undelivered() {
    return undelivered;
  }

  /** The sink, whose file the summary counts. */
  JsonLinesSink sink() {
    return sink;
  }
}
