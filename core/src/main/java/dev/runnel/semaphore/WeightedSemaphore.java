package dev.runnel.semaphore;

import dev.runnel.context.Context;
import dev.runnel.internal.CancelScope;
import dev.runnel.internal.HandOffProbe;
import dev.runnel.internal.ShortLock;
import dev.runnel.internal.WaitQueue;
import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A semaphore with a weight per acquire: Go's {@code golang.org/x/sync/semaphore.Weighted}.
 *
 * <p>{@link #acquire} takes {@code n} units of the size, waiting in FIFO order: a large request at
 * the head blocks smaller ones behind it even if they would fit (no barging), so a large request
 * is never starved. A request larger than the size waits until its context is done. {@link
 * #tryAcquire} takes units only if they are free and nobody waits. {@link #release} returns units
 * and wakes the waiters at the head that now fit.
 *
 * <table>
 *   <caption>Operations</caption>
 *   <tr><th>blocks</th><th>never blocks</th></tr>
 *   <tr><td>{@link #acquire(Context, long)}, {@link #acquire(long)}</td><td>{@link
 *       #tryAcquire(long)}</td></tr>
 * </table>
 *
 * <p>A failed or cancelled acquire leaves the semaphore as it was, and if it was at the head,
 * wakes the waiters it was blocking. A context that is done on entry fails the acquire even if
 * the units are free.
 *
 * <p>Weights are never negative, and sizes are between 0 and {@link #MAX_SIZE}: a call given
 * anything else throws {@link IllegalArgumentException} and changes nothing.
 *
 * <p>Memory consistency effects: actions before a {@code release} happen-before an acquire that
 * takes any of the units it released returns.
 *
 * <p>Go: {@code NewWeighted(n)} is the constructor, {@code Acquire(ctx, n)} throws {@code
 * ctx.err()} instead of returning it, and releasing more than held throws {@link
 * IllegalStateException} with Go's text ({@code "semaphore: released more than held"}). {@link
 * #acquire(long)} is the uncancellable form, interruptible as Java expects. Go does not check
 * weights or sizes (a negative weight there corrupts the count); here a negative weight, a
 * negative size and a size above {@link #MAX_SIZE} are refused.
 *
 * {@snippet :
 * WeightedSemaphore sem = new WeightedSemaphore(Runtime.getRuntime().availableProcessors());
 * for (Task task : tasks) {
 *   sem.acquire(ctx, 1);            // at most N tasks run at once
 *   Go.go(() -> {
 *     try { task.run(); } finally { sem.release(1); }
 *   });
 * }
 * }
 */
public final class WeightedSemaphore {

  /*
   * Implementation notes.
   *
   * Go's algorithm on Runnel's Waiter: size, cur and a FIFO queue of waiting nodes, guarded by a
   * short lock. A grant (release, or a cancelled head leaving) completes the nodes at the head that
   * fit, in order, adding their n to cur in the same critical section, and stops at the first that
   * does not fit. A waiter that gives up wins its Waiter CAS first, so no grant can complete it
   * after that; it then unlinks itself under the lock and, since it may have been the head that
   * blocked others, runs the grant loop. A node whose CAS was lost to a canceller is skipped (and
   * unlinked) by a granter that meets it first.
   * Invariant (under the lock): 0 <= cur <= size; a live node at the head does not fit.
   * Every public method refuses a negative n first, so size - cur >= n and cur - n never
   * overflow, and no n can carry cur past size or below 0 into the QUEUED bit.
   *
   * Fast path: state packs cur with a QUEUED bit, set under the lock while the queue is not empty.
   * With the bit clear, acquire, tryAcquire and release are one CAS on state, without the lock;
   * with it set, they take the lock, so every change of cur while someone waits is seen by the
   * grant loop. A goroutine that queues sets the bit and then runs the grant loop itself, which
   * covers a fast release that changed cur just before the bit was set.
   */

  /** What a granted waiter's await returns. */
  private static final Object GRANTED = new Object();

  /** Set in {@link #state} while the queue is not empty. */
  private static final long QUEUED = 1L << 62;

  /**
   * The largest size, 2^62 - 1 (the units in use share a word with a flag): for all practical
   * purposes unlimited. Go's semaphore takes any {@code int64}; a larger size is refused here.
   */
  public static final long MAX_SIZE = QUEUED - 1;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(WeightedSemaphore.class, "state", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final long size;
  private final Lock lock = new Lock();
  /** Spin-then-yield before parking while grants come quickly (ADR 0004). */
  private final HandOffProbe probe = new HandOffProbe();

  /** Units in use (cur), plus {@link #QUEUED}; changed by CAS, and only under the lock if QUEUED. */
  private volatile long state;

  /** Guarded by lock. */
  private final WaitQueue<Node> queue = new WaitQueue<>();

  /**
   * Creates a semaphore of {@code n} units, all free: Go's {@code NewWeighted(n)}.
   *
   * @param n the size, from 0 to {@link #MAX_SIZE}
   * @throws IllegalArgumentException {@code "semaphore: size out of range: N"} if {@code n} is
   *     negative or above {@link #MAX_SIZE}
   */
  public WeightedSemaphore(long n) {
    if (n < 0 || n > MAX_SIZE) {
      throw new IllegalArgumentException(
          "semaphore: size out of range: " + n + " (from 0 to 2^62 - 1, MAX_SIZE)");
    }
    this.size = n;
  }

  /**
   * Acquires {@code n} units, waiting until they are free and every earlier request is served,
   * or until {@code ctx} is done: Go's {@code Acquire(ctx, n)}.
   *
   * @param ctx the context whose cancellation ends the wait
   * @param n the weight, not negative
   * @throws IllegalArgumentException {@code "semaphore: acquire of negative weight: N"} if {@code
   *     n} is negative; the semaphore is then as it was
   * @throws java.util.concurrent.CancellationException {@code ctx.err()} if the context is done on
   *     entry or before the units were granted; the semaphore is then as it was
   * @throws InterruptedException if interrupted on entry or while waiting; the semaphore is then
   *     as it was
   */
  public void acquire(Context ctx, long n) throws InterruptedException {
    checkWeight("acquire", n);
    CancelScope scope = CancelScope.enter(ctx);
    if (acquire(n, scope) == Waiter.CONTEXT_DONE) {
      throw CancelScope.cancelled(ctx);
    }
  }

  /**
   * Acquires {@code n} units, waiting as long as it takes: {@code Acquire(context.Background(),
   * n)}. A request larger than the size never returns normally.
   *
   * @param n the weight, not negative
   * @throws IllegalArgumentException {@code "semaphore: acquire of negative weight: N"} if {@code
   *     n} is negative; the semaphore is then as it was
   * @throws InterruptedException if interrupted on entry or while waiting; the semaphore is then
   *     as it was
   */
  public void acquire(long n) throws InterruptedException {
    checkWeight("acquire", n);
    acquire(n, null);
  }

  private Object acquire(long n, CancelScope scope) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (tryFast(n)) {
      return GRANTED;
    }
    Node node;
    Node woken = null;
    lock.lock();
    try {
      if (tryLocked(n)) {
        return GRANTED;
      }
      node = new Node(this, n);
      if (n <= size) { // a larger request can never be granted: it only waits to be cancelled
        queue.add(node, false);
        setQueued(true);
        woken = grantLocked(); // a fast release may have come before QUEUED was set
      }
    } finally {
      lock.unlock();
    }
    WaitQueue.wakeAll(woken);
    Object r = probe.await(node, Long.MAX_VALUE, scope);
    if (r == GRANTED) {
      return r;
    }
    lock.lock();
    try {
      queue.remove(node);
      woken = grantLocked(); // we may have been the head that blocked the others
    } finally {
      lock.unlock();
    }
    WaitQueue.wakeAll(woken);
    if (r == Waiter.INTERRUPTED) {
      throw new InterruptedException();
    }
    return r;
  }

  /**
   * Acquires {@code n} units if they are free and nobody is waiting: Go's {@code TryAcquire(n)}.
   *
   * @param n the weight, not negative
   * @return true if acquired; false leaves the semaphore as it was
   * @throws IllegalArgumentException {@code "semaphore: tryAcquire of negative weight: N"} if
   *     {@code n} is negative; the semaphore is then as it was
   */
  public boolean tryAcquire(long n) {
    checkWeight("tryAcquire", n);
    if (tryFast(n)) {
      return true;
    }
    long s = state;
    if ((s & QUEUED) == 0 && size - s < n) {
      return false; // nobody waits and it does not fit: no need for the lock
    }
    Node woken;
    boolean acquired;
    lock.lock();
    try {
      acquired = tryLocked(n);
      woken = grantLocked(); // dropping cancelled nodes may have emptied the queue
    } finally {
      lock.unlock();
    }
    WaitQueue.wakeAll(woken);
    return acquired;
  }

  /** Takes {@code n} units by CAS while nobody is queued and they fit. */
  private boolean tryFast(long n) {
    for (long s = state; (s & QUEUED) == 0 && size - s >= n; s = state) {
      if (STATE.compareAndSet(this, s, s + n)) {
        return true;
      }
    }
    return false;
  }

  /** Lock held: takes {@code n} units if nobody live is queued and they fit. */
  private boolean tryLocked(long n) {
    if (firstLiveLocked() != null) {
      return false;
    }
    setQueued(false); // only cancelled nodes were left
    for (long s = state; size - (s & ~QUEUED) >= n; s = state) {
      if (STATE.compareAndSet(this, s, s + n)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Releases {@code n} units and wakes the waiters at the head that now fit: Go's {@code
   * Release(n)}.
   *
   * @param n the weight, not negative
   * @throws IllegalArgumentException {@code "semaphore: release of negative weight: N"} if {@code
   *     n} is negative; the semaphore is then as it was
   * @throws IllegalStateException {@code "semaphore: released more than held: release(N) with M
   *     held"} if that would make the units in use negative; the semaphore is then as it was
   */
  public void release(long n) {
    checkWeight("release", n);
    for (long s = state; (s & QUEUED) == 0; s = state) {
      if (s - n < 0) {
        throw releasedMoreThanHeld(n, s);
      }
      if (STATE.compareAndSet(this, s, s - n)) {
        return;
      }
    }
    Node woken;
    lock.lock();
    try {
      for (long s = state; ; s = state) {
        if ((s & ~QUEUED) - n < 0) {
          throw releasedMoreThanHeld(n, s & ~QUEUED);
        }
        if (STATE.compareAndSet(this, s, s - n)) {
          break;
        }
      }
      woken = grantLocked();
    } finally {
      lock.unlock();
    }
    WaitQueue.wakeAll(woken);
  }

  /** Go's text for a release of more than is held, with the numbers. */
  private static IllegalStateException releasedMoreThanHeld(long n, long held) {
    return new IllegalStateException(
        "semaphore: released more than held: release(" + n + ") with " + held + " held");
  }

  /** Refuses a negative weight, which would run the units in use backwards. */
  private static void checkWeight(String method, long n) {
    if (n < 0) {
      throw new IllegalArgumentException("semaphore: " + method + " of negative weight: " + n);
    }
  }

  /**
   * The units in use, a snapshot.
   *
   * @return the units acquired and not yet released
   */
  public long inUse() {
    return state & ~QUEUED;
  }

  /**
   * The size given at construction.
   *
   * @return the total number of units
   */
  public long size() {
    return size;
  }

  @Override
  public String toString() {
    lock.lock();
    try {
      int waiting = queue.size();
      return "WeightedSemaphore[" + inUse() + "/" + size + " in use, " + waiting + " waiting]";
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- queue, lock held

  /** Drops cancelled nodes at the head; returns the first live one, or null. */
  private Node firstLiveLocked() {
    Node h;
    while ((h = queue.first()) != null && !h.isWaiting()) {
      queue.remove(h);
    }
    return h;
  }

  /**
   * Grants the live nodes at the head that fit, in order; returns them, linked through {@code
   * next} (they are off the queue), to wake after unlocking.
   */
  private Node grantLocked() {
    Node woken = null;
    for (Node h; (h = firstLiveLocked()) != null && size - inUse() >= h.n; ) {
      queue.remove(h);
      if (h.tryComplete(GRANTED)) {
        STATE.getAndAdd(this, h.n); // QUEUED is set: no fast path changes state meanwhile
        woken = WaitQueue.chain(h, woken);
      }
    }
    if (queue.isEmpty()) {
      setQueued(false);
    }
    return woken;
  }

  /** Lock held: sets or clears {@link #QUEUED}. */
  private void setQueued(boolean queued) {
    for (long s = state; ((s & QUEUED) != 0) != queued; s = state) {
      if (STATE.compareAndSet(this, s, queued ? s | QUEUED : s & ~QUEUED)) {
        return;
      }
    }
  }

  /** The semaphore's short lock. */
  private static final class Lock extends ShortLock {}

  /** One waiting acquire. */
  private static final class Node extends WaitQueue.Node {
    private final WeightedSemaphore owner;
    private final long n;

    Node(WeightedSemaphore owner, long n) {
      this.owner = owner;
      this.n = n;
    }

    @Override
    public WaitReason reason() {
      return WaitReason.SEMACQUIRE;
    }

    @Override
    public Object waitingOn() {
      return owner;
    }
  }
}
