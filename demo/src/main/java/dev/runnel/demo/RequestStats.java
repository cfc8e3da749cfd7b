package dev.runnel.demo;

import java.util.concurrent.atomic.LongAdder;

/** The server's count of requests by the status it answered, and of the payloads accepted. */
final class RequestStats {

  /** The statuses counted on their own; any other is counted as "other". */
  static final int[] STATUSES = {202, 400, 404, 405, 413, 429, 500, 503};

  private final LongAdder[] byStatus = new LongAdder[STATUSES.length];
  private final LongAdder other = new LongAdder();
  private final LongAdder total = new LongAdder();

  /** Counts at zero. */
  RequestStats() {
    for (int i = 0; i < byStatus.length; i++) {
      byStatus[i] = new LongAdder();
    }
  }

  /** Counts one request answered with {@code status}. */
  void record(int status) {
    total.increment();
    for (int i = 0; i < STATUSES.length; i++) {
      if (STATUSES[i] == status) {
        byStatus[i].increment();
        return;
      }
    }
    other.increment();
  }

  /**
   * The requests answered with {@code status}.
   *
   * @param status one of {@link #STATUSES}
   * @return the count
   * @throws IllegalArgumentException for a status not counted on its own
   */
  long count(int status) {
    for (int i = 0; i < STATUSES.length; i++) {
      if (STATUSES[i] == status) {
        return byStatus[i].sum();
      }
    }
    throw new IllegalArgumentException("demo: status " + status + " is not counted on its own");
  }

  /** Requests answered with a status not in {@link #STATUSES}. */
  long other() {
    return other.sum();
  }

  /** Every request answered on the payload endpoint. */
  long total() {
    return total.sum();
  }
}
