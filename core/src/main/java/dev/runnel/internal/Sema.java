package dev.runnel.internal;

import java.util.function.BooleanSupplier;

/**
 * A wait queue of {@link Waiter}s with a permit count: Go's runtime semaphore ({@code
 * runtime/sema.go}), which Go's {@code sync} types are built on, and in its permit-free use Go's
 * notify list (the queue behind {@code sync.Cond}).
 *
 * <p>As a semaphore, {@link #acquire} takes a permit or waits for one and {@link #release} gives one
 * to the first waiter or, if none waits, keeps it for the next acquire. As a notify list, {@link
 * #enqueue} queues the current goroutine before it releases a user lock, {@link #await} parks it,
 * and {@link #signal}/{@link #broadcast} wake the waiters queued at that moment, with no permit
 * left over when none waits.
 *
 * <p>The owner of a semaphore usually keeps its own count of registered waiters in a state word (a
 * mutex's waiter count), changed by CAS outside this lock. Two hooks keep that count exact when a
 * waiter gives up: the owner's release pairs its count change with the grant under this lock
 * ({@link #lock()} and {@link #grantLocked()}, or {@link #release(int, Runnable)}), and the {@code
 * onCancel} hook runs under this lock when a waiter leaves without a permit.
 */
public final class Sema {

  /*
   * Implementation notes.
   *
   * One ShortLock, held by composition (a Sema is not a lock: its acquire and release are the
   * semaphore's), guards the queue, permits and the links of every node. Critical sections are a few field writes; no user code and no park runs under it.
   *
   * Nodes are queued FIFO (or at the head for a lifo acquire, Go's re-queued mutex waiter). A node
   * is completed (Waiter.tryComplete) only under the lock and only while linked; it is unlinked in
   * the same critical section. A waiter that cancels (interrupt or timeout) wins its CAS outside the
   * lock, so a granter may still find it linked: the granter skips and unlinks it. The cancelling
   * goroutine then takes the lock and, in cleanupAfterCancel:
   *   - unlinks its node if nobody did;
   *   - takes a spare permit if there is one, and reports the acquire as granted. A permit can only
   *     be spare while a cancelled node is queued if a granter skipped that node; taking it keeps
   *     the owner's "registered waiters minus permits" balance exact, as if the grant had won;
   *   - otherwise runs onCancel, which removes the waiter from the owner's count, or answers that
   *     it cannot: the owner has already decided to release it (a wait group whose counter
   *     reached zero) and a permit is on its way. The goroutine then queues again at the head
   *     and waits for that permit without a timeout or interrupt, a short wait.
   * Invariant: while a live (uncancelled, uncompleted) node is queued, permits == 0.
   */

  /** What {@link #acquire} and {@link #await} return when the goroutine got what it waited for. */
  public static final Object GRANTED = new Object();

  /** Installed by {@link #withdraw} in a node taken back before it was awaited; read by nobody. */
  private static final Object WITHDRAWN = new Object();

  /**
   * Installed by {@link #broadcast} instead of {@link #GRANTED}, so that {@link #withdraw} can
   * tell a broadcast (which reached every waiter anyway) from a signal (which must be passed on);
   * {@link #await} reports it as {@link #GRANTED}.
   */
  private static final Object BROADCAST = new Object();

  private final WaitReason reason;
  private final Object owner;
  private final BooleanSupplier onCancel;

  private final ShortLock lock = new ShortLock();
  private final WaitQueue<SemaWait> queue = new WaitQueue<>();
  private int permits;

  /**
   * Creates an empty queue with no permits.
   *
   * @param reason the wait reason waiters report
   * @param owner what waiters wait on (the mutex, the wait group), for goroutine dumps
   * @param onCancel runs under this queue's lock when an {@link #acquire} gives up without a
   *     permit, and removes the waiter from the owner's count: true if it did, false if a permit
   *     is already promised to it (then the acquire waits for it); null for nothing
   */
  public Sema(WaitReason reason, Object owner, BooleanSupplier onCancel) {
    this.reason = reason;
    this.owner = owner;
    this.onCancel = onCancel;
  }

