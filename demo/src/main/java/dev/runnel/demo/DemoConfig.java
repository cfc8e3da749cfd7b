package dev.runnel.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Everything the demo can be told: how long the load runs, the sizes of the pool and its queue,
 * the request limits, and how often storage fails.
 *
 * @param load how long the load generator runs; zero for none
 * @param serve whether the server keeps serving after the load, until the process is stopped
 * @param workers the most payload uploads run at once (the worker pool's workers)
 * @param queueCapacity the most accepted requests waiting for a worker; beyond it, 503
 * @param maxBodyBytes the largest request body taken; beyond it, 413
 * @param clientRate requests per second each client may send; beyond it, 429
 * @param clientBurst the burst each client's rate limiter allows
 * @param maxClients the most clients whose rate limiters are kept (least recently seen dropped)
 * @param dataDir where payload files and the events file go; null for a new temporary directory
 * @param failureRate the fraction of storage writes that fail at random
 * @param outageEvery how often storage has an outage (every write fails); zero for never
 * @param outageLength how long each outage lasts
 * @param storageLatency the most time one write takes (a uniformly random part of it)
 * @param storage wraps the storage the demo builds (tests put a gate in front of it)
 * @param progress whether a progress line is printed once a second
 */
public record DemoConfig(
    Duration load,
    boolean serve,
    int workers,
    int queueCapacity,
    int maxBodyBytes,
    double clientRate,
    int clientBurst,
    int maxClients,
    Path dataDir,
    double failureRate,
    Duration outageEvery,
    Duration outageLength,
    Duration storageLatency,
    UnaryOperator<Storage> storage,
    boolean progress) {

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException for a value out of range
   */
  public DemoConfig {
    Objects.requireNonNull(load, "load");
    Objects.requireNonNull(outageEvery, "outageEvery");
    Objects.requireNonNull(outageLength, "outageLength");
    Objects.requireNonNull(storageLatency, "storageLatency");
    Objects.requireNonNull(storage, "storage");
    check(!load.isNegative(), "load is negative: " + load);
    check(workers >= 1, "workers must be at least 1: " + workers);
    check(queueCapacity >= 0, "queueCapacity is negative: " + queueCapacity);
    check(maxBodyBytes >= 1, "maxBodyBytes must be at least 1: " + maxBodyBytes);
    check(clientRate > 0, "clientRate must be positive: " + clientRate);
    check(clientBurst >= 1, "clientBurst must be at least 1: " + clientBurst);
    check(maxClients >= 1, "maxClients must be at least 1: " + maxClients);
    check(failureRate >= 0 && failureRate < 1, "failureRate must be in [0, 1): " + failureRate);
    check(!outageEvery.isNegative() && !outageLength.isNegative()
        && (outageEvery.isZero() || outageLength.compareTo(outageEvery) < 0),
        "outageLength must be shorter than outageEvery: " + outageLength + ", " + outageEvery);
    check(!storageLatency.isNegative(), "storageLatency is negative: " + storageLatency);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("demo: " + message);
    }
  }

  /**
   * The defaults of {@code ./run demo}: 20 s of load, 32 workers, a queue of 256, 64 KiB bodies,
   * 100 requests per second per client (burst 50), 5% failed writes and a 600 ms outage every 6 s.
   *
   * @return the defaults
   */
  public static DemoConfig defaults() {
    return new DemoConfig(Duration.ofSeconds(20), false, 32, 256, 64 * 1024, 100, 50, 10_000,
        null, 0.05, Duration.ofSeconds(6), Duration.ofMillis(600), Duration.ofMillis(4),
        UnaryOperator.identity(), true);
  }

  /**
   * This configuration with another load length.
   *
   * @param d how long the load runs
   * @return the new configuration
   */
  public DemoConfig withLoad(Duration d) {
    return new DemoConfig(d, serve, workers, queueCapacity, maxBodyBytes, clientRate,
        clientBurst, maxClients, dataDir, failureRate, outageEvery, outageLength, storageLatency,
        storage, progress);
  }

  /**
   * This configuration, serving until stopped or not.
   *
   * @param on whether to keep serving after the load
   * @return the new configuration
   */
  public DemoConfig withServe(boolean on) {
    return new DemoConfig(load, on, workers, queueCapacity, maxBodyBytes, clientRate,
        clientBurst, maxClients, dataDir, failureRate, outageEvery, outageLength, storageLatency,
        storage, progress);
  }

  /**
   * This configuration with another pool size.
   *
   * @param workers the workers
   * @param queueCapacity the queue's capacity
   * @return the new configuration
   */
  public DemoConfig withPool(int workers, int queueCapacity) {
    return new DemoConfig(load, serve, workers, queueCapacity, maxBodyBytes, clientRate,
        clientBurst, maxClients, dataDir, failureRate, outageEvery, outageLength, storageLatency,
        storage, progress);
  }

  /**
   * This configuration with other request limits.
   *
   * @param maxBodyBytes the largest body
   * @param clientRate requests per second per client
   * @param clientBurst the burst per client
   * @param maxClients the most clients tracked
   * @return the new configuration
   */
  public DemoConfig withLimits(int maxBodyBytes, double clientRate, int clientBurst,
      int maxClients) {
    return new DemoConfig(load, serve, workers, queueCapacity, maxBodyBytes, clientRate,
        clientBurst, maxClients, dataDir, failureRate, outageEvery, outageLength, storageLatency,
        storage, progress);
  }

  /**
   * This configuration with other storage faults.
   *
   * @param failureRate the fraction of writes that fail
   * @param outageEvery how often an outage begins; zero for never
   * @param outageLength how long it lasts
   * @param latency the most time one write takes
   * @return the new configuration
   */
  public DemoConfig withFaults(double failureRate, Duration outageEvery, Duration outageLength,
      Duration latency) {
    return new DemoConfig(load, serve, workers, queueCapacity, maxBodyBytes, clientRate,
        clientBurst, maxClients, dataDir, failureRate, outageEvery, outageLength, latency,
        storage, progress);
  }

  /**
   * This configuration with a data directory and a storage wrapper.
   *
   * @param dir where files go; null for a temporary directory
   * @param wrapper wraps the storage
   * @return the new configuration
   */
  public DemoConfig withStorage(Path dir, UnaryOperator<Storage> wrapper) {
    return new DemoConfig(load, serve, workers, queueCapacity, maxBodyBytes, clientRate,
        clientBurst, maxClients, dir, failureRate, outageEvery, outageLength, storageLatency,
        wrapper, progress);
  }

  /**
   * This configuration with or without the progress line.
   *
   * @param on whether to print it
   * @return the new configuration
   */
  public DemoConfig withProgress(boolean on) {
    return new DemoConfig(load, serve, workers, queueCapacity, maxBodyBytes, clientRate,
        clientBurst, maxClients, dataDir, failureRate, outageEvery, outageLength, storageLatency,
        storage, on);
  }
}
