package dev.runnel.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The buffer of a buffered channel: a bounded multi-producer multi-consumer ring (D. Vyukov's
 * bounded MPMC queue: a sequence number per slot, a CAS on one index per operation) that its
 * channel can freeze, so that the channel's lock owns it.
 *
 * <pre>
 * Thawed, any thread may offer and poll without the channel's lock: the fast path, taken while
 * nobody waits on the channel. Frozen, only the holder of the channel's lock touches it (the
 * locked operations), and fast offers and polls answer SLOW (frozen for the holder's operation:
 * worth a yield and another try) or LOCKED (held: it stays frozen after the lock is released,
 * because goroutines wait, the channel is closed or it is a timer's). The channel freezes its
 * ring when it takes its lock and thaws it when it releases the lock with no wait node queued,
 * not closed and not a timer's channel, else holds it; so a goroutine is queued only on a frozen
 * ring, and everything the lock decides (hand-offs, close, select, the invariants) sees a ring
 * that fast operations cannot change.
 *
 * A fast operation never loops: a lost CAS, an index that moved, a slot still in flight all
 * answer SLOW, so contenders end up serialized by the lock instead of trading the index between
 * cores (on two cores that trade cost more than the lock: measured, ADR 0012).
 *
 * Indices. head and tail count polls and offers since the channel was made; slot i holds index
 * i, i + capacity, ...; FROZEN is a bit in both words. A fast operation reads its index, checks
 * the slot's sequence and claims the index by a CAS whose expected value has FROZEN clear: so
 * once freeze() has set the bit in both words, no fast operation can claim an index.
 *
 * Slot sequence, an int compared only for equality (so it may wrap): 2 * index means free for
 * the offer of that index; 2 * index + 1 means holding the element of that index, for its poll;
 * the poll then writes 2 * (index + capacity), freeing the slot for the next lap. Doubling keeps
 * "free" and "holding" apart when capacity is 1, where Vyukov's index and index + 1 would meet.
 * A sequence that is not the one an operation wants means the slot is busy only if the
 * operation's index has not moved meanwhile (it re-reads it); else it retries.
 *
 * In flight. An operation that claimed its index just before the freeze still has to write its
 * slot. The locked operations wait for that slot's sequence (a handful of instructions of the
 * other thread: spin, then yield, as ShortLock waits for its holder).
 *
 * Linearization points: a fast offer or poll at its index CAS; a locked one under the channel's
 * lock. Happens-before: an offer writes the element, then releases the slot's sequence; the poll
 * that acquires that sequence reads it. A poll clears the slot before releasing the sequence
 * that lets the next lap's offer write it.
 * </pre>
 */
final class Ring {

  /**
   * What a fast offer or poll answers when the ring is frozen for an operation under the lock, or
   * when another operation interfered: worth trying again after a yield, then take the lock.
   */
  static final Object SLOW = new Object();

  /**
   * What a fast offer or poll answers when the ring stays frozen (goroutines wait on the channel,
   * it is closed, or it is a timer's): take the lock at once.
   */
  static final Object LOCKED = new Object();

  /** A fast or locked offer's answers besides SLOW. */
  static final Object OFFERED = new Object(), FULL = new Object();

  private static final long FROZEN = 1L << 62;
  /** Where the indices sit in their array: 64 bytes apart, so no false sharing. */
  static final int HEAD = 2, TAIL = 10;
  private static final int SPINS = 64;

  private static final VarHandle INDEX = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle SEQ = MethodHandles.arrayElementVarHandle(int[].class);

  private final long[] indices = new long[TAIL + 3];
  private final int[] seqs;
  private final Object[] items;
  private final int capacity;

  /** Whether the ring is frozen; read and written only by the channel's lock holder. */
  private boolean frozen;

  /**
   * Whether the ring stays frozen after the lock is released: written by the lock holder, read by
   * fast operations as a hint only (it decides whether they yield before taking the lock).
   */
  private volatile boolean held;

  /**
   * A ring of {@code capacity} slots.
   *
   * @param capacity at least 1
   * @param frozen whether it starts frozen (a timer's channel never thaws)
   */
  Ring(int capacity, boolean frozen) {
    this.capacity = capacity;
    this.items = new Object[capacity];
    this.seqs = new int[capacity];
    for (int i = 0; i < capacity; i++) {
      seqs[i] = free(i);
    }
    if (frozen) {
      freeze();
      held = true;
    }
  }

  // ---------------------------------------------------------------- fast path, no lock

  /**
   * Offers without the lock: {@link #OFFERED}; {@link #FULL}; {@link #LOCKED}; or {@link #SLOW}
   * when frozen for a moment, when another offer got in first, or when a poll of the slot is in
   * flight. Never loops: whatever interferes sends the caller to the lock, which serializes
   * contenders instead of letting them trade the index between cores.
   */
  Object offer(Object e) {
    long t = (long) INDEX.getVolatile(indices, TAIL);
    if ((t & FROZEN) != 0) {
      return held ? LOCKED : SLOW;
    }
    int i = slot(t);
    if ((int) SEQ.getAcquire(seqs, i) == free(t)) {
      if (!INDEX.compareAndSet(indices, TAIL, t, t + 1)) {
        return SLOW;
      }
      items[i] = e;
      SEQ.setRelease(seqs, i, holding(t));
      return OFFERED;
    }
    if ((long) INDEX.getVolatile(indices, TAIL) != t) {
      return SLOW;
    }
    // The slot holds the last lap's element, or that element's poll is in flight. Full if the
    // head is a lap behind; linearized at the first read of t, when the tail was thawed.
    long h = (long) INDEX.getVolatile(indices, HEAD) & ~FROZEN;
    return t - h >= capacity ? FULL : SLOW;
  }

