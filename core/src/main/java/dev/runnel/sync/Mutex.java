package dev.runnel.sync;

import dev.runnel.context.Context;
import dev.runnel.internal.CancelScope;
import dev.runnel.internal.LockTracker;
import dev.runnel.internal.Sema;
import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * A mutual exclusion lock with Go's fairness: Go's {@code sync.Mutex}.
 *
 * <p>A new {@code Mutex} is unlocked (Go's zero value). It is not reentrant: a goroutine that
 * locks a mutex it holds waits forever. It is not owned: any goroutine may unlock it, so one may
 * lock and hand the unlocking to another. Unlocking an unlocked mutex throws {@link
 * IllegalMonitorStateException} with Go's text {@code "sync: unlock of unlocked mutex"}. Use {@link
 * ReentrantMutex} where a lock must know its owner.
 *
 * <table class="striped">
 *   <caption>Acquiring</caption>
 *   <thead><tr><th>method</th><th>blocks</th><th>on interrupt</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@link #lock()}</td><td>until acquired</td><td>keeps waiting; returns with the
 *         flag set</td></tr>
 *     <tr><td>{@link #tryLock()}</td><td>never</td><td>-</td></tr>
 *     <tr><td>{@link #lock(Duration)}</td><td>up to the timeout</td><td>throws
 *         {@link InterruptedException}</td></tr>
 *   </tbody>
 * </table>
 *
 * <p><b>Fairness.</b> In normal mode, waiters queue in FIFO order, but a woken waiter competes
 * with goroutines that are running and arriving at {@code lock()}, and usually loses to them (they
 * are already on a CPU); it then goes back to the head of the queue. This barging keeps throughput
 * high. A waiter that fails to get the lock for more than 1 ms switches the mutex to starvation
 * mode: {@code unlock} hands the lock straight to the first waiter, and newcomers neither try to
 * take it nor spin but queue at the tail. The mutex returns to normal mode when a waiter that
 * receives the lock is the last one, or waited less than 1 ms. Running goroutines spin briefly
 * (a bounded few microseconds, and only in normal mode, on a multicore machine) before they park.
 *
 * <p><b>Memory consistency effects:</b> the n-th {@code unlock()} happens-before the (n+1)-th
 * lock returns (by {@code lock}, a successful {@code tryLock} or {@code lock(Duration)}), as Go's
 * memory model states for {@code sync.Mutex}.
 *
 * <p><b>Go:</b> {@code sync.Mutex} with {@code Lock}, {@code Unlock} and {@code TryLock}, and the
 * same algorithm. Differences: {@code lock} and {@code unlock} stay on their one-CAS fast paths
 * while goroutines wait (Go's take the slow path then, which lets spinners steal the lock from a
 * running holder far more often); {@code lock(Duration)}, which Go lacks; misuse throws an
 * exception instead of a fatal error, and leaves the mutex as it was; the introspection methods
 * ({@link #waiters()}, {@link #isLocked()}, {@link #isStarving()}, {@link #isWoken()}) are what Go
 * programs read from the state word with unsafe pointer arithmetic, and are for metrics and tests
 * only.
 *
 * {@snippet :
 * Mutex mu = new Mutex();
 * mu.lock();
 * try {
 *   balance += amount;
 * } finally {
 *   mu.unlock();
 * }
 * // or, with the same effect:
 * try (var held = mu.hold()) {
 *   balance += amount;
 * }
 * }
 */
public final class Mutex implements Locker {

  /*
   * Implementation notes.
   *
   * state, one int changed only by CAS or atomic add:
   *   bit 0 LOCKED    the mutex is held (in starvation mode, also clear while the lock is being
   *                   handed to a waiter, which then sets it).
   *   bit 1 WOKEN     a waiter has been woken (or a spinner announced itself) and will try to
   *                   lock: unlock need not wake another. Cleared by that goroutine's next CAS.
   *   bit 2 STARVING  starvation mode. Set only by a waiter that waited more than 1 ms; cleared by
   *                   the waiter that receives the lock as the last waiter or after a short wait,
   *                   or when the last waiter gives up (onCancel).
   *   bits 3..31      the number of registered waiters: goroutines that counted themselves in and
   *                   will take (or have taken) a permit from sema.
   *
   * sema: the waiters park on a Sema (the shared queue; created on first contention, since most
   * mutexes never see any). Balance: registered waiters == queued + about-to-queue - spare
   * permits. In normal mode, unlock removes one waiter from the count, sets WOKEN and grants one
   * permit, as one step under the sema's lock (wakeOne), so that a waiter that gives up (timeout,
   * interrupt) and removes itself under the same lock can never be counted out twice. In
   * starvation mode unlock grants a permit without touching the count: the receiver owns the lock
   * and fixes the state in one atomic add (LOCKED, minus itself, maybe minus STARVING).
   *
   * Fast paths: lock and unlock read the word and CAS from what they read, so that registered
   * waiters or WOKEN do not cost a running goroutine a failed CAS and a trip through the slow
   * path. Go's fast paths (a CAS from 0, an atomic add) do pay it, and it matters: measured with 8
   * goroutines on 2 carriers, it kept the mutex unlocked long enough between a holder's unlock and
   * its next lock that spinners on the other carrier took the lock every 20-40 operations instead
   * of every 500-800, each time trading the word's cache line between the cores, at half the
   * throughput.
   *
   * Linearization points: lock at the CAS that sets LOCKED (or the handoff add); unlock at the
   * CAS that clears LOCKED; tryLock at its CAS, or at the read that saw LOCKED or STARVING.
   *
   * The tempting simplification, parking each waiter until the lock is free and then letting all
   * compete (or never barging), gives either starvation or convoys; Go's two modes are the point.
   */

  private static final int LOCKED = 1;
  private static final int WOKEN = 2;
  private static final int STARVING = 4;
  private static final int WAITER_SHIFT = 3;
  private static final int ONE_WAITER = 1 << WAITER_SHIFT;

  /**
   * Go's starvationThresholdNs: a waiter that waited longer than this switches the mutex to
   * starvation mode. 1 ms is long enough that a brief burst of barging does not flip the mode,
   * short enough that no waiter's latency grows beyond a few hold times.
   */
  private static final long STARVATION_THRESHOLD_NANOS = 1_000_000;

  /**
   * Spinning: at most SPIN_ROUNDS rounds of SPIN_WAITS onSpinWait each (a few microseconds), only
   * on a multicore machine and while the mutex is locked in normal mode, as Go's
   * sync_runtime_canSpin.
   * The holder of a mutex runs on another carrier (a virtual thread is not preempted), so a short
   * critical section usually ends within the spin.
   */
  private static final int SPIN_ROUNDS =
      Runtime.getRuntime().availableProcessors() > 1
          ? Integer.getInteger("dev.runnel.mutexSpinRounds", 4)
          : 0;

  private static final int SPIN_WAITS = Integer.getInteger("dev.runnel.mutexSpinWaits", 30);

  private static final VarHandle STATE;
  private static final VarHandle SEMA;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      STATE = l.findVarHandle(Mutex.class, "state", int.class);
      SEMA = l.findVarHandle(Mutex.class, "sema", Sema.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile int state;
  private volatile Sema sema;
  /** Part of an RWMutex: not seen by lock tracking, which tracks the RWMutex. */
  private final boolean inner;

  /** Creates an unlocked mutex. */
  public Mutex() {
    this.inner = false;
  }

  /**
   * A mutex inside another lock, whose waiters report {@code reason} and {@code owner} in goroutine
   * dumps; lock tracking sees the outer lock, not this one.
   */
  Mutex(WaitReason reason, Object owner) {
    this.sema = new Sema(reason, owner, this::removeWaiter);
    this.inner = true;
  }

  /**
   * Locks the mutex, waiting as long as it takes. Uninterruptible like Go's {@code Lock} and
   * {@link java.util.concurrent.locks.ReentrantLock#lock()}: an interrupt does not end the wait
   * and stays set.
   */
  @Override
  public void lock() {
    if (LockTracker.on && !inner) {
      LockTracker.lock(this, this::lockUntracked);
      return;
    }
    lockUntracked();
  }

  private void lockUntracked() {
    if (!lockIfFree()) {
      lockSlow(Long.MAX_VALUE, false, null);
    }
  }

  /**
   * Locks the mutex if that is possible right now: Go's {@code TryLock}. Fails while the mutex is
   * locked or in starvation mode (the lock then belongs to the first waiter).
   *
   * @return true if the mutex is now locked by this call
   */
  public boolean tryLock() {
    if (!lockIfFree()) {
      return false;
    }
    if (LockTracker.on && !inner) {
      LockTracker.acquired(this);
    }
    return true;
  }

  /**
   * Sets LOCKED if the mutex is neither locked nor starving, whatever the waiter count and WOKEN
   * say: {@code tryLock}, and {@code lock}'s fast path.
   */
  private boolean lockIfFree() {
    for (int s; ((s = state) & (LOCKED | STARVING)) == 0; ) {
      if (STATE.compareAndSet(this, s, s | LOCKED)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Locks the mutex, waiting at most {@code timeout}: a lock with a timeout, which Go's {@code
   * Mutex} lacks.
   *
   * @param timeout how long to wait at most; zero or negative tries once
   * @return true if locked, false if the timeout passed first (the mutex is then as if this call
   *     never happened)
   * @throws InterruptedException if interrupted on entry or while waiting; the mutex is then as if
   *     this call never happened
   */
  public boolean lock(Duration timeout) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (tryLock()) {
      return true;
    }
    long deadline = Waiter.deadlineAfter(timeout);
    if (deadline == 0) {
      return false;
    }
    beforeLockTracked();
    Object r = lockSlow(deadline, true, null);
    if (r == Waiter.INTERRUPTED) {
      throw new InterruptedException();
    }
    if (r == Sema.GRANTED) {
      acquiredTracked();
    }
    return r == Sema.GRANTED;
  }

  /**
   * Locks the mutex, waiting until it is free or {@code ctx} is done: a lock that gives up with
   * the request it serves.
   *
   * @param ctx the context whose cancellation ends the wait
   * @throws java.util.concurrent.CancellationException {@code ctx.err()} if the context is done on
   *     entry or while waiting; the mutex is then as if this call never happened
   * @throws InterruptedException if interrupted on entry or while waiting; the mutex is then as if
   *     this call never happened
   */
  public void lock(Context ctx) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    CancelScope scope = CancelScope.enter(ctx);
    if (tryLock()) {
      return;
    }
    beforeLockTracked();
    Object r = lockSlow(Long.MAX_VALUE, true, scope);
    if (r == Waiter.INTERRUPTED) {
      throw new InterruptedException();
    }
    if (r == Waiter.CONTEXT_DONE || (scope != null && ctx.err() != null)) {
      // Also when the lock came after the cancellation (a permit the cancelled waiter found
      // spare): give it back, as x/sync's semaphore does, so a cancel that returned always wins.
      if (r == Sema.GRANTED) {
        unlock();
      }
      throw CancelScope.cancelled(ctx);
    }
    acquiredTracked();
  }

  private void beforeLockTracked() {
    if (LockTracker.on && !inner) {
      LockTracker.beforeLock(this);
    }
  }

  private void acquiredTracked() {
    if (LockTracker.on && !inner) {
      LockTracker.acquired(this);
    }
  }

  /**
   * Unlocks the mutex. Any goroutine may unlock a locked mutex.
   *
   * @throws IllegalMonitorStateException {@code "sync: unlock of unlocked mutex"} if it is not
   *     locked
   */
  @Override
  public void unlock() {
    if (LockTracker.on && !inner) {
      LockTracker.released(this);
    }
    int old = state;
    for (int witness; ; old = witness) {
      if ((old & LOCKED) == 0) {
        throw new IllegalMonitorStateException("sync: unlock of unlocked mutex");
      }
      witness = (int) STATE.compareAndExchange(this, old, old & ~LOCKED);
      if (witness == old) {
        break;
      }
    }
    if (old != LOCKED) {
      unlockSlow(old & ~LOCKED);
    }
  }

  /**
   * Number of goroutines registered as waiting for the mutex (queued, or about to queue).
   *
   * @return the waiter count, a snapshot
   */
  public int waiters() {
    return state >>> WAITER_SHIFT;
  }

  /**
   * Whether the mutex is locked. In starvation mode, also false for the moment between an unlock
   * and the first waiter taking the lock it was handed.
   *
   * @return true if locked, a snapshot
   */
  public boolean isLocked() {
    return (state & LOCKED) != 0;
  }

  /**
   * Whether the mutex is in starvation mode (unlock hands it to the first waiter).
   *
   * @return true in starvation mode, a snapshot
   */
  public boolean isStarving() {
    return (state & STARVING) != 0;
  }

  /**
   * Whether a woken waiter (or a spinning goroutine) is about to try to lock.
   *
   * @return the woken flag, a snapshot
   */
  public boolean isWoken() {
    return (state & WOKEN) != 0;
  }

  /** Describes the state, for logs and goroutine dumps: {@code Mutex[locked, waiters=2]}. */
  @Override
  public String toString() {
    int s = state;
    return "Mutex["
        + ((s & LOCKED) != 0 ? "locked" : "unlocked")
        + ((s & STARVING) != 0 ? ", starving" : "")
        + ((s & WOKEN) != 0 ? ", woken" : "")
        + ", waiters="
        + (s >>> WAITER_SHIFT)
        + "]";
  }

  // ---------------------------------------------------------------- algorithm

  /**
   * Go's lockSlow. Returns Sema.GRANTED once locked, else INTERRUPTED, TIMED_OUT or CONTEXT_DONE.
   */
  private Object lockSlow(long deadline, boolean interruptible, CancelScope scope) {
    long waitStart = 0;
    boolean starving = false;
    boolean awoke = false;
    int spins = 0;
    int old = state;
    for (; ; ) {
      if ((old & (LOCKED | STARVING)) == LOCKED && spins < SPIN_ROUNDS) {
        // Announce ourselves so that unlock does not wake a sleeper who would only lose to us.
        if (!awoke
            && (old & WOKEN) == 0
            && (old >>> WAITER_SHIFT) != 0
            && STATE.compareAndSet(this, old, old | WOKEN)) {
          awoke = true;
        }
        for (int i = SPIN_WAITS; i > 0; i--) {
          Thread.onSpinWait();
        }
        spins++;
        old = state;
        continue;
      }
      int next = old;
      if ((old & STARVING) == 0) {
        next |= LOCKED; // never take a starving mutex: it belongs to the first waiter
      }
      if ((old & (LOCKED | STARVING)) != 0) {
        next += ONE_WAITER;
      }
      if (starving && (old & LOCKED) != 0) {
        next |= STARVING; // an unlocked mutex has no one to starve us; Go does the same
      }
      if (awoke) {
        next &= ~WOKEN;
      }
      if (!STATE.compareAndSet(this, old, next)) {
        old = state;
        continue;
      }
      if ((old & (LOCKED | STARVING)) == 0) {
        return Sema.GRANTED;
      }
      boolean requeue = waitStart != 0;
      if (!requeue) {
        waitStart = System.nanoTime();
      }
      Object r = sema().acquire(requeue, deadline, interruptible, scope);
      if (r != Sema.GRANTED) {
        return r; // removeWaiter took us out of the count
      }
      starving = starving || System.nanoTime() - waitStart > STARVATION_THRESHOLD_NANOS;
      old = state;
      if ((old & STARVING) != 0) {
        // Handed off: the lock is ours, with LOCKED clear and us still counted. A CAS, not Go's
        // add: a cancelled waiter may leave the count meanwhile, and if we are then the last
        // waiter, starvation mode must end here or it would outlive every waiter.
        for (; ; old = state) {
          int handed = old + LOCKED - ONE_WAITER;
          if (!starving || (old >>> WAITER_SHIFT) == 1) {
            handed &= ~STARVING; // the last waiter or a short wait: back to normal mode
          }
          if (STATE.compareAndSet(this, old, handed)) {
            return Sema.GRANTED;
          }
        }
      }
      awoke = true;
      spins = 0;
    }
  }

  private void unlockSlow(int next) {
    if ((next & STARVING) != 0) {
      sema().release(); // hand off to the first waiter
    } else if (shouldWake(next)) {
      wakeOne();
    }
  }

  /** In normal mode, whether unlock must wake a waiter: there is one and nobody else will act. */
  private static boolean shouldWake(int s) {
    return (s >>> WAITER_SHIFT) != 0 && (s & (LOCKED | WOKEN | STARVING)) == 0;
  }

  /** Counts one waiter out, sets WOKEN and grants it a permit, as one step under the sema lock. */
  private void wakeOne() {
    Sema q = sema();
    Waiter w = null;
    q.lock();
    try {
      for (int s = state; shouldWake(s); s = state) {
        if (STATE.compareAndSet(this, s, (s - ONE_WAITER) | WOKEN)) {
          w = q.grantLocked();
          break;
        }
      }
    } finally {
      q.unlock();
    }
    if (w != null) {
      w.wake();
    }
  }

  /** Sema's onCancel, under its lock: a waiter gave up without a permit. */
  private boolean removeWaiter() {
    for (; ; ) {
      int s = state;
      int next = s - ONE_WAITER;
      if ((next >>> WAITER_SHIFT) == 0) {
        next &= ~STARVING; // nobody is left to hand the lock to
      }
      if (STATE.compareAndSet(this, s, next)) {
        return true;
      }
    }
  }

  private Sema sema() {
    Sema q = sema;
    if (q == null) {
      q = new Sema(WaitReason.MUTEX_LOCK, this, this::removeWaiter);
      if (!SEMA.compareAndSet(this, null, q)) {
        q = sema;
      }
    }
    return q;
  }
}
