package dev.runnel.retry;

import dev.runnel.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A limit on retries shared by many {@link Retry} policies and calls, so that retries cannot
 * multiply the load on a service that is failing: over a sliding {@code window}, retries may be at
 * most {@code ratio} times the first attempts, plus {@code minRetriesPerSecond} times the window's
 * length in seconds, a floor that lets a service with little traffic retry at all. The idea of
 * Finagle's {@code RetryBudget}, gRPC's retry throttling and Envoy's {@code retry_budget}.
 *
 * <p>A {@link Retry} with a budget calls {@link #deposit()} once per call (its first attempt) and
 * {@link #tryWithdraw()} before each retry; a refused withdrawal ends the call at once. The window
 * slides in tenths: it is ten buckets of {@code window / 10} each.
 *
 * <p>Thread-safe. {@link #deposit()} takes no lock except once per tenth of the window; {@link
 * #tryWithdraw()} holds a short lock that runs no user code; neither blocks otherwise.
 *
 * <p>Go: gRPC-Go's retry throttling (the service config's {@code retryThrottling}: tokens, a
 * ratio, a threshold) is the token-bucket form of the same idea; Go's standard library has none.
 *
 * <p>Memory consistency effects: a deposit or withdrawal happens-before every later {@link
 * #tryWithdraw()} and {@link #balance()} that accounts for it.
 *
 * {@snippet :
 * RetryBudget budget = new RetryBudget(0.2, 10, Duration.ofSeconds(10), Clock.system());
 * Retry retry = Retry.builder().budget(budget).build();
 * }
 */
public final class RetryBudget {

  private static final int BUCKETS = 10;

  private final double ratio;
  private final double floor;
  private final long bucketNanos;
  private final Clock clock;
  private final String description;

  /*
   * Implementation notes: bucket i counts the events of epoch i (nanoTime / bucketNanos), and
   * epochs only move forward. A deposit is lock-free on its fast path: it increments its bucket
   * once the bucket holds its epoch; moving a bucket to a newer epoch (zeroing its counts, then
   * publishing the epoch with a volatile write that the fast path's volatile read pairs with),
   * every withdrawal and every balance happen under the lock, so withdrawals never exceed the
   * balance. A deposit that races with the roll of its own bucket a whole window later may be
   * counted in the newer epoch: the window is then generous by that one deposit.
   */
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicLongArray epochs = new AtomicLongArray(BUCKETS);
  private final AtomicLongArray deposits = new AtomicLongArray(BUCKETS);
  // Guarded by lock.
  private final long[] withdrawals = new long[BUCKETS];

  /**
   * A budget on the system clock.
   *
   * @param ratio retries allowed per first attempt, at least 0
   * @param minRetriesPerSecond retries allowed regardless of traffic, at least 0
   * @param window how far back first attempts and retries count, at least 10 ns
   */
  public RetryBudget(double ratio, double minRetriesPerSecond, Duration window) {
    this(ratio, minRetriesPerSecond, window, Clock.system());
  }

  /**
   * A budget on {@code clock}.
   *
   * @param ratio retries allowed per first attempt, at least 0
   * @param minRetriesPerSecond retries allowed regardless of traffic, at least 0
   * @param window how far back first attempts and retries count, at least 10 ns
   * @param clock the clock that slides the window
   */
  public RetryBudget(double ratio, double minRetriesPerSecond, Duration window, Clock clock) {
    if (!(ratio >= 0) || Double.isInfinite(ratio)) {
      throw new IllegalArgumentException("ratio must be finite and at least 0: " + ratio);
    }
    if (!(minRetriesPerSecond >= 0) || Double.isInfinite(minRetriesPerSecond)) {
      throw new IllegalArgumentException(
          "minRetriesPerSecond must be finite and at least 0: " + minRetriesPerSecond);
    }
    long w = Delays.nonNegative(window, "window");
    if (w < BUCKETS) {
      throw new IllegalArgumentException("window is shorter than " + BUCKETS + " ns: " + window);
    }
    this.ratio = ratio;
    this.bucketNanos = w / BUCKETS;
    this.floor = minRetriesPerSecond * (bucketNanos * BUCKETS / 1e9);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.description =
        "RetryBudget(ratio="
            + ratio
            + ", minRetriesPerSecond="
            + minRetriesPerSecond
            + ", window="
            + window
            + ")";
    long now = epochNow();
    for (int i = 0; i < BUCKETS; i++) {
      epochs.set(i, now);
    }
  }

  /** Records a first attempt: it earns {@code ratio} retries for the length of the window. */
  public void deposit() {
    long now = epochNow();
    int i = index(now);
    if (epochs.get(i) < now) {
      lock.lock();
      try {
        roll(i, now);
      } finally {
        lock.unlock();
      }
    }
    deposits.getAndIncrement(i);
  }

  /**
   * Takes one retry from the budget if the window's balance allows it.
   *
   * @return true if the retry may go ahead, false if the budget is spent
   */
  public boolean tryWithdraw() {
    lock.lock();
    try {
      long now = epochNow();
      if (balanceLocked(now) < 1) {
        return false;
      }
      int i = index(now);
      roll(i, now);
      withdrawals[i]++;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The retries the budget would allow now: {@code ratio × first attempts + floor − retries}
   * over the window.
   *
   * @return the balance; may be fractional
   */
  public double balance() {
    lock.lock();
    try {
      return balanceLocked(epochNow());
    } finally {
      lock.unlock();
    }
  }

  private long epochNow() {
    return Math.floorDiv(clock.nanoTime(), bucketNanos);
  }

  private static int index(long epoch) {
    return (int) Math.floorMod(epoch, (long) BUCKETS);
  }

  /** Moves bucket {@code i} to epoch {@code now} if it holds an older one. Holds the lock. */
  private void roll(int i, long now) {
    if (epochs.get(i) < now) {
      deposits.set(i, 0);
      withdrawals[i] = 0;
      epochs.set(i, now);
    }
  }

  private double balanceLocked(long now) {
    long d = 0;
    long w = 0;
    for (int i = 0; i < BUCKETS; i++) {
      if (now - epochs.get(i) < BUCKETS) {
        d += deposits.get(i);
        w += withdrawals[i];
      }
    }
    return ratio * d + floor - w;
  }

  @Override
  public String toString() {
    return description;
  }
}