  /**
   * Takes this queue's lock: for an owner that pairs its count change with {@link #grantLocked}.
   */
  public void lock() {
    lock.lock();
  }

  /** Releases this queue's lock. */
  public void unlock() {
    lock.unlock();
  }

  /** The wait reason its waiters report. */
  WaitReason reason() {
    return reason;
  }

  /** What its waiters wait on. */
  Object owner() {
    return owner;
  }

  // ---------------------------------------------------------------- semaphore

  /**
   * Takes a permit, waiting for one if there is none: Go's {@code semacquire}.
   *
   * @param lifo queue at the head instead of the tail (a waiter that was woken and lost its race)
   * @param deadline a {@link System#nanoTime()} deadline, or {@code Long.MAX_VALUE}
   * @param interruptible whether an interrupt ends the wait
   * @return {@link #GRANTED}, or {@link Waiter#INTERRUPTED} (flag cleared) or {@link
   *     Waiter#TIMED_OUT} after {@code onCancel} ran. A permit that arrives together with an
   *     interrupt wins, and the flag stays set.
   */
  public Object acquire(boolean lifo, long deadline, boolean interruptible) {
    return acquire(lifo, deadline, interruptible, null);
  }

  /**
   * As {@link #acquire(boolean, long, boolean)}, also ending when {@code scope} is cancelled.
   *
   * @param lifo as for {@link #acquire(boolean, long, boolean)}
   * @param deadline as for {@link #acquire(boolean, long, boolean)}
   * @param interruptible as for {@link #acquire(boolean, long, boolean)}
   * @param scope a context's scope, or null
   * @return as for {@link #acquire(boolean, long, boolean)}, or {@link Waiter#CONTEXT_DONE}
   *     after {@code onCancel} ran
   */
  public Object acquire(boolean lifo, long deadline, boolean interruptible, CancelScope scope) {
    SemaWait node;
    lock();
    try {
      if (permits > 0) {
        permits--;
        return GRANTED;
      }
      node = link(lifo);
    } finally {
      unlock();
    }
    Object r = node.await(deadline, interruptible, scope);
    if (r == GRANTED) {
      return r;
    }
    SemaWait promised = cleanupAfterCancel(node);
    if (promised == null) {
      return r;
    }
    if (promised != node) {
      promised.await(Long.MAX_VALUE, false);
    }
    if (r == Waiter.INTERRUPTED) {
      Thread.currentThread().interrupt();
    }
    return GRANTED;
  }

  /** Gives a permit to the first waiter, or keeps it if none waits: Go's {@code semrelease}. */
  public void release() {
    Waiter w;
    lock();
    try {
      w = grantLocked();
    } finally {
      unlock();
    }
    if (w != null) {
      w.wake();
    }
  }

  /**
   * Runs {@code update} and then gives {@code n} permits, as one step under the lock, so that no
   * cancelling waiter sees the owner's state after {@code update} but before the grants: the
   * first {@code n} waiters get one each, and permits are kept for whoever comes next if fewer
   * wait.
   *
   * @param n the number of permits
   * @param update the owner's state change (no blocking, no user code), or null; if it throws, no
   *     permit is given and the exception propagates
   */
  public void release(int n, Runnable update) {
    SemaWait woken;
    lock();
    try {
      if (update != null) {
        update.run();
      }
      woken = completeLocked(n, GRANTED);
      permits += n - WaitQueue.length(woken);
    } finally {
      unlock();
    }
    WaitQueue.wakeAll(woken);
  }

  /**
   * Under the lock: completes the first live waiter with {@link #GRANTED}, or adds a permit.
   *
   * @return the waiter to {@link Waiter#wake()} after unlocking, or null
   */
  public Waiter grantLocked() {
    SemaWait n = completeFirstLocked();
    if (n == null) {
      permits++;
    }
    return n;
  }

  /**
   * Under the lock: whether any goroutine is queued (live or cancelling).
   *
   * @return true if the queue is not empty
   */
  public boolean hasQueuedLocked() {
    return !queue.isEmpty();
  }

  // ---------------------------------------------------------------- notify list

