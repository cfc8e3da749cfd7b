package dev.runnel.sync;

import java.util.concurrent.Callable;

/**
 * The outcome of a function run once, kept for every later call: the engine of {@link
 * Once#onceFunc}, {@link Once#onceValue} and {@link Once#onceValues}.
 */
final class OnceResult<T> {

  private final Once once = new Once();
  private Callable<T> f; // cleared once run, so that f and what it captures can be collected
  private T value;
  private Throwable failure;

  OnceResult(Callable<T> f) {
    this.f = f;
  }

  /** The value, or the same exception again; checked exceptions as thrown by f. */
  T call() throws Exception {
    once.run(this::compute);
    Throwable t = failure; // written before the Once's done flag, read after it
    if (t == null) {
      return value;
    }
    if (t instanceof Exception e) {
      throw e;
    }
    throw (Error) t;
  }

  /** The value, or the same unchecked exception again. */
  T get() {
    try {
      return call();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e); // unreachable: Runnable and Supplier throw no checked
    }
  }

  private void compute() {
    try {
      value = f.call();
    } catch (Throwable t) {
      failure = t;
    } finally {
      f = null;
    }
  }
}
