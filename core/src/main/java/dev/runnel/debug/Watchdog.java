package dev.runnel.debug;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A platform daemon thread that runs a check at a fixed interval until stopped: the detectors'
 * only presence while on. A check that throws is reported to standard error and the watchdog
 * goes on.
 */
final class Watchdog {

  private final Thread thread;
  private volatile boolean stopped;

  Watchdog(String name, Duration interval, Runnable check) {
    long nanos = Math.max(1_000_000, saturatedNanos(interval));
    thread =
        Thread.ofPlatform()
            .daemon()
            .name(name)
            .start(
                () -> {
                  while (!stopped) {
                    LockSupport.parkNanos(this, nanos);
                    if (stopped) {
                      return;
                    }
                    try {
                      check.run();
                    } catch (Throwable t) {
                      System.err.println(name + ": check failed");
                      t.printStackTrace();
                    }
                  }
                });
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  /** Stops the watchdog; a check under way finishes first, and nothing runs after it. */
  void stop() {
    stopped = true;
    LockSupport.unpark(thread);
    if (Thread.currentThread() != thread) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