  /**
   * Queues the current goroutine at the tail, to {@link #await} after releasing a user lock.
   *
   * @return the node to pass to {@link #await}
   */
  public SemaWait enqueue() {
    lock();
    try {
      return link(false);
    } finally {
      unlock();
    }
  }

  /**
   * Waits until {@code node} is signalled.
   *
   * @param node what {@link #enqueue} returned, on this goroutine
   * @param deadline as for {@link #acquire}
   * @param interruptible as for {@link #acquire}
   * @param scope a context's scope, or null
   * @return {@link #GRANTED}, {@link Waiter#INTERRUPTED}, {@link Waiter#TIMED_OUT} or {@link
   *     Waiter#CONTEXT_DONE}; a node
   *     that gave up is no longer queued and no signal was spent on it
   */
  public Object await(SemaWait node, long deadline, boolean interruptible, CancelScope scope) {
    Object r = node.await(deadline, interruptible, scope);
    if (r == BROADCAST) {
      return GRANTED;
    }
    if (r != GRANTED) {
      lock();
      try {
        queue.remove(node);
      } finally {
        unlock();
      }
    }
    return r;
  }

  /**
   * Takes {@code node} back before its goroutine waits on it (the user lock's unlock failed), as
   * if it had never been queued. A {@link #signal} that completed it in the meantime is passed to
   * the longest-queued live waiter, so that no signal is lost to a goroutine that will not wait;
   * a {@link #broadcast} is not, as it woke every waiter queued with it.
   *
   * @param node what {@link #enqueue} returned, on this goroutine, not yet awaited
   */
  public void withdraw(SemaWait node) {
    Waiter passOn = null;
    lock();
    try {
      queue.remove(node);
      // Completing it ourselves decides the race with signal and broadcast, which complete
      // nodes only under this lock: if our CAS fails, one of them took this node. A broadcast
      // reached every waiter queued with it; a signal meant for one must reach another.
      if (!node.tryComplete(WITHDRAWN) && node.isCompletedBy(GRANTED)) {
        passOn = completeFirstLocked();
      }
    } finally {
      unlock();
    }
    if (passOn != null) {
      passOn.wake();
    }
  }

  /** Wakes the longest-queued live waiter, if any; nothing is kept for later ones. */
  public void signal() {
    Waiter w;
    lock();
    try {
      w = completeFirstLocked();
    } finally {
      unlock();
    }
    if (w != null) {
      w.wake();
    }
  }

  /** Wakes every waiter queued now. */
  public void broadcast() {
    SemaWait woken;
    lock();
    try {
      woken = completeLocked(Integer.MAX_VALUE, BROADCAST);
    } finally {
      unlock();
    }
    WaitQueue.wakeAll(woken);
  }

  /**
   * Under the lock: completes up to {@code max} live waiters, longest-queued first, and returns
   * them as a private list linked through {@code next}, last completed first (they are off the
   * queue), to wake after unlocking.
   */
  private SemaWait completeLocked(int max, Object token) {
    SemaWait woken = null;
    for (int i = 0; i < max; i++) {
      SemaWait w = completeFirstLocked(token);
      if (w == null) {
        break;
      }
      woken = WaitQueue.chain(w, woken);
    }
    return woken;
  }

  // ---------------------------------------------------------------- queue

  private SemaWait link(boolean lifo) {
    SemaWait n = new SemaWait(this);
    queue.add(n, lifo);
    return n;
  }

  private SemaWait completeFirstLocked() {
    return completeFirstLocked(GRANTED);
  }

  private SemaWait completeFirstLocked(Object token) {
    for (SemaWait n; (n = queue.first()) != null; ) {
      queue.remove(n);
      if (n.tryComplete(token)) {
        return n;
      }
    }
    return null;
  }

  /**
   * After the node's owner cancelled it: null if it left; {@code node} if it took a spare permit;
   * a new node at the head if a permit is promised to it.
   */
  private SemaWait cleanupAfterCancel(SemaWait node) {
    lock();
    try {
      queue.remove(node);
      if (permits > 0) {
        permits--;
        return node;
      }
      if (onCancel == null || onCancel.getAsBoolean()) {
        return null;
      }
      return link(true);
    } finally {
      unlock();
    }
  }
}
