package dev.runnel.singleflight;

import dev.runnel.testkit.Threads;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A flight's function for tests: counts its runs, remembers the thread that ran it last, and
 * blocks every run until {@link #release()} (failing with an {@link AssertionError} if nobody
 * releases it in time), then returns what {@code body} returns or throws what it throws.
 */
final class GatedFn<V> implements Callable<V> {
  private final Callable<V> body;
  private final AtomicInteger runs = new AtomicInteger();
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile Thread runner;

  GatedFn(Callable<V> body) {
    this.body = body;
  }

  static <V> GatedFn<V> returning(V value) {
    return new GatedFn<>(() -> value);
  }

  static <V> GatedFn<V> throwing(Throwable t) {
    return new GatedFn<>(
        () -> {
          if (t instanceof Exception e) {
            throw e;
          }
          throw (Error) t;
        });
  }

  @Override
  public V call() throws Exception {
    runs.incrementAndGet();
    runner = Thread.currentThread();
    started.countDown();
    if (!release.await(Threads.PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the test never released the flight");
    }
    return body.call();
  }

  /** Waits until a run has started and returns the thread running it. */
  Thread awaitStarted() throws InterruptedException {
    if (!started.await(Threads.PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("fn never started");
    }
    return runner;
  }

  void release() {
    release.countDown();
  }

  int runs() {
    return runs.get();
  }

  Thread runner() {
    return runner;
  }
}
