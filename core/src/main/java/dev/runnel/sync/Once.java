package dev.runnel.sync;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Runs one action exactly once: Go's {@code sync.Once}.
 *
 * <p>{@link #run} calls its function only the first time it is called on this {@code Once}, even
 * if later calls pass other functions. Concurrent callers wait until that first call has returned,
 * so when any {@code run} returns, the function has completed. If the function throws, {@code run}
 * rethrows to its caller and the {@code Once} counts as done: it is not retried, and later calls
 * return at once (use {@link RetryingOnce} for initialisation that should be retried). The
 * function must not call {@code run} on the same {@code Once}: that waits for itself forever.
 *
 * <p>The static factories are Go 1.21's: {@link #onceFunc}, {@link #onceValue} and {@link
 * #onceValues} wrap a function so that it runs once and every call returns its result, or throws
 * the same exception again.
 *
 * <p><b>Memory consistency effects:</b> the return of the function happens-before the return of
 * every {@code run} call on the same {@code Once}.
 *
 * <p><b>Go:</b> {@code sync.Once}; {@code once.Do(f)} is {@code once.run(f)} ({@code do} is
 * reserved in Java). A panicking {@code f} is, as in Go, done and not retried.
 *
 * {@snippet :
 * private final Once loadConfig = new Once();
 *
 * Config config() {
 *   loadConfig.run(() -> config = Config.load());
 *   return config;
 * }
 * }
 */
public final class Once {

  /*
   * Implementation notes. The fast path is one volatile read of done. The slow path takes a Mutex,
   * so that latecomers wait for the first call to finish: the tempting
   * "if (CAS(done, false, true)) f.run()" would let a second caller return while f still runs.
   * done is written after f returns (or throws), under the mutex.
   */

  private volatile boolean done;
  private final Mutex mu = new Mutex();

  /** Creates a {@code Once} that has not run anything. */
  public Once() {}

  /**
   * Calls {@code f} if and only if this is the first call of {@code run} on this {@code Once}:
   * Go's {@code once.Do(f)}.
   *
   * @param f the action
   * @throws NullPointerException if {@code f} is null (the Once is then as it was)
   */
  public void run(Runnable f) {
    Objects.requireNonNull(f, "f");
    if (!done) {
      runSlow(f);
    }
  }

  private void runSlow(Runnable f) {
    mu.lock();
    try {
      if (!done) {
        try {
          f.run();
        } finally {
          done = true;
        }
      }
    } finally {
      mu.unlock();
    }
  }

  /**
   * A function that calls {@code f} only the first time it is called: Go's {@code
   * sync.OnceFunc}. If {@code f} throws, every call throws that same exception.
   *
   * @param f the action
   * @return the once-only action
   * @throws NullPointerException if {@code f} is null
   */
  public static Runnable onceFunc(Runnable f) {
    Objects.requireNonNull(f, "f");
    OnceResult<Void> r =
        new OnceResult<>(
            () -> {
              f.run();
              return null;
            });
    return () -> r.get();
  }

  /**
   * A supplier that calls {@code f} only the first time and returns its value on every call: Go's
   * {@code sync.OnceValue}. If {@code f} throws, every call throws that same exception.
   *
   * @param f the value's supplier
   * @param <T> the value's type
   * @return the once-only supplier
   * @throws NullPointerException if {@code f} is null
   */
  public static <T> Supplier<T> onceValue(Supplier<T> f) {
    Objects.requireNonNull(f, "f");
    OnceResult<T> r = new OnceResult<>(f::get);
    return () -> r.get();
  }

  /**
   * A callable that calls {@code f} only the first time and returns its value, or throws its
   * exception, on every call: Go's {@code sync.OnceValues}, whose usual results {@code (value,
   * err)} are Java's return value and exception.
   *
   * @param f the value's computation
   * @param <T> the value's type
   * @return the once-only callable
   * @throws NullPointerException if {@code f} is null
   */
  public static <T> Callable<T> onceValues(Callable<T> f) {
    Objects.requireNonNull(f, "f");
    OnceResult<T> r = new OnceResult<>(f);
    return r::call;
  }
}
