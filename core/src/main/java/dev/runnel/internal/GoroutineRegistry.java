package dev.runnel.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The live goroutines, for dumps, leak checks and the deadlock detector: intrusive doubly linked
 * lists, one per stripe, so that registering a goroutine allocates nothing (its {@link
 * Goroutines.Goroutine} is the list node) and starts on different cores rarely meet on a lock. A
 * blocked goroutine's footprint is a benchmarked target: a ConcurrentHashMap set cost 40 bytes
 * more per goroutine (its node and table slot).
 *
 * <pre>
 * Invariants, under the stripe's lock: head is a sentinel; the list is circular; a goroutine is in
 * the stripe of its id from add until remove; size counts the members.
 * </pre>
 */
final class GoroutineRegistry {

  private final Stripe[] stripes;

  GoroutineRegistry() {
    int cpus = Math.max(1, Runtime.getRuntime().availableProcessors());
    int n = Integer.highestOneBit(cpus * 4 - 1) << 1; // a power of two, at least 4 per core
    stripes = new Stripe[n];
    for (int i = 0; i < n; i++) {
      stripes[i] = new Stripe();
    }
  }

  void add(Goroutines.Goroutine g) {
    Stripe s = stripeOf(g);
    s.lock();
    try {
      Goroutines.Goroutine last = s.head.prev;
      g.prev = last;
      g.next = s.head;
      last.next = g;
      s.head.prev = g;
      s.size++;
    } finally {
      s.unlock();
    }
  }

  void remove(Goroutines.Goroutine g) {
    Stripe s = stripeOf(g);
    s.lock();
    try {
      if (g.next != null) {
        g.prev.next = g.next;
        g.next.prev = g.prev;
        g.prev = null;
        g.next = null;
        s.size--;
      }
    } finally {
      s.unlock();
    }
  }

  /** The members, a copy made stripe by stripe: weakly consistent, like a concurrent set's view. */
  List<Goroutines.Goroutine> snapshot() {
    List<Goroutines.Goroutine> all = new ArrayList<>();
    for (Stripe s : stripes) {
      s.lock();
      try {
        for (Goroutines.Goroutine g = s.head.next; g != s.head; g = g.next) {
          all.add(g);
        }
      } finally {
        s.unlock();
      }
    }
    return all;
  }

  /** The number of members, summed stripe by stripe without locks: a snapshot. */
  int size() {
    int n = 0;
    for (Stripe s : stripes) {
      n += s.size;
    }
    return n;
  }

  private Stripe stripeOf(Goroutines.Goroutine g) {
    return stripes[(int) g.id() & (stripes.length - 1)];
  }

  /** One list and its lock. */
  private static final class Stripe extends ShortLock {
    final Goroutines.Goroutine head = Goroutines.Goroutine.sentinel();
    volatile int size; // written under the lock, read without

    Stripe() {
      head.prev = head;
      head.next = head;
    }
  }
}
