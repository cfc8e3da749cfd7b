package dev.runnel.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One loan of a resource from a {@link ResourcePool}: {@link #get()} the resource, then {@link
 * #close()} to give it back (try-with-resources), or {@link #invalidate()} if it is broken.
 *
 * <p>A lease is used once: the first of {@code close} and {@code invalidate} ends it and later
 * calls of either do nothing, so a release racing an invalidate (two goroutines, one lease) gives
 * the resource back exactly once. After that, {@code get} throws, since the resource may already be
 * another holder's.
 *
 * <p>Memory consistency effects: actions before {@code close} happen-before the next holder's
 * lease of the same resource is returned to it, and before the factory destroys the resource.
 *
 * {@snippet :
 * try (Lease<Connection> lease = pool.acquire(ctx)) {
 *   try {
 *     lease.get().send(request);
 *   } catch (IOException e) {
 *     lease.invalidate(); // a broken connection: the close() that follows does nothing
 *     throw e;
 *   }
 * }
 * }
 *
 * @param <T> the resource type
 */
public final class Lease<T> implements AutoCloseable {

  private static final VarHandle ENDED;

  static {
    try {
      ENDED = MethodHandles.lookup().findVarHandle(Lease.class, "ended", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final ResourcePool<T> pool;
  final Slot<T> slot;
  /** Where the acquire was called, when leak detection is on; else null. */
  final Throwable site;
  /** The pool clock's nanoTime when the lease was granted, when leak detection is on. */
  final long acquiredAt;
  /** The list of open leases when leak detection is on; guarded by the pool's lock. */
  Lease<T> prev;
  Lease<T> next;
  /** Whether this lease was reported as leaked; guarded by the pool's lock. */
  boolean reported;

  /** Set once, by CAS, by the first close or invalidate. */
  private volatile boolean ended;

  Lease(ResourcePool<T> pool, Slot<T> slot, Throwable site, long acquiredAt) {
    this.pool = pool;
    this.slot = slot;
    this.site = site;
    this.acquiredAt = acquiredAt;
  }

  /**
   * The resource.
   *
   * @return the resource lent
   * @throws IllegalStateException if the lease has ended
   */
  public T get() {
    if (ended) {
      throw new IllegalStateException("pool: lease already released");
    }
    return slot.resource;
  }

  /**
   * Whether the lease is still open (neither closed nor invalidated).
   *
   * @return true until the lease ends
   */
  public boolean isOpen() {
    return !ended;
  }

  /**
   * Gives the resource back to the pool: to the longest waiter if there is one, else to the idle
   * set (or to the factory's {@code destroy}, if the pool has {@code maxIdle} idle resources, the
   * resource outlived its lifetime or failed validation on return, or the pool is closed). Does
   * nothing if the lease has ended.
   */
  @Override
  public void close() {
    if (end()) {
      pool.release(this, false);
    }
  }

  /**
   * Destroys the resource instead of giving it back, because the holder found it broken; a
   * waiter, if any, is served by a newly created one. Does nothing if the lease has ended.
   *
   * @return true if this call ended the lease
   */
  public boolean invalidate() {
    if (end()) {
      pool.release(this, true);
      return true;
    }
    return false;
  }

  /** Ends the lease: true for the one caller that does. */
  boolean end() {
    return !ended && ENDED.compareAndSet(this, false, true);
  }

  @Override
  public String toString() {
    return "Lease[" + (ended ? "ended" : String.valueOf(slot.resource)) + "]";
  }
}
