package dev.runnel.demo;

import dev.runnel.rate.RateLimiter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A token-bucket rate limiter per client, for at most {@code maxClients} clients: the one seen
 * least recently is forgotten to make room (it starts again with a full bucket if it comes back),
 * so a flood of client ids cannot grow the map without bound.
 */
final class ClientLimiters {

  private final double perSecond;
  private final int burst;
  private final int maxClients;
  /** In access order, least recent first; guarded by {@link #lock}, held only for the lookup. */
  private final LinkedHashMap<String, RateLimiter> limiters;
  private final ReentrantLock lock = new ReentrantLock();

  /** Buckets of {@code perSecond} and {@code burst} each, for at most {@code maxClients}. */
  ClientLimiters(double perSecond, int burst, int maxClients) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.maxClients = maxClients;
    this.limiters = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, RateLimiter> eldest) {
        return size() > ClientLimiters.this.maxClients;
      }
    };
  }

  /**
   * Whether {@code client} may send a request now; takes a token if so.
   *
   * @param client the client's id
   * @return false if the client is over its rate
   */
  boolean allow(String client) {
    Objects.requireNonNull(client, "client");
    RateLimiter limiter;
    lock.lock();
    try {
      limiter = limiters.computeIfAbsent(client, c -> new RateLimiter(perSecond, burst));
    } finally {
      lock.unlock();
    }
    return limiter.allow();
  }

  /**
   * How many clients have a limiter now.
   *
   * @return at most {@code maxClients}
   */
  int size() {
    lock.lock();
    try {
      return limiters.size();
    } finally {
      lock.unlock();
    }
  }
}
