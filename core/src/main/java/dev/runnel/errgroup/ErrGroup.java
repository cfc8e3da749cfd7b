package dev.runnel.errgroup;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.GoFunc;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.sync.WaitGroup;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A group of goroutines working on subtasks of one task, with the first failure as the result:
 * Go's {@code golang.org/x/sync/errgroup.Group}.
 *
 * <p>{@link #go} starts a goroutine; {@link #await} waits for all of them and throws an {@link
 * ExecutionException} caused by the first exception any of them threw. A group made by {@link
 * #withContext} also cancels its {@link #context()} on that first exception (with the exception
 * as the context's cause) or when {@code await} returns, so the others can stop early. {@link
 * #setLimit} bounds how many goroutines run at once; {@code go} then waits for a free slot, and
 * {@link #tryGo} does not.
 *
 * <p>A {@link Error} thrown by a goroutine is a panic: the group records the first one, cancels its
 * context, and {@code await} rethrows it as is, after every goroutine has returned (as Go's errgroup
 * re-panics in {@code Wait}).
 *
 * <p>The zero value: {@code new ErrGroup()} has no context and no limit.
 *
 * <p>Memory consistency effects: actions in a goroutine started by {@code go} happen-before {@code
 * await} returns or throws.
 *
 * <p>Go: {@code Go}, {@code TryGo}, {@code SetLimit} and {@code Wait} (here {@code await}, which
 * throws instead of returning the error). {@code go} at the limit waits uninterruptibly, as Go's;
 * the interrupt flag stays set. Changing the limit while goroutines are active throws {@link
 * IllegalStateException} with Go's text.
 *
 * {@snippet :
 * ErrGroup g = ErrGroup.withContext(ctx);
 * for (String url : urls) {
 *   g.go(() -> fetch(g.context(), url)); // the first failure cancels the others' context
 * }
 * g.await();                           // throws ExecutionException caused by it
 * }
 */
public final class ErrGroup {

  private static final Object TOKEN = Boolean.TRUE;

  private final WaitGroup wg = new WaitGroup();
  private final CancelContext cancel; // null for the zero group
  private final AtomicReference<Exception> first = new AtomicReference<>();
  private final AtomicReference<Error> panic = new AtomicReference<>();
  /** Go's {@code sem chan token}: one buffered token per running goroutine; null: no limit. */
  private volatile Channel<Object> sem;

  /** Creates a group with no context and no limit: Go's zero {@code Group}. */
  public ErrGroup() {
    this(null);
  }

  private ErrGroup(CancelContext cancel) {
    this.cancel = cancel;
  }

  /**
   * A group whose {@link #context()} is a child of {@code parent}, cancelled by the first failure
   * or when {@link #await} returns: Go's {@code errgroup.WithContext}.
   *
   * @param parent the parent context
   * @return the group
   */
  public static ErrGroup withContext(Context parent) {
    return new ErrGroup(Context.withCancelCause(parent));
  }

  /**
   * The group's context, for its goroutines to watch.
   *
   * @return the context of {@link #withContext}, or {@link Context#background()} for a zero group
   */
  public Context context() {
    return cancel != null ? cancel : Context.background();
  }

  /**
   * Runs {@code f} in a new goroutine of the group: Go's {@code g.Go(f)}. At the limit, waits
   * (uninterruptibly) until a running goroutine returns.
   *
   * @param f the goroutine's body; an exception it throws is the group's result if it is the first
   * @throws NullPointerException if {@code f} is null (before waiting for a slot)
   */
  public void go(GoFunc f) {
    Objects.requireNonNull(f, "f");
    Channel<Object> s = sem;
    if (s != null) {
      sendUninterruptibly(s);
    }
    start(f, s);
  }

  /**
   * Runs {@code f} in a new goroutine if the limit allows it now: Go's {@code g.TryGo(f)}.
   *
   * @param f the goroutine's body
   * @return true if started, false if the group is at its limit
   * @throws NullPointerException if {@code f} is null
   */
  public boolean tryGo(GoFunc f) {
    Objects.requireNonNull(f, "f");
    Channel<Object> s = sem;
    if (s != null && !s.trySend(TOKEN)) {
      return false;
    }
    start(f, s);
    return true;
  }

  /**
   * Limits the number of goroutines running at once to {@code n}: Go's {@code g.SetLimit(n)}.
   *
   * @param n the limit; negative means no limit; zero means {@code go} waits forever and {@code
   *     tryGo} fails
   * @throws IllegalArgumentException {@code "makechan: size out of range: N"} if the VM cannot
   *     allocate the limit's slots (one reference each: Go's token channel takes no memory, so
   *     Go accepts any limit); the old limit stays in force
   * @throws IllegalStateException {@code "errgroup: modify limit while N goroutines in the group
   *     are still active (setLimit)"} if goroutines started under a limit are running
   */
  public void setLimit(int n) {
    Channel<Object> s = sem;
    if (s != null && s.size() != 0) {
      throw new IllegalStateException(
          "errgroup: modify limit while "
              + s.size()
              + " goroutines in the group are still active (setLimit)");
    }
    sem = n < 0 ? null : Channel.make(n);
  }

  /**
   * Waits until every goroutine of the group has returned, then reports the first failure: Go's
   * {@code g.Wait()}. Cancels the group's context either way.
   *
   * @throws ExecutionException caused by the first {@link Exception} a goroutine threw, unless one
   *     panicked: then the first {@link Error} is rethrown as is
   * @throws InterruptedException if interrupted while waiting; the goroutines keep running
   */
  public void await() throws InterruptedException, ExecutionException {
    wg.await();
    Error p = panic.get();
    Exception e = first.get();
    if (cancel != null) {
      cancel.cancel(p != null ? p : e);
    }
    if (p != null) {
      throw p;
    }
    if (e != null) {
      throw new ExecutionException(e);
    }
  }

  private void start(GoFunc f, Channel<Object> s) {
    wg.add(1);
    Go.go(
        () -> {
          try {
            f.run();
          } catch (Exception e) {
            if (first.compareAndSet(null, e) && cancel != null) {
              cancel.cancel(e);
            }
          } catch (Error e) {
            if (panic.compareAndSet(null, e) && cancel != null) {
              cancel.cancel(e);
            }
          } finally {
            if (s != null) {
              s.tryReceive(); // frees this goroutine's slot
            }
            wg.done();
          }
        });
  }

  private static void sendUninterruptibly(Channel<Object> s) {
    boolean interrupted = false;
    for (; ; ) {
      try {
        s.send(TOKEN);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
