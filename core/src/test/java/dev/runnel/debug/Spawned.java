package dev.runnel.debug;

import static org.assertj.core.api.Assertions.fail;

import dev.runnel.Go;
import dev.runnel.GoFunc;
import dev.runnel.testkit.Threads;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A goroutine started with {@code Go.go} for a dump test: knows its thread and id, waits until the
 * dump shows it in a given state, and joins it (its end, and its leaving the registry).
 */
final class Spawned {

  private final CompletableFuture<Thread> thread = new CompletableFuture<>();
  private final CompletableFuture<Long> id = new CompletableFuture<>();
  private final CompletableFuture<Throwable> end = new CompletableFuture<>();

  private Spawned() {}

  /** Starts {@code body} in a new goroutine; what it throws is kept for {@link #failure()}. */
  static Spawned go(GoFunc body) {
    Spawned s = new Spawned();
    Go.go(
        () -> {
          s.id.complete(Go.goroutineId());
          s.thread.complete(Thread.currentThread());
          try {
            body.run();
            s.end.complete(null);
          } catch (Throwable t) {
            s.end.complete(t);
          }
        });
    return s;
  }

  Thread thread() {
    return get(thread, "the goroutine's start");
  }

  long id() {
    return get(id, "the goroutine's start");
  }

  /** This goroutine in a fresh dump, or null if the dump does not list it. */
  GoroutineInfo info() {
    return find(GoroutineDump.takeStartedAfter(id() - 1), id());
  }

  /** This goroutine in {@code dump}, or null. */
  static GoroutineInfo find(GoroutineDump dump, long id) {
    for (GoroutineInfo g : dump.goroutines()) {
      if (g.id() == id) {
        return g;
      }
    }
    return null;
  }

  /**
   * Polls the dump (bounded) until it shows the goroutine with id {@code id} in {@code state}, for
   * goroutines a test starts with {@code Go.go} itself; returns that entry.
   */
  static GoroutineInfo awaitState(long id, String state) {
    long deadline = System.nanoTime() + Threads.PATIENCE.toNanos();
    while (true) {
      GoroutineInfo last = find(GoroutineDump.takeStartedAfter(id - 1), id);
      if (last != null && last.state().equals(state)) {
        return last;
      }
      if (System.nanoTime() - deadline > 0) {
        fail("goroutine %d never showed state %s; last:%n%s", id, state, last);
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  /** Polls the dump until it shows this goroutine in {@code state}; returns that entry. */
  GoroutineInfo awaitState(String state) {
    return await("state " + state, g -> g.state().equals(state));
  }

  /** Polls the dump (bounded by {@link Threads#PATIENCE}) until this goroutine's entry matches. */
  GoroutineInfo await(String what, Predicate<GoroutineInfo> condition) {
    long deadline = System.nanoTime() + Threads.PATIENCE.toNanos();
    GoroutineInfo last;
    while (true) {
      last = info();
      if (last != null && condition.test(last)) {
        return last;
      }
      if (end.isDone()) {
        fail("goroutine %d ended (%s) before its dump showed %s; last: %s",
            id(), end.getNow(null), what, last);
      }
      if (System.nanoTime() - deadline > 0) {
        fail("goroutine %d never showed %s; last:%n%s", id(), what, last);
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  /** Waits until the body returned normally and the goroutine left the registry. */
  void join() {
    Throwable t = get(end, "the goroutine's end");
    if (t != null) {
      throw new AssertionError("goroutine " + id() + " threw", t);
    }
    awaitGone();
  }

  /** Waits until the body threw, and the goroutine left the registry; returns what it threw. */
  Throwable failure() {
    Throwable t = get(end, "the goroutine's end");
    if (t == null) {
      fail("goroutine %d returned instead of throwing", id());
    }
    awaitGone();
    return t;
  }

  /** Whether the body has ended. */
  boolean isDone() {
    return end.isDone();
  }

  private void awaitGone() {
    long me = id();
    Threads.eventually(
        "goroutine " + me + " leaves the registry",
        () -> find(GoroutineDump.takeStartedAfter(me - 1), me) == null);
  }

  private static <T> T get(CompletableFuture<T> f, String what) {
    try {
      return f.get(Threads.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("timed out waiting for " + what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    } catch (ExecutionException e) {
      throw new AssertionError(e);
    }
  }
}