  /**
   * Polls without the lock: the element; null if empty; {@link #LOCKED}; or {@link #SLOW} when
   * frozen for a moment, when another poll got in first, or when the offer of the slot is in
   * flight. Never loops.
   */
  Object poll() {
    long h = (long) INDEX.getVolatile(indices, HEAD);
    if ((h & FROZEN) != 0) {
      return held ? LOCKED : SLOW;
    }
    int i = slot(h);
    if ((int) SEQ.getAcquire(seqs, i) == holding(h)) {
      if (!INDEX.compareAndSet(indices, HEAD, h, h + 1)) {
        return SLOW;
      }
      Object e = items[i];
      items[i] = null;
      SEQ.setRelease(seqs, i, free(h + capacity));
      return e;
    }
    if ((long) INDEX.getVolatile(indices, HEAD) != h) {
      return SLOW;
    }
    // Nothing offered at this index yet, or its offer is in flight. Empty if the tail is still
    // at h; linearized at the first read of h, when the head was thawed.
    long t = (long) INDEX.getVolatile(indices, TAIL) & ~FROZEN;
    return t == h ? null : SLOW;
  }

  /**
   * The number of elements, read without the lock, or -1 if only the lock can tell: Go's {@code
   * len(ch)}. Linearized at the read of the head, which is taken between two equal reads of the
   * tail and while thawed: then no locked operation is half done (one sets FROZEN in both words
   * before it changes either and clears it in the head last), and the tail had that value.
   */
  int size() {
    for (int tries = 0; tries < 4; tries++) {
      long t = (long) INDEX.getVolatile(indices, TAIL);
      long h = (long) INDEX.getVolatile(indices, HEAD);
      if ((h & FROZEN) != 0) {
        return -1;
      }
      if ((long) INDEX.getVolatile(indices, TAIL) == t) {
        return (int) ((t & ~FROZEN) - h);
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------- the channel's lock held

  /** Stops fast operations from claiming indices; lock held. */
  void freeze() {
    if (!frozen) {
      frozen = true;
      INDEX.getAndBitwiseOr(indices, TAIL, FROZEN);
      INDEX.getAndBitwiseOr(indices, HEAD, FROZEN);
    }
  }

  /** Keeps the ring frozen after the lock is released; lock held, frozen. */
  void hold() {
    if (!held) {
      held = true;
    }
  }

  /** Lets fast operations run again; lock held. */
  void thaw() {
    if (frozen) {
      frozen = false;
      held = false;
      INDEX.setRelease(indices, TAIL, tail());
      INDEX.setRelease(indices, HEAD, head());
    }
  }

  /** The number of elements; lock held, frozen. */
  int count() {
    return (int) (tail() - head());
  }

  /** Offers; lock held, frozen: {@link #OFFERED} or {@link #FULL}. */
  Object offerLocked(Object e) {
    long t = tail();
    if (t - head() == capacity) {
      return FULL;
    }
    int i = slot(t);
    awaitSeq(i, free(t)); // the last lap's poll of this slot may be in flight
    items[i] = e;
    SEQ.setRelease(seqs, i, holding(t));
    INDEX.setRelease(indices, TAIL, (t + 1) | FROZEN);
    return OFFERED;
  }

  /** Polls; lock held, frozen: the oldest element, or null if empty. */
  Object pollLocked() {
    long h = head();
    if (tail() == h) {
      return null;
    }
    int i = slot(h);
    awaitSeq(i, holding(h)); // the offer of this index may be in flight
    Object e = items[i];
    items[i] = null;
    SEQ.setRelease(seqs, i, free(h + capacity));
    INDEX.setRelease(indices, HEAD, (h + 1) | FROZEN);
    return e;
  }

  /**
   * What is wrong with the ring, or null; lock held, frozen, no operation in flight: the count
   * within bounds, every slot of the buffered range holding its element, every other slot empty
   * and free for its next offer.
   */
  String broken() {
    if (!frozen) {
      return "ring checked while thawed";
    }
    long h = head();
    long n = tail() - h;
    if (n < 0 || n > capacity) {
      return "count " + n + " outside 0.." + capacity;
    }
    for (long k = 0; k < capacity; k++) {
      long index = h + k;
      int i = slot(index);
      boolean full = k < n;
      int expected = full ? holding(index) : free(index);
      if ((items[i] != null) != full) {
        return "slot " + i + (full ? " empty inside" : " full outside") + " the buffered range";
      }
      int seq = (int) SEQ.getVolatile(seqs, i);
      if (seq != expected) {
        return "slot " + i + " has sequence " + seq + ", not " + expected;
      }
    }
    return null;
  }

  private long head() {
    return (long) INDEX.getVolatile(indices, HEAD) & ~FROZEN;
  }

  private long tail() {
    return (long) INDEX.getVolatile(indices, TAIL) & ~FROZEN;
  }

  private static int free(long index) {
    return (int) (index << 1);
  }

  private static int holding(long index) {
    return (int) (index << 1) + 1;
  }

  private int slot(long index) {
    return (int) (index % capacity);
  }

  /** Waits for slot {@code i}'s sequence to reach {@code seq}, written by a claim in flight. */
  private void awaitSeq(int i, int seq) {
    for (int spins = 0; (int) SEQ.getAcquire(seqs, i) != seq; spins++) {
      if (spins < SPINS) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }
  }
}
