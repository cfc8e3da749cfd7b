package dev.runnel.bench;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one benchmark invocation's workers, each on its own virtual thread (where Runnel's
 * goroutines run), and waits for all of them. Every variant of a benchmark, Runnel's and the
 * baselines', goes through here, so they pay the same start and join cost, which the batch of
 * messages per invocation amortizes.
 */
final class Workers {

  /** A worker's body: any code that may block and throw. */
  @FunctionalInterface
  interface Task {
    void run() throws Exception;
  }

  /** Boxed message values made once, so no benchmark measures boxing. */
  static final Integer[] VALUES = new Integer[1024];

  static {
    for (int i = 0; i < VALUES.length; i++) {
      VALUES[i] = i + 1_000_000; // outside Integer's own cache, like a real payload
    }
  }

  /** The message with sequence number {@code i}. */
  static Integer value(int i) {
    return VALUES[i & (VALUES.length - 1)];
  }

  /** A stuck invocation (a bug, or a lost worker) fails the benchmark instead of hanging it. */
  private static final Duration STUCK = Duration.ofSeconds(60);

  private Workers() {}

  /** A blocking send. */
  @FunctionalInterface
  interface Send {
    void send(Integer e) throws InterruptedException;
  }

  /** A blocking receive. */
  @FunctionalInterface
  interface Receive {
    Integer receive() throws InterruptedException;
  }

  /**
   * {@code pairs} producers and {@code pairs} consumers, started interleaved, each moving {@code
   * messages / pairs} values; returns when all have finished. Shared by every queue and channel
   * variant; each benchmark runs in its own fork, so the calls through {@code send} and {@code
   * receive} stay monomorphic there.
   */
  static void producersConsumers(int pairs, int messages, Send send, Receive receive) {
    int perWorker = messages / pairs;
    Task[] workers = new Task[2 * pairs];
    for (int p = 0; p < pairs; p++) {
      workers[2 * p] =
          () -> {
            for (int i = 0; i < perWorker; i++) {
              send.send(value(i));
            }
          };
      workers[2 * p + 1] =
          () -> {
            for (int i = 0; i < perWorker; i++) {
              if (receive.receive() == null) {
                throw new AssertionError("received null");
              }
            }
          };
    }
    runAll(workers);
  }

  /** Starts every task on a new virtual thread and returns when all have finished. */
  static void runAll(Task... tasks) {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread[] threads = new Thread[tasks.length];
    for (int i = 0; i < tasks.length; i++) {
      Task task = tasks[i];
      threads[i] =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      task.run();
                    } catch (Throwable t) {
                      failure.compareAndSet(null, t);
                    }
                  });
    }
    try {
      for (Thread t : threads) {
        if (!t.join(STUCK)) {
          throw new IllegalStateException("a worker is stuck", failure.get());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a worker failed", failure.get());
    }
  }
}
