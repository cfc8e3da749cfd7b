package dev.runnel.pool;

/** A resource the pool made, with the times its lifetime and idle timeout are measured from. */
final class Slot<T> {
  final T resource;
  /** The pool clock's nanoTime when the factory returned the resource. */
  final long createdAt;
  /**
   * The pool clock's nanoTime from which the idle timeout runs, valid while {@link #stamped};
   * guarded by the pool's lock.
   */
  long idleSince;

  /**
   * False once returned, until the next maintenance round stamps {@link #idleSince}: returning
   * reads no clock (a clock read can cost more than the rest of a release), so the idle timeout
   * runs from the first round that finds the resource idle, at most one interval late, never early.
   */
  boolean stamped = true;

  Slot(T resource, long createdAt) {
    this.resource = resource;
    this.createdAt = createdAt;
    this.idleSince = createdAt;
  }
}
