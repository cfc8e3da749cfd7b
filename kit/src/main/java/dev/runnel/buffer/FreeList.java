package dev.runnel.buffer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The free buffers of one size class: a bounded multi-producer multi-consumer queue of at most
 * {@code capacity} elements, after Dmitry Vyukov's bounded MPMC queue. {@link #offer} and {@link
 * #poll} never block and never wait for another thread: each is O(1) apart from CAS retries that
 * happen only when another thread's operation succeeded.
 *
 * @param <E> the element type
 */
final class FreeList<E> {

  /*
   * Implementation notes.
   *
   * Cell i (of `capacity`) has a sequence number seq[i], initially 2i. A producer that claims
   * position p (tail CAS p -> p+1) may write cell p % capacity once seq == 2p, and publishes it
   * with seq = 2p + 1. A consumer that claims position p (head CAS) may read the cell once seq ==
   * 2p + 1, and frees it for the producer of position p + capacity with seq = 2(p + capacity).
   * Vyukov's original numbers the states p and p + 1, which coincide for a capacity of 1 (a
   * published cell looks free to the next producer); doubling keeps "free for p" and "full at p"
   * apart for every capacity. The release store of seq pairs with the acquire load of the next
   * claimant, so an element's writes happen-before its poll.
   *
   * A producer (consumer) that sees seq < 2p (< 2p + 1) finds the queue full (empty) and gives up
   * at once, even when the cell's previous claimant has claimed but not yet published: for a
   * free list, reporting empty (allocate) or full (drop) in that window is correct, and it is
   * what keeps both operations wait-free of other threads' progress. Why a queue and not a
   * stack: a bounded array stack needs its index and its slot to change together (a lock, or
   * ABA on reused slots), and a linked stack allocates a node per push or suffers ABA with reused
   * nodes. Order does not matter to a free list.
   */

  private final int capacity;
  private final AtomicLongArray seq;
  private final AtomicReferenceArray<E> cells;
  private final AtomicLong head = new AtomicLong(); // next position to poll
  private final AtomicLong tail = new AtomicLong(); // next position to offer

  FreeList(int capacity) {
    this.capacity = capacity;
    this.seq = new AtomicLongArray(Math.max(capacity, 1));
    this.cells = new AtomicReferenceArray<>(Math.max(capacity, 1));
    for (int i = 0; i < capacity; i++) {
      seq.set(i, 2L * i);
    }
  }

  /** Adds {@code e} unless the list is full; returns whether it was added. */
  boolean offer(E e) {
    if (capacity == 0) {
      return false;
    }
    long p = tail.get();
    for (; ; ) {
      int i = (int) (p % capacity);
      long d = seq.getAcquire(i) - 2 * p;
      if (d == 0) {
        if (tail.compareAndSet(p, p + 1)) {
          cells.setPlain(i, e);
          seq.setRelease(i, 2 * p + 1);
          return true;
        }
        p = tail.get();
      } else if (d < 0) {
        return false; // full
      } else {
        p = tail.get(); // another producer took p
      }
    }
  }

  /** Removes and returns an element, or null if the list is empty. */
  E poll() {
    if (capacity == 0) {
      return null;
    }
    long p = head.get();
    for (; ; ) {
      int i = (int) (p % capacity);
      long d = seq.getAcquire(i) - (2 * p + 1);
      if (d == 0) {
        if (head.compareAndSet(p, p + 1)) {
          E e = cells.getPlain(i);
          cells.setPlain(i, null);
          seq.setRelease(i, 2 * (p + capacity));
          return e;
        }
        p = head.get();
      } else if (d < 0) {
        return null; // empty
      } else {
        p = head.get(); // another consumer took p
      }
    }
  }

  /** The number of elements, exact when no operation is in progress. */
  int size() {
    long n = tail.get() - head.get();
    return (int) Math.max(0, Math.min(n, capacity));
  }
}
