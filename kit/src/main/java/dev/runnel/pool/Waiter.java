package dev.runnel.pool;

/**
 * An acquirer queued for a resource. The queue is a doubly linked FIFO guarded by the pool's lock;
 * {@link #grant} is written once under that lock (by whoever serves or withdraws the waiter) and
 * read by the waiter without it.
 */
final class Waiter<T> {
  final Thread thread = Thread.currentThread();
  /** Where the acquire was called, when leak detection is on; else null. */
  final Throwable site;
  /** The pool clock's nanoTime when the waiter was queued. */
  final long since;
  Waiter<T> prev;
  Waiter<T> next;

  /**
   * Null while waiting; then a {@link Lease}, {@link ResourcePool#CREATE} (a turn to create), a
   * {@link Failure}, {@link ResourcePool#CLOSED}, or {@link ResourcePool#WITHDRAWN} (installed by
   * the waiter itself when it gives up).
   */
  volatile Object grant;

  Waiter(Throwable site, long since) {
    this.site = site;
    this.since = since;
  }

  /** A creation failure handed to a waiter that nothing else could serve. */
  record Failure(Throwable cause) {}
}
