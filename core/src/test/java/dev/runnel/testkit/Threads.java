package dev.runnel.testkit;

import static org.assertj.core.api.Assertions.fail;

import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Test threads for blocking tests of any Runnel package: actors on virtual or platform threads
 * ({@link Runner}, {@link Task}), waiting until an actor is parked in a Runnel wait ({@link
 * #awaitParked}), and bounded polling ({@link #eventually}).
 */
public final class Threads {

  /** How long a helper waits for something that must happen before it fails the test. */
  public static final Duration PATIENCE = Duration.ofSeconds(5);

  private Threads() {}

  /** A body that may throw, run on a test thread. */
  @FunctionalInterface
  public interface Body<T> {
    T call() throws Exception;
  }

  /** A body without a result. */
  @FunctionalInterface
  public interface VoidBody {
    void run() throws Exception;
  }

  /** The kind of thread a blocking test runs its actors on. */
  public enum Runner {
    VIRTUAL,
    PLATFORM;

    /**
     * A builder of this kind of thread. Platform actors are not daemons: the deadlock detector,
     * which watches every test class of the suite, counts only non-daemon platform threads (a
     * daemon one may wake the others unseen, and under load it did, for longer than a check).
     */
    public Thread.Builder builder() {
      return this == VIRTUAL ? Thread.ofVirtual() : Thread.ofPlatform().daemon(false);
    }

    /** Starts {@code body} on a new thread of this kind. */
    public <T> Task<T> call(Body<T> body) {
      // The outcome, not completeExceptionally: a CancellationException thrown by the body (a
      // context's err()) would otherwise read as the future's own cancellation.
      CompletableFuture<Outcome<T>> future = new CompletableFuture<>();
      Thread t =
          builder()
              .unstarted(
                  () -> {
                    try {
                      future.complete(new Outcome<>(body.call(), null));
                    } catch (Throwable e) {
                      future.complete(new Outcome<>(null, e));
                    }
                  });
      Task<T> task = new Task<>(t, future);
      t.start();
      return task;
    }

    /** Starts {@code body} on a new thread of this kind. */
    public Task<Void> run(VoidBody body) {
      return call(
          () -> {
            body.run();
            return null;
          });
    }

    /** Starts {@code body} and waits until it is parked in a Runnel wait. */
    public <T> Task<T> callBlocked(Body<T> body) {
      Task<T> task = call(body);
      awaitParked(task.thread());
      return task;
    }

    /** Starts {@code body} and waits until it is parked in a Runnel wait. */
    public Task<Void> runBlocked(VoidBody body) {
      Task<Void> task = run(body);
      awaitParked(task.thread());
      return task;
    }
  }

  private record Outcome<T>(T value, Throwable failure) {}

  /** A body running on its own thread, and its outcome. */
  public static final class Task<T> {
    private final Thread thread;
    private final CompletableFuture<Outcome<T>> future;

    Task(Thread thread, CompletableFuture<Outcome<T>> future) {
      this.thread = thread;
      this.future = future;
    }

    public Thread thread() {
      return thread;
    }

    public boolean isDone() {
      return future.isDone();
    }

    private AssertionError stillRunning() {
      return new AssertionError("task still running: " + thread + " in state " + thread.getState());
    }

    /** Waits for the body's result; rethrows what the body threw. */
    public T join() throws Exception {
      return join(PATIENCE);
    }

    /** Waits up to {@code patience} for the body's result; rethrows what the body threw. */
    public T join(Duration patience) throws Exception {
      Outcome<T> outcome;
      try {
        outcome = future.get(patience.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw stillRunning();
      }
      Throwable failure = outcome.failure();
      if (failure == null) {
        return outcome.value();
      }
      if (failure instanceof Exception x) {
        throw x;
      }
      throw new ExecutionException(failure);
    }

    /** Waits for the body to end and returns what it threw (fails the test if it returned). */
    public Throwable failure() {
      Outcome<T> outcome;
      try {
        outcome = future.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw stillRunning();
      } catch (InterruptedException | ExecutionException e) {
        throw new AssertionError(e);
      }
      if (outcome.failure() == null) {
        throw new AssertionError("expected the task to throw, but it returned " + outcome.value());
      }
      return outcome.failure();
    }
  }

  /** The Runnel waiter {@code t} is parked on, or null. */
  public static Waiter parkedWaiter(Thread t) {
    Thread.State s = t.getState();
    if (s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING) {
      return null;
    }
    return LockSupport.getBlocker(t) instanceof Waiter w && w.thread() == t ? w : null;
  }

  /**
   * Waits until {@code t} is parked on a Runnel {@link Waiter}: its wait node is then queued, so
   * the order in which threads reach this point is the order in which they queued.
   */
  public static Waiter awaitParked(Thread t) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      Waiter w = parkedWaiter(t);
      if (w != null) {
        return w;
      }
      if (!t.isAlive()) {
        fail("thread ended instead of blocking: " + t);
      }
      if (System.nanoTime() - deadline > 0) {
        fail("thread did not block: " + t + " in state " + t.getState());
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  /**
   * Waits until {@code t} is parked on a Runnel {@link Waiter} with {@code reason}: use after
   * waking a thread that must move on to another wait (a thread just woken may still show its old
   * waiter until it runs).
   */
  public static Waiter awaitParked(Thread t, WaitReason reason) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      Waiter w = parkedWaiter(t);
      if (w != null && w.reason() == reason) {
        return w;
      }
      if (!t.isAlive()) {
        fail("thread ended instead of blocking in " + reason + ": " + t);
      }
      if (System.nanoTime() - deadline > 0) {
        fail("thread did not block in " + reason + ": " + t + ", blocked on " + w);
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  /** Waits, with a bounded deadline, until {@code condition} holds. */
  public static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("timed out waiting until " + what);
      }
      LockSupport.parkNanos(100_000);
    }
  }
}
