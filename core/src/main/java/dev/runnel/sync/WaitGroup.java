package dev.runnel.sync;

import dev.runnel.Go;
import dev.runnel.GoFunc;
import dev.runnel.context.Context;
import dev.runnel.internal.CancelScope;
import dev.runnel.internal.Sema;
import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * Waits for a collection of goroutines to finish: Go's {@code sync.WaitGroup}.
 *
 * <p>A new {@code WaitGroup} has a counter of zero (Go's zero value). {@link #add} changes the
 * counter, {@link #done} decrements it, and {@link #await} waits until it is zero. {@link #go}
 * does all three around a new goroutine and is the form to prefer.
 *
 * <p>Rules Go states and this class checks: calls to {@code add} with a positive delta that start
 * when the counter is zero must happen before {@code await}; a group may be reused, but only after
 * every previous {@code await} has returned. Violations are reported, as Go reports them, by an
 * {@link IllegalStateException} where they are detected, with Go's text first:
 *
 * <ul>
 *   <li>{@code "sync: negative WaitGroup counter: add(-3) at 2"}: more {@code done} than {@code
 *       add} (the counter is left as it was);
 *   <li>{@code "sync: WaitGroup misuse: Add called concurrently with Wait (add, await)"};
 *   <li>{@code "sync: WaitGroup is reused before previous Wait has returned (await)"}.
 * </ul>
 *
 * <p><b>Memory consistency effects:</b> every {@code done()} (and the return of every goroutine
 * started by {@code go}) happens-before the return of the {@code await()} it releases.
 *
 * <p><b>Go:</b> {@code sync.WaitGroup}: {@code Add}, {@code Done}, {@code Wait} (here {@code
 * await}, since Java reserves {@code wait}), and Go 1.25's {@code Go}. {@code await} is
 * interruptible, which Go's {@code Wait} cannot be.
 *
 * {@snippet :
 * WaitGroup wg = new WaitGroup();
 * for (String url : urls) {
 *   wg.go(() -> fetch(url));
 * }
 * wg.await(); // every fetch has returned
 * }
 */
public final class WaitGroup {

  /** Go's text for an add that starts a round while an await may still see the last. */
  private static final String ADD_DURING_WAIT =
      "sync: WaitGroup misuse: Add called concurrently with Wait (add, await)";

  /*
   * Implementation notes (Go's algorithm).
   *
   * state: the counter in the high 32 bits, the number of registered waiters in the low 32. A
   * waiter registers (CAS waiters + 1) only while the counter is positive, then takes a permit
   * from sema. The add that brings the counter to zero with waiters registered is the only writer
   * at that point (any other change is misuse, detected by re-reading state): it resets state to
   * zero and grants one permit per waiter, as one step under sema's lock. A waiter that is
   * interrupted decides under the same lock (unregister): if the reset has not happened and the
   * counter is positive, it leaves the waiter count; if the reset happened, a granter skipped its
   * node and it takes the spare permit; if the counter is zero but the reset has not happened yet,
   * it waits for its permit. In the last two cases await returns normally, flag set.
   */

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(WaitGroup.class, "state", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile long state;
  private final Sema sema = new Sema(WaitReason.WAIT_GROUP, this, this::unregister);

  /** Creates a wait group with a counter of zero. */
  public WaitGroup() {}

  /**
   * Adds {@code delta}, which may be negative, to the counter. When the counter becomes zero,
   * every goroutine blocked in {@link #await} is released.
   *
   * @param delta the change
   * @throws IllegalStateException {@code "sync: negative WaitGroup counter"} if the counter would
   *     become negative (it is left as it was), or with a misuse text (see the class description)
   */
  public void add(int delta) {
    long s;
    long old;
    do {
      old = state;
      s = old + ((long) delta << 32);
      if ((s >> 32) < 0) {
        throw new IllegalStateException(
            "sync: negative WaitGroup counter: "
                + (delta == -1 ? "done() or add(-1)" : "add(" + delta + ")")
                + " at "
                + (old >> 32));
      }
    } while (!STATE.compareAndSet(this, old, s));
    long added = s;
    int v = (int) (s >> 32);
    int w = (int) s;
    if (w != 0 && delta > 0 && v == delta) {
      throw new IllegalStateException(ADD_DURING_WAIT);
    }
    if (v > 0 || w == 0) {
      return;
    }
    // The counter is 0 with waiters: nothing else may change state now. Checked under sema's
    // lock, where an interrupted waiter's unregister also runs.
    sema.release(
        w,
        () -> {
          if (state != added) {
            throw new IllegalStateException(ADD_DURING_WAIT);
          }
          state = 0;
        });
  }

  /** Decrements the counter by one: {@code add(-1)}. */
  public void done() {
    add(-1);
  }

  /**
   * Waits until the counter is zero: Go's {@code Wait}. Returns at once if it is zero now.
   *
   * @throws InterruptedException if interrupted on entry or while waiting (the group is then as
   *     if this call never happened)
   * @throws IllegalStateException {@code "sync: WaitGroup is reused before previous Wait has
   *     returned"} if {@code add} started a new round before this wait was released
   */
  public void await() throws InterruptedException {
    await(null, null);
  }

  /**
   * As {@link #await()}, also ending when {@code ctx} is done: Go's {@code select} on a channel
   * closed after {@code wg.Wait()} and on {@code ctx.Done()}, without the extra goroutine.
   *
   * @param ctx the context whose cancellation ends the wait
   * @throws java.util.concurrent.CancellationException {@code ctx.err()} if the context is or
   *     becomes done first (the group is then as if this call never happened)
   * @throws InterruptedException as for {@link #await()}
   * @throws IllegalStateException as for {@link #await()}
   */
  public void await(Context ctx) throws InterruptedException {
    await(ctx, CancelScope.enter(ctx));
  }

  private void await(Context ctx, CancelScope scope) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    for (long s = state; (s >> 32) != 0; s = state) {
      if (STATE.compareAndSet(this, s, s + 1)) {
        Object r = sema.acquire(false, Long.MAX_VALUE, true, scope);
        if (r == Waiter.INTERRUPTED) {
          throw new InterruptedException();
        }
        if (r == Waiter.CONTEXT_DONE || (scope != null && ctx.err() != null)) {
          throw CancelScope.cancelled(ctx); // a release after the cancellation does not count
        }
        if (state != 0) {
          throw new IllegalStateException(
              "sync: WaitGroup is reused before previous Wait has returned (await)");
        }
        return;
      }
    }
  }

  /**
   * Runs {@code f} in a new goroutine and counts it in: Go 1.25's {@code wg.Go(f)}. Adds one
   * before starting it and calls {@link #done} when {@code f} returns or throws; an exception from
   * {@code f} is a panic, reported as {@link Go#go} reports it.
   *
   * @param f the goroutine's body
   * @throws NullPointerException if {@code f} is null (nothing is counted in)
   */
  public void go(GoFunc f) {
    Objects.requireNonNull(f, "f");
    add(1);
    Go.go(
        () -> {
          try {
            f.run();
          } finally {
            done();
          }
        });
  }

  /**
   * The counter, for metrics and tests.
   *
   * @return the counter, a snapshot
   */
  public int count() {
    return (int) (state >> 32);
  }

  /**
   * Sema's onCancel, under its lock, after an interrupted wait: leaves the waiter count while the
   * counter is positive. Once the counter is zero, the add that made it zero is releasing this
   * waiter (its reset and grants run under the same lock) and re-reads state to detect misuse, so
   * state must not change: false, and the waiter takes its permit.
   */
  private boolean unregister() {
    for (long s = state; (s >> 32) != 0; s = state) {
      if (STATE.compareAndSet(this, s, s - 1)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    long s = state;
    return "WaitGroup[count=" + (s >> 32) + ", waiters=" + (int) s + "]";
  }
}
