package dev.runnel.pool;

/** A resource the pool made, with the times its lifetime and idle timeout are measured from. */
final class Slot<T> {
  final T resource;
  /** The pool clock's nanoTime when the factory returned the resource. */
  final long createdAt;
  /** The pool clock's nanoTime when the resource last became idle; guarded by the pool's lock. */
  long idleSince;

  Slot(T resource, long createdAt) {
    this.resource = resource;
    this.createdAt = createdAt;
    this.idleSince = createdAt;
  }
}
