package dev.runnel.demo;

import dev.runnel.context.Context;
import dev.runnel.time.Clock;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Storage that is sometimes down, as a remote store is: each write first takes a random part of
 * {@code latency}, then fails with an {@link IOException} at random with probability {@code
 * failureRate}, and every write fails during an outage of {@code outageLength} at the start of
 * every {@code outageEvery}. A failed write stores nothing.
 */
final class FlakyStorage implements Storage {

  private final Storage inner;
  private final double failureRate;
  private final long outageEvery;
  private final long outageLength;
  private final long latency;
  private final Clock clock;
  private final long start;
  private final LongAdder failures = new LongAdder();

  /** {@code inner} with these faults; outages are timed on {@code clock}. */
  FlakyStorage(Storage inner, double failureRate, Duration outageEvery, Duration outageLength,
      Duration latency, Clock clock) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.failureRate = failureRate;
    this.outageEvery = outageEvery.toNanos();
    this.outageLength = outageLength.toNanos();
    this.latency = latency.toNanos();
    this.clock = clock;
    // the first outage comes one period in, not at once
    this.start = clock.nanoTime() - this.outageLength;
  }

  @Override
  public void write(Context ctx, String name, byte[] bytes)
      throws IOException, InterruptedException {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (latency > 0) {
      clock.sleep(ctx, Duration.ofNanos(random.nextLong(latency)));
    }
    if (inOutage()) {
      failures.increment();
      throw new IOException("storage outage (injected)");
    }
    if (random.nextDouble() < failureRate) {
      failures.increment();
      throw new IOException("storage write failed (injected)");
    }
    inner.write(ctx, name, bytes);
  }

  /**
   * Whether storage is in an outage now.
   *
   * @return true during an outage
   */
  boolean inOutage() {
    return outageEvery > 0 && (clock.nanoTime() - start) % outageEvery < outageLength;
  }

  /**
   * The writes that failed on purpose.
   *
   * @return the count
   */
  long failures() {
    return failures.sum();
  }
}
