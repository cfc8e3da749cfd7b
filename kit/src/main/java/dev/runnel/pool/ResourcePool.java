package dev.runnel.pool;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.Select;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.kit.internal.Uninterruptibly;
import dev.runnel.time.Clock;
import dev.runnel.time.Timer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A pool of expensive resources (connections, sessions, clients) lent as {@link Lease}s: at most
 * {@code maxSize} exist, made on demand by a {@link ResourceFactory}, and reused.
 *
 * <table>
 *   <caption>Borrowing</caption>
 *   <tr><th>waits, until a context ends</th><th>never waits</th><th>gives back</th>
 *       <th>throws away</th></tr>
 *   <tr><td>{@link #acquire(Context)}</td><td>{@link #tryAcquire()}</td>
 *       <td>{@link Lease#close()}</td><td>{@link Lease#invalidate()}</td></tr>
 * </table>
 *
 * <ul>
 *   <li><b>Fair</b>: acquirers that must wait queue in arrival order, and a released resource goes
 *       straight to the longest waiter; nobody arriving later takes it first. When a resource is
 *       destroyed (invalidated, failed validation, expired) and someone waits, the longest waiter
 *       gets the turn to create its replacement, in its own goroutine and with its own context.
 *   <li><b>Checked</b>: an idle resource is validated before it is lent ({@link
 *       Builder#validateOnBorrow}), and optionally when returned; a resource that fails, or has
 *       lived past {@link Builder#maxLifetime}, is destroyed and replaced for the same acquirer.
 *   <li><b>Sized</b>: at most {@link Builder#maxIdle} idle (a return beyond that destroys the
 *       resource), at least {@link Builder#minIdle} kept ready by the maintenance goroutine, and
 *       idle resources above the minimum destroyed after {@link Builder#idleTimeout}.
 *   <li><b>A failing factory backs off</b>: after a failed creation no creation is tried for a
 *       delay that doubles with each consecutive failure up to a cap ({@link
 *       Builder#creationBackoff}); nothing spins. The acquirer whose creation failed gets a {@link
 *       ResourceCreationException}; during the backoff an acquirer that nothing could serve (no
 *       resource in use or being made) gets one at once, with the last failure as cause, instead
 *       of hanging.
 *   <li><b>Leaks are reported</b>: with {@link Builder#leakDetection} on, each acquire records its
 *       stack trace, and a lease held past the threshold is reported once, to a handler, as a
 *       {@link ResourceLeakException} carrying that trace.
 *   <li><b>Closing</b>: {@link #close()} refuses new acquires, fails the waiting ones with {@link
 *       PoolClosedException}, destroys the idle resources, stops the maintenance goroutine,
 *       reports the leases still out and destroys their resources when they come back; {@link
 *       #shutdown(Context)} also waits, until its context ends, for them to come back.
 * </ul>
 *
 * <p>Everything timed (idle timeout, lifetime, leak threshold, backoff, wait statistics) reads the
 * pool's {@link Builder#clock}; an acquire's own deadline is its context's. Waiting parks the
 * virtual thread: the pool holds no monitor and calls no user code under its lock.
 *
 * <p>Memory consistency effects: actions of a holder before {@link Lease#close()} happen-before
 * the next holder of that resource gets its lease; a factory's {@code create} happens-before the
 * first holder gets the resource; every use of a resource happens-before its {@code destroy}.
 *
 * <p>Go: the pools of {@code database/sql} ({@code SetMaxOpenConns}, {@code SetMaxIdleConns},
 * {@code SetConnMaxIdleTime}, {@code SetConnMaxLifetime}, {@code DBStats}) and {@code fatih/pool},
 * as a generic type; Go's pools have no leak detection and no backoff.
 *
 * {@snippet :
 * try (ResourcePool<Socket> pool = ResourcePool.builder(sockets).maxSize(8).build();
 *     CancelContext ctx = Context.withTimeout(Context.background(), Duration.ofSeconds(1));
 *     Lease<Socket> lease = pool.acquire(ctx)) {
 *   talk(lease.get());
 * }
 * }
 *
 * @param <T> the resource type
 */
public final class ResourcePool<T> implements AutoCloseable {

  /*
   * Implementation notes.
   *
   * One ReentrantLock guards the counts, the idle deque, the waiter queue and the list of open
   * leases; it is held for a few field updates, never across user code (create, validate, destroy,
   * the leak handler) nor while parked. Invariants under the lock:
   *   size == idle.size() + inUse + creating <= maxSize;
   *   waiters queued  =>  idle is empty, and (size == maxSize or the pool is backing off);
   * dispatch() restores the second after every change (a release hands the resource to the head
   * waiter; a freed slot becomes the head waiter's turn to create; an empty pool in backoff fails
   * every waiter with the last failure).
   *
   * A waiter parks until its grant field is set (Waiter.grant). Its context's cancellation reaches
   * it as an interrupt through Context.interruptOnCancel, which turns the interrupt into ctx.err();
   * after the interrupt the waiter withdraws under the lock, and if a grant beat the withdrawal it
   * gives the grant back (releases the lease, or returns the creation turn), so a failed acquire
   * leaves the pool as it was. Spurious unparks re-check the grant and park again.
   *
   * A creation is counted in `size` (and `creating`) before the factory runs, so concurrent
   * acquirers never create more than maxSize; a failed one gives the slot back.
   *
   * The maintenance goroutine wakes every maintenanceInterval (sooner when a backoff ends with
   * waiters queued) on the pool's clock: it destroys expired idle resources, dispatches, reports
   * leaks and creates up to minIdle. It ends when close() closes `closing`; close waits for it.
   */

  /** The waiter's turn to create a resource, its slot already counted in size. */
  static final Object CREATE = new Object();
  /** The pool closed while the waiter waited. */
  static final Object CLOSED = new Object();
  /** The waiter gave up; installed by the waiter itself. */
  static final Object WITHDRAWN = new Object();

  /** What maintainOnce returns once the pool is closed. */
  private static final long STOP = Long.MIN_VALUE;

  private static final System.Logger LOG = System.getLogger(ResourcePool.class.getName());

  private final ResourceFactory<T> factory;
  private final Clock clock;
  private final String name;
  private final int maxSize;
  private final int minIdle;
  private final int maxIdle;
  /** 0 when off. */
  private final long idleTimeoutNanos;
  /** 0 when off. */
  private final long maxLifetimeNanos;
  /** 0 when off. */
  private final long leakThresholdNanos;
  private final Consumer<? super ResourceLeakException> leakHandler;
  private final boolean validateOnBorrow;
  private final boolean validateOnReturn;
  private final long firstBackoffNanos;
  private final long maxBackoffNanos;
  private final Duration maintenanceInterval;
  /** The context of the pool's own creations; cancelled by close. */
  private final CancelContext root;

  private final ReentrantLock lock = new ReentrantLock();

  // Guarded by lock.
  private final ArrayDeque<Slot<T>> idle = new ArrayDeque<>();
  private int size;
  private int inUse;
  private int creating;
  private int waiterCount;
  private Waiter<T> head;
  private Waiter<T> tail;
  /** Open leases, when leak detection is on. */
  private Lease<T> leases;
  private boolean closed;
  private boolean drainedClosed;
  private Throwable lastFailure;
  private int failures;
  /** When the next creation may be tried after a failure (clock nanoTime). */
  private long retryAt;
  private long acquired;
  private long created;
  private long destroyed;
  private long creationFailures;
  private long validationFailures;
  private long timeouts;
  private long leaks;
  private long waitNanos;
  private long maxWaitNanos;

  /** Closed by close(): the maintenance goroutine returns. */
  private final Channel<Void> closing = Channel.make();
  /** Wakes the maintenance goroutine early (a backoff started with waiters queued). */
  private final Channel<Boolean> kick = Channel.make(1);
  /** Closed when the maintenance goroutine has returned. */
  private final Channel<Void> maintenanceDone = Channel.make();
  /** The maintenance goroutine's thread: a close from it (a leak handler's) must not wait. */
  private volatile Thread maintainer;
  /** Closed once the pool is closed and holds no resource at all. */
  private final Channel<Void> drained = Channel.make();

  private ResourcePool(Builder<T> b) {
    this.factory = b.factory;
    this.clock = b.clock;
    this.name = b.name;
    this.maxSize = b.maxSize;
    this.minIdle = b.minIdle;
    this.maxIdle = b.maxIdle < 0 ? b.maxSize : Math.min(b.maxIdle, b.maxSize);
    this.idleTimeoutNanos = nanos(b.idleTimeout);
    this.maxLifetimeNanos = nanos(b.maxLifetime);
    this.leakThresholdNanos = nanos(b.leakThreshold);
    this.leakHandler = b.leakHandler;
    this.validateOnBorrow = b.validateOnBorrow;
    this.validateOnReturn = b.validateOnReturn;
    this.firstBackoffNanos = b.firstBackoff.toNanos();
    this.maxBackoffNanos = b.maxBackoff.toNanos();
    this.maintenanceInterval = b.maintenanceInterval;
    this.root = Context.withCancel(Context.withClock(b.context, b.clock));
    Go.go(this::maintain);
  }

  private static long nanos(Duration d) {
    return d == null ? 0 : Math.max(1, d.toNanos());
  }

  /**
   * A pool of at most {@code maxSize} resources made by {@code factory}, with the builder's other
   * defaults.
   *
   * @param <T> the resource type
   * @param factory makes, validates and destroys the resources
   * @param maxSize the most resources at once, at least 1
   * @return the pool, running; close it
   */
  public static <T> ResourcePool<T> create(ResourceFactory<T> factory, int maxSize) {
    return builder(factory).maxSize(maxSize).build();
  }

  /**
   * A builder: 8 resources at most, none kept idle on purpose, at most {@code maxSize} idle, idle
   * timeout 10 minutes, no lifetime limit, validation on borrow, backoff from 50 ms to 10 s, no
   * leak detection, maintenance every second, the system clock, unless set.
   *
   * @param <T> the resource type
   * @param factory makes, validates and destroys the resources
   * @return a new builder
   */
  public static <T> Builder<T> builder(ResourceFactory<T> factory) {
    return new Builder<>(Objects.requireNonNull(factory, "factory"));
  }

  // ---------------------------------------------------------------- acquiring

  /**
   * Lends a resource: an idle one (validated), else a new one if the pool has room, else the
   * next one released, waiting in arrival order until {@code ctx} ends.
   *
   * @param ctx ends the wait, and is given to the factory if this call creates the resource
   * @return an open lease; close it
   * @throws InterruptedException if interrupted; then the pool is as it was
   * @throws CancellationException {@code ctx.err()} if the context ended first (also when it had
   *     ended before the call); then the pool is as it was
   * @throws ResourceCreationException if the factory failed to make the resource this call needed,
   *     or, during a backoff, nothing else could serve this call
   * @throws PoolClosedException if the pool is closed, or closes while this call waits
   */
  public Lease<T> acquire(Context ctx) throws InterruptedException {
    Objects.requireNonNull(ctx, "ctx");
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    CancellationException err = ctx.err();
    if (err != null) {
      throw err;
    }
    Throwable site = leakThresholdNanos > 0 ? new Throwable("acquired here") : null;
    for (; ; ) {
      Object grant;
      Waiter<T> w = null;
      lock.lock();
      try {
        grant = takeOrReserve(site);
        if (grant == null) {
          w = enqueue(site);
        }
      } finally {
        lock.unlock();
      }
      if (w != null) {
        grant = await(ctx, w);
      }
      Lease<T> lease =
          grant == CREATE ? create(ctx, site) : checkout(ctx, (Lease<T>) grant, site);
      if (lease != null) {
        return lease;
      }
    }
  }

  /**
   * Lends an idle resource if there is one now and nobody waits; never waits and never creates.
   * The resource is validated first, as by {@link #acquire}.
   *
   * @return an open lease, or null
   * @throws PoolClosedException if the pool is closed
   */
  public Lease<T> tryAcquire() {
    Throwable site = leakThresholdNanos > 0 ? new Throwable("acquired here") : null;
    for (; ; ) {
      Lease<T> lease;
      lock.lock();
      try {
        if (closed) {
          throw closedException();
        }
        Slot<T> s = head == null ? idle.pollFirst() : null;
        if (s == null) {
          return null;
        }
        lease = lend(s, site);
      } finally {
        lock.unlock();
      }
      if (fit(lease.slot)) {
        return lease;
      }
      lease.end();
      discard(lease, false);
    }
  }

  /**
   * Creates one resource and adds it to the idle set, if the pool has room for it there: fewer
   * than {@code maxSize} resources and fewer than {@code maxIdle} idle. A waiting acquirer, if any,
   * gets it instead.
   *
   * @param ctx given to the factory
   * @return true if a resource was made and kept; false if the pool had no room (nothing made), or
   *     had none left for it when it was made (then it was destroyed)
   * @throws InterruptedException if the factory was interrupted
   * @throws ResourceCreationException if the factory failed, or the pool is backing off
   * @throws PoolClosedException if the pool is closed
   */
  public boolean addIdle(Context ctx) throws InterruptedException {
    Objects.requireNonNull(ctx, "ctx");
    lock.lock();
    try {
      if (closed) {
        throw closedException();
      }
      if (size >= maxSize || idle.size() + creating >= maxIdle) {
        return false;
      }
      if (backingOff()) {
        throw creationFailed(lastFailure);
      }
      size++;
      creating++;
    } finally {
      lock.unlock();
    }
    Slot<T> s = make(ctx);
    return offer(s);
  }

  /** Under the lock: a lease on an idle resource, CREATE with a slot reserved, or null. */
  private Object takeOrReserve(Throwable site) {
    if (closed) {
      throw closedException();
    }
    if (head != null) {
      return null;
    }
    Slot<T> s = idle.pollFirst();
    if (s != null) {
      return lend(s, site);
    }
    if (size < maxSize) {
      if (!backingOff()) {
        size++;
        creating++;
        return CREATE;
      }
      if (size == 0) {
        throw creationFailed(lastFailure);
      }
      kick.trySend(true); // the maintenance goroutine dispatches when the backoff ends
    }
    return null;
  }

  /** Under the lock: lends an idle slot. */
  private Lease<T> lend(Slot<T> s, Throwable site) {
    inUse++;
    acquired++;
    Lease<T> lease = new Lease<>(this, s, site, site == null ? 0 : clock.nanoTime());
    if (site != null) {
      lease.next = leases;
      if (leases != null) {
        leases.prev = lease;
      }
      leases = lease;
    }
    return lease;
  }

  /** Under the lock: takes an ended lease off the list of open ones. */
  private void unlink(Lease<T> lease) {
    inUse--;
    if (lease.site == null) {
      return;
    }
    if (lease.prev != null) {
      lease.prev.next = lease.next;
    } else if (leases == lease) {
      leases = lease.next;
    }
    if (lease.next != null) {
      lease.next.prev = lease.prev;
    }
    lease.prev = lease.next = null;
  }

  /**
   * Validates a lease on an idle resource; if unfit, destroys it and creates a replacement in the
   * same slot (null if the pool backs off or closed meanwhile: the caller tries again).
   */
  private Lease<T> checkout(Context ctx, Lease<T> lease, Throwable site)
      throws InterruptedException {
    if (fit(lease.slot)) {
      return lease;
    }
    lease.end();
    return discard(lease, true) ? create(ctx, site) : null;
  }

  /** Whether an idle slot may be lent: within its lifetime and, if asked, valid. */
  private boolean fit(Slot<T> s) {
    if (maxLifetimeNanos > 0 && clock.nanoTime() - s.createdAt >= maxLifetimeNanos) {
      return false;
    }
    if (validateOnBorrow && !valid(s.resource)) {
      lock.lock();
      try {
        validationFailures++;
      } finally {
        lock.unlock();
      }
      return false;
    }
    return true;
  }

  private boolean valid(T resource) {
    try {
      return factory.validate(resource);
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * Destroys the resource of a lease that ended unfit. If {@code keepSlot} and the pool may create
   * now, keeps its slot as a creation and returns true; else frees it.
   */
  private boolean discard(Lease<T> lease, boolean keepSlot) {
    boolean kept;
    lock.lock();
    try {
      unlink(lease);
      destroyed++;
      kept = keepSlot && !closed && !backingOff();
      if (kept) {
        creating++;
      } else {
        size--;
        dispatch();
        checkDrained();
      }
    } finally {
      lock.unlock();
    }
    destroyQuietly(lease.slot.resource);
    return kept;
  }

  // ---------------------------------------------------------------- waiting

  /** Under the lock: queues the caller. */
  private Waiter<T> enqueue(Throwable site) {
    Waiter<T> w = new Waiter<>(site, clock.nanoTime());
    w.prev = tail;
    if (tail == null) {
      head = w;
    } else {
      tail.next = w;
    }
    tail = w;
    waiterCount++;
    return w;
  }

  /** Under the lock: takes a waiter out of the queue. */
  private void dequeue(Waiter<T> w) {
    if (w.prev == null) {
      head = w.next;
    } else {
      w.prev.next = w.next;
    }
    if (w.next == null) {
      tail = w.prev;
    } else {
      w.next.prev = w.prev;
    }
    w.prev = w.next = null;
    waiterCount--;
  }

  /** Under the lock: serves a waiter and wakes it. */
  private void grant(Waiter<T> w, Object grant) {
    dequeue(w);
    long waited = clock.nanoTime() - w.since;
    waitNanos += waited;
    maxWaitNanos = Math.max(maxWaitNanos, waited);
    w.grant = grant;
    LockSupport.unpark(w.thread);
  }

  /**
   * Under the lock: serves waiters from the idle set, then with turns to create while there is
   * room; fails them all if the pool is empty and backing off.
   */
  private void dispatch() {
    Waiter<T> w;
    while ((w = head) != null) {
      Slot<T> s = idle.pollFirst();
      if (s != null) {
        grant(w, lend(s, w.site));
      } else if (size < maxSize && !backingOff()) {
        size++;
        creating++;
        grant(w, CREATE);
      } else if (size == 0 && lastFailure != null) {
        Waiter.Failure failure = new Waiter.Failure(lastFailure);
        while ((w = head) != null) {
          grant(w, failure);
        }
      } else {
        return;
      }
    }
  }

  /** Parks until served, the context ends or the thread is interrupted. */
  @SuppressWarnings("unchecked")
  private Object await(Context ctx, Waiter<T> w) throws InterruptedException {
    Object grant;
    try {
      grant = Context.interruptOnCancel(ctx, () -> park(w));
    } catch (CancellationException e) {
      withdraw(w, true);
      throw e;
    } catch (InterruptedException e) {
      withdraw(w, false);
      throw e;
    }
    if (grant instanceof Waiter.Failure f) {
      throw creationFailed(f.cause());
    }
    if (grant == CLOSED) {
      throw closedException();
    }
    return grant;
  }

  private Object park(Waiter<T> w) throws InterruptedException {
    Object grant;
    while ((grant = w.grant) == null) {
      LockSupport.park(this);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    return grant;
  }

  /** Takes a waiter that gave up out of the queue, or gives back what it was granted meanwhile. */
  @SuppressWarnings("unchecked")
  private void withdraw(Waiter<T> w, boolean timedOut) {
    Object grant;
    lock.lock();
    try {
      if (timedOut) {
        timeouts++;
      }
      grant = w.grant;
      if (grant == null) {
        dequeue(w);
        w.grant = WITHDRAWN;
        return;
      }
    } finally {
      lock.unlock();
    }
    if (grant instanceof Lease<?> lease) {
      ((Lease<T>) lease).close();
    } else if (grant == CREATE) {
      abandon(null);
    }
  }

  // ---------------------------------------------------------------- creating

  /** Creates a resource in a slot already counted, and lends it. */
  private Lease<T> create(Context ctx, Throwable site) throws InterruptedException {
    Slot<T> s = make(ctx);
    lock.lock();
    try {
      creating--;
      if (!closed) {
        return lend(s, site);
      }
      size--;
      destroyed++;
      checkDrained();
    } finally {
      lock.unlock();
    }
    destroyQuietly(s.resource);
    throw closedException();
  }

  /**
   * Runs the factory for a slot already counted in size and creating; on failure frees the slot
   * and backs off. On success the slot stays counted in creating: the caller moves it to inUse or
   * idle in one lock section, so every snapshot adds up.
   */
  private Slot<T> make(Context ctx) throws InterruptedException {
    T resource;
    try {
      resource = factory.create(ctx);
      if (resource == null) {
        throw new NullPointerException("pool: factory returned null");
      }
    } catch (InterruptedException e) {
      abandon(null);
      throw e;
    } catch (CancellationException e) {
      if (ctx.err() == null) { // not the context's: a failure like any other
        abandon(e);
        throw creationFailed(e);
      }
      abandon(null);
      throw e;
    } catch (Error e) {
      abandon(e);
      throw e;
    } catch (Throwable e) {
      abandon(e);
      throw creationFailed(e);
    }
    long now = clock.nanoTime();
    lock.lock();
    try {
      created++; // still counted in creating, until the caller places it in the same lock section
      failures = 0;
      lastFailure = null;
    } finally {
      lock.unlock();
    }
    return new Slot<>(resource, now);
  }

  /** Frees a creation's slot; with a failure, starts (or lengthens) the backoff. */
  private void abandon(Throwable failure) {
    lock.lock();
    try {
      creating--;
      size--;
      if (failure != null) {
        creationFailures++;
        failures++;
        lastFailure = failure;
        int shift = Math.min(failures - 1, 40);
        long delay = firstBackoffNanos << shift;
        if (delay <= 0 || delay > maxBackoffNanos || (delay >> shift) != firstBackoffNanos) {
          delay = maxBackoffNanos;
        }
        retryAt = clock.nanoTime() + delay;
        if (head != null) {
          kick.trySend(true);
        }
      }
      dispatch();
      checkDrained();
    } finally {
      lock.unlock();
    }
  }

  /** Under the lock: whether a creation must wait for the backoff to end (no clock read if not). */
  private boolean backingOff() {
    return lastFailure != null && backingOff(clock.nanoTime());
  }

  /** Under the lock: whether a creation must wait for the backoff to end at {@code now}. */
  private boolean backingOff(long now) {
    return lastFailure != null && now - retryAt < 0;
  }

  private ResourceCreationException creationFailed(Throwable cause) {
    return new ResourceCreationException(
        "pool " + name + ": creating a resource failed: " + cause, cause);
  }

  private PoolClosedException closedException() {
    return new PoolClosedException("pool " + name + ": closed");
  }

  // ---------------------------------------------------------------- releasing

  /** Takes back the resource of a lease that just ended. */
  void release(Lease<T> lease, boolean broken) {
    Slot<T> s = lease.slot;
    boolean destroy = broken;
    boolean invalid = false;
    if (!destroy && validateOnReturn && !isClosed() && !valid(s.resource)) {
      destroy = invalid = true;
    }
    if (maxLifetimeNanos > 0 && clock.nanoTime() - s.createdAt >= maxLifetimeNanos) {
      destroy = true;
    }
    lock.lock();
    try {
      unlink(lease);
      if (invalid) {
        validationFailures++;
      }
      if (!destroy && !closed) {
        Waiter<T> w = head;
        if (w != null) {
          grant(w, lend(s, w.site));
          return;
        }
        if (idle.size() < maxIdle) {
          s.stamped = false;
          idle.addFirst(s);
          return;
        }
      }
      size--;
      destroyed++;
      dispatch();
      checkDrained();
    } finally {
      lock.unlock();
    }
    destroyQuietly(s.resource);
  }

  /**
   * Places a resource just made (still counted in creating): to the head waiter, else idle if
   * there is room; else destroys it.
   */
  private boolean offer(Slot<T> s) {
    lock.lock();
    try {
      creating--;
      if (!closed) {
        Waiter<T> w = head;
        if (w != null) {
          grant(w, lend(s, w.site));
          return true;
        }
        if (idle.size() < maxIdle) {
          idle.addFirst(s);
          return true;
        }
      }
      size--;
      destroyed++;
      checkDrained();
    } finally {
      lock.unlock();
    }
    destroyQuietly(s.resource);
    return false;
  }

  private void destroyQuietly(T resource) {
    try {
      factory.destroy(resource);
    } catch (Exception e) {
      LOG.log(
          System.Logger.Level.WARNING, "pool " + name + ": destroying " + resource + " failed", e);
    }
  }

  /** Under the lock: opens {@link #drained} once the pool is closed and empty. */
  private void checkDrained() {
    if (closed && size == 0 && !drainedClosed) {
      drainedClosed = true;
      drained.close();
    }
  }

  // ---------------------------------------------------------------- maintenance

  private void maintain() throws InterruptedException {
    maintainer = Thread.currentThread();
    try {
      for (; ; ) {
        long due = maintainOnce();
        if (due == STOP) {
          return;
        }
        long delay = due - clock.nanoTime();
        if (delay <= 0) {
          continue;
        }
        Timer timer = clock.newTimer(Duration.ofNanos(delay));
        boolean[] stop = {false};
        try {
          if (clock.nanoTime() - due >= 0) {
            continue; // the clock passed `due` while the timer was being armed (a later deadline)
          }
          Select.select()
              .onReceiveOk(closing, r -> stop[0] = true)
              .onReceive(kick, k -> {})
              .onReceive(timer.c(), t -> {})
              .run();
        } finally {
          timer.stop();
        }
        if (stop[0]) {
          return;
        }
      }
    } finally {
      maintenanceDone.close();
    }
  }

  /** One round of upkeep; returns when the next is due (clock nanoTime), or STOP once closed. */
  private long maintainOnce() throws InterruptedException {
    List<T> doomed = new ArrayList<>();
    List<ResourceLeakException> leaked = new ArrayList<>();
    int toCreate;
    long now = clock.nanoTime();
    long next = maintenanceInterval.toNanos();
    lock.lock();
    try {
      if (closed) {
        return STOP;
      }
      for (Iterator<Slot<T>> it = idle.descendingIterator(); it.hasNext(); ) {
        Slot<T> s = it.next();
        boolean old = maxLifetimeNanos > 0 && now - s.createdAt >= maxLifetimeNanos;
        if (!s.stamped) {
          s.idleSince = now;
          s.stamped = true;
        }
        boolean stale = idleTimeoutNanos > 0 && now - s.idleSince >= idleTimeoutNanos;
        if (old || (stale && idle.size() > minIdle)) {
          it.remove();
          size--;
          destroyed++;
          doomed.add(s.resource);
        }
      }
      dispatch();
      for (Lease<T> l = leases; l != null; l = l.next) {
        long held = now - l.acquiredAt;
        if (!l.reported && held >= leakThresholdNanos) {
          l.reported = true;
          leaks++;
          leaked.add(leakReport(l, "held for " + Duration.ofNanos(held) + " without release"));
        }
      }
      boolean backingOff = backingOff(now);
      toCreate =
          head != null || backingOff
              ? 0
              : Math.max(0, Math.min(minIdle - idle.size() - creating, maxSize - size));
      size += toCreate;
      creating += toCreate;
      if (backingOff && (head != null || idle.size() < minIdle)) {
        next = Math.min(next, retryAt - now);
      }
    } finally {
      lock.unlock();
    }
    doomed.forEach(this::destroyQuietly);
    leaked.forEach(this::reportLeak);
    for (int i = 0; i < toCreate; i++) {
      try {
        offer(make(root));
      } catch (RuntimeException | Error e) {
        abandonReserved(toCreate - i - 1);
        if (!(e instanceof CancellationException)) {
          LOG.log(System.Logger.Level.WARNING, "pool " + name + ": filling to minIdle failed", e);
        }
        break;
      } catch (InterruptedException e) {
        abandonReserved(toCreate - i - 1);
        throw e;
      }
    }
    return now + next;
  }

  private void abandonReserved(int n) {
    for (int i = 0; i < n; i++) {
      abandon(null);
    }
  }

  private ResourceLeakException leakReport(Lease<T> l, String what) {
    return new ResourceLeakException(
        "pool " + name + ": " + l.slot.resource + " " + what + "; acquired at:",
        l.site.getStackTrace());
  }

  private void reportLeak(ResourceLeakException report) {
    try {
      leakHandler.accept(report);
    } catch (RuntimeException | Error e) {
      Go.reportPanic(e);
    }
  }

  // ---------------------------------------------------------------- closing

  /**
   * Closes the pool without waiting for resources in use: refuses new acquires, fails the waiting
   * ones with {@link PoolClosedException}, destroys the idle resources, stops the maintenance
   * goroutine (waiting for it), and reports the leases still open (to the leak handler with their
   * acquire stack traces if leak detection is on, else as one log line); their resources are
   * destroyed when they are released. Idempotent.
   */
  @Override
  public void close() {
    List<ResourceLeakException> open = closeIntake();
    report(open);
  }

  /**
   * Closes the pool as {@link #close()} does, then waits until every lease has been released and
   * every resource destroyed, or until {@code ctx} ends; only then reports the leases still open.
   *
   * @param ctx ends the wait
   * @return true if the pool holds no resource any more; false if {@code ctx} ended first
   * @throws InterruptedException if interrupted while waiting; the pool is closed anyway
   */
  public boolean shutdown(Context ctx) throws InterruptedException {
    Objects.requireNonNull(ctx, "ctx");
    closeIntake();
    boolean[] empty = {false};
    Select.select()
        .onReceiveOk(drained, r -> empty[0] = true)
        .onReceiveOk(ctx.done(), r -> {})
        .run();
    if (!empty[0]) {
      lock.lock();
      try {
        empty[0] = size == 0;
      } finally {
        lock.unlock();
      }
    }
    if (!empty[0]) {
      report(openLeases());
    }
    return empty[0];
  }

  /** Stops intake and maintenance, destroys idle resources; returns reports of open leases. */
  private List<ResourceLeakException> closeIntake() {
    List<Slot<T>> doomed = new ArrayList<>();
    boolean first;
    lock.lock();
    try {
      first = !closed;
      if (first) {
        closed = true;
        doomed.addAll(idle);
        idle.clear();
        size -= doomed.size();
        destroyed += doomed.size();
        Waiter<T> w;
        while ((w = head) != null) {
          grant(w, CLOSED);
        }
        checkDrained();
      }
    } finally {
      lock.unlock();
    }
    if (first) {
      root.cancel();
      closing.close();
    }
    if (Thread.currentThread() != maintainer) {
      Uninterruptibly.await(maintenanceDone::receive);
    }
    doomed.forEach(s -> destroyQuietly(s.resource));
    return first ? openLeases() : List.of();
  }

  /** Reports of the leases open now, or one summary line's worth when they are not tracked. */
  private List<ResourceLeakException> openLeases() {
    List<ResourceLeakException> open = new ArrayList<>();
    lock.lock();
    try {
      for (Lease<T> l = leases; l != null; l = l.next) {
        open.add(leakReport(l, "still held when the pool closed"));
      }
      if (leakThresholdNanos == 0 && inUse > 0) {
        LOG.log(
            System.Logger.Level.WARNING,
            "pool " + name + ": closed with " + inUse
                + " resources in use; they are destroyed when released");
      }
    } finally {
      lock.unlock();
    }
    return open;
  }

  private void report(List<ResourceLeakException> open) {
    open.forEach(this::reportLeak);
  }

  // ---------------------------------------------------------------- observing

  /**
   * A snapshot of the counts, taken atomically.
   *
   * @return the snapshot
   */
  public PoolStats stats() {
    lock.lock();
    try {
      return new PoolStats(
          size,
          idle.size(),
          inUse,
          creating,
          waiterCount,
          acquired,
          created,
          destroyed,
          creationFailures,
          validationFailures,
          timeouts,
          leaks,
          Duration.ofNanos(waitNanos),
          Duration.ofNanos(maxWaitNanos));
    } finally {
      lock.unlock();
    }
  }

  /**
   * The most resources the pool holds at once.
   *
   * @return {@code maxSize}
   */
  public int maxSize() {
    return maxSize;
  }

  /**
   * Whether {@link #close()} or {@link #shutdown} has been called.
   *
   * @return true once closed
   */
  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    PoolStats s = stats();
    return "ResourcePool[" + name + ", size=" + s.size() + ", idle=" + s.idle() + ", inUse="
        + s.inUse() + ", waiters=" + s.waiters() + (isClosed() ? ", closed" : "") + "]";
  }

  // ---------------------------------------------------------------- building

  /**
   * Options of a {@link ResourcePool}; each setter checks its argument and returns this builder.
   *
   * @param <T> the resource type
   */
  public static final class Builder<T> {
    private final ResourceFactory<T> factory;
    private int maxSize = 8;
    private int minIdle;
    private int maxIdle = -1;
    private Duration idleTimeout = Duration.ofMinutes(10);
    private Duration maxLifetime;
    private Duration leakThreshold;
    private Consumer<? super ResourceLeakException> leakHandler = Builder::logLeak;
    private boolean validateOnBorrow = true;
    private boolean validateOnReturn;
    private Duration firstBackoff = Duration.ofMillis(50);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private Duration maintenanceInterval = Duration.ofSeconds(1);
    private Clock clock = Clock.system();
    private Context context = Context.background();
    private String name = "pool";

    private Builder(ResourceFactory<T> factory) {
      this.factory = factory;
    }

    private static void logLeak(ResourceLeakException report) {
      LOG.log(System.Logger.Level.WARNING, report.getMessage(), report);
    }

    /**
     * The most resources at once, idle, in use and being created.
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder<T> maxSize(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("pool: maxSize must be at least 1: " + n);
      }
      this.maxSize = n;
      return this;
    }

    /**
     * The idle resources the maintenance goroutine keeps ready (creating them in the background),
     * and below which idle resources are not timed out.
     *
     * @param n at least 0, at most {@code maxIdle}
     * @return this builder
     */
    public Builder<T> minIdle(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("pool: minIdle must not be negative: " + n);
      }
      this.minIdle = n;
      return this;
    }

    /**
     * The most idle resources kept; a resource returned (or added) beyond that is destroyed.
     * Defaults to {@code maxSize}.
     *
     * @param n at least 0
     * @return this builder
     */
    public Builder<T> maxIdle(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("pool: maxIdle must not be negative: " + n);
      }
      this.maxIdle = n;
      return this;
    }

    /**
     * How long a resource may stay idle, while more than {@code minIdle} are, before the
     * maintenance goroutine destroys it. The time runs from the first maintenance round that finds
     * a returned resource idle (a release reads no clock), so a resource goes up to one {@link
     * #maintenanceInterval} late, never early.
     *
     * @param d positive, or null for never
     * @return this builder
     */
    public Builder<T> idleTimeout(Duration d) {
      this.idleTimeout = positiveOrNull(d, "idleTimeout");
      return this;
    }

    /**
     * How long a resource may live: older ones are destroyed when idle or returned, never lent.
     *
     * @param d positive, or null for no limit
     * @return this builder
     */
    public Builder<T> maxLifetime(Duration d) {
      this.maxLifetime = positiveOrNull(d, "maxLifetime");
      return this;
    }

    /**
     * Whether an idle resource is validated before it is lent (default true).
     *
     * @param on true to validate
     * @return this builder
     */
    public Builder<T> validateOnBorrow(boolean on) {
      this.validateOnBorrow = on;
      return this;
    }

    /**
     * Whether a returned resource is validated before it is kept (default false).
     *
     * @param on true to validate
     * @return this builder
     */
    public Builder<T> validateOnReturn(boolean on) {
      this.validateOnReturn = on;
      return this;
    }

    /**
     * The delay before the first retry after a failed creation, doubled after each consecutive
     * failure up to {@code max}; a success resets it.
     *
     * @param first positive
     * @param max at least {@code first}
     * @return this builder
     */
    public Builder<T> creationBackoff(Duration first, Duration max) {
      positiveOrNull(Objects.requireNonNull(first, "first"), "creationBackoff");
      Objects.requireNonNull(max, "max");
      if (max.compareTo(first) < 0) {
        throw new IllegalArgumentException(
            "pool: creationBackoff max " + max + " is less than first " + first);
      }
      this.firstBackoff = first;
      this.maxBackoff = max;
      return this;
    }

    /**
     * Turns leak detection on: each acquire records its stack trace, and a lease open longer than
     * {@code threshold} is reported once (found by the maintenance goroutine, so up to one
     * maintenance interval late).
     *
     * @param threshold positive, or null to turn it off
     * @return this builder
     */
    public Builder<T> leakDetection(Duration threshold) {
      this.leakThreshold = positiveOrNull(threshold, "leakDetection");
      return this;
    }

    /**
     * Where leaks go; by default a warning to the {@link System.Logger} named after this class.
     * An exception from the handler is reported as a goroutine's panic.
     *
     * @param handler the handler
     * @return this builder
     */
    public Builder<T> leakHandler(Consumer<? super ResourceLeakException> handler) {
      this.leakHandler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * How often the maintenance goroutine runs (default 1 s).
     *
     * @param d positive
     * @return this builder
     */
    public Builder<T> maintenanceInterval(Duration d) {
      Objects.requireNonNull(d, "d");
      this.maintenanceInterval = positiveOrNull(d, "maintenanceInterval");
      return this;
    }

    /**
     * The clock of idle timeouts, lifetimes, leak thresholds, backoff and wait statistics.
     *
     * @param clock a clock, such as a {@link dev.runnel.time.ManualClock} in tests
     * @return this builder
     */
    public Builder<T> clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The parent of the context the pool's own creations (filling to {@code minIdle}) get; it is
     * cancelled when the pool closes.
     *
     * @param ctx the parent
     * @return this builder
     */
    public Builder<T> context(Context ctx) {
      this.context = Objects.requireNonNull(ctx, "ctx");
      return this;
    }

    /**
     * The name in messages and reports.
     *
     * @param name the name
     * @return this builder
     */
    public Builder<T> name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Starts the pool and its maintenance goroutine.
     *
     * @return the pool; close it
     * @throws IllegalArgumentException if {@code minIdle > maxIdle}
     */
    public ResourcePool<T> build() {
      int idleCap = maxIdle < 0 ? maxSize : Math.min(maxIdle, maxSize);
      if (minIdle > idleCap) {
        throw new IllegalArgumentException(
            "pool: minIdle " + minIdle + " is more than maxIdle " + idleCap);
      }
      return new ResourcePool<>(this);
    }

    private static Duration positiveOrNull(Duration d, String what) {
      if (d != null && (d.isZero() || d.isNegative())) {
        throw new IllegalArgumentException("pool: " + what + " must be positive: " + d);
      }
      return d;
    }
  }
}
