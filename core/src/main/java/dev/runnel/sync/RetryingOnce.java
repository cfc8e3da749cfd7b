package dev.runnel.sync;

import dev.runnel.GoFunc;
import java.util.Objects;

/**
 * Runs an initialisation until it succeeds once: a {@code Once} whose failed calls do not
 * count.
 *
 * <p>{@link #run} calls its function if no earlier call has succeeded. If the function throws,
 * {@code run} rethrows and the next {@code run} tries again; once a call returns normally, every
 * later {@code run} returns at once. Concurrent callers wait for the call in progress, then return
 * (if it succeeded) or try themselves (if it failed). The function must not call {@code run} on
 * the same object.
 *
 * <p><b>Memory consistency effects:</b> the return of the successful call happens-before the return
 * of every later {@code run} and every {@link #isDone()} that returns true.
 *
 * <p><b>Go:</b> no such type in Go's standard library; this is the {@code Once} with an error
 * result that Go code builds on {@code sync.Mutex} ({@code Do(f func() error) error}).
 *
 * {@snippet :
 * private final RetryingOnce connect = new RetryingOnce();
 *
 * void ensureConnected() throws Exception {
 *   connect.run(() -> conn = Database.open(url)); // a failure is retried by the next caller
 * }
 * }
 */
public final class RetryingOnce {

  private volatile boolean done;
  private final Mutex mu = new Mutex();

  /** Creates one that has not succeeded yet. */
  public RetryingOnce() {}

  /**
   * Calls {@code f} unless an earlier call succeeded.
   *
   * @param f the initialisation
   * @throws Exception what {@code f} threw; the next call tries again
   * @throws NullPointerException if {@code f} is null (no attempt is counted)
   */
  public void run(GoFunc f) throws Exception {
    Objects.requireNonNull(f, "f");
    if (done) {
      return;
    }
    mu.lock();
    try {
      if (!done) {
        f.run();
        done = true;
      }
    } finally {
      mu.unlock();
    }
  }

  /**
   * Whether a call has succeeded.
   *
   * @return true once the function returned normally
   */
  public boolean isDone() {
    return done;
  }
}
