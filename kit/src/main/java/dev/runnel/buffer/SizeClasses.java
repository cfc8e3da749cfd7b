package dev.runnel.buffer;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * The machinery behind {@link BufferPool} and {@link ByteBufferPool}: size classes, the bounded
 * free slots of each, and the registry of buffers handed out.
 *
 * @param <B> the buffer type
 */
final class SizeClasses<B> {

  /*
   * Implementation notes.
   *
   * Classes. Class i holds buffers of capacity minSize << i, for i in [0, classes); a request
   * for n bytes goes to the smallest class whose capacity is >= n. Requests above maxSize are
   * allocated exactly and never tracked or kept.
   *
   * Free slots. Each class has an AtomicReferenceArray of `retain` slots; a slot holds an Entry
   * whose `pinned` field is the free buffer, or null. put CASes null -> entry into the first
   * empty slot it finds, get CASes entry -> null on the first full one; each scan starts at a
   * slot chosen by the calling thread's id, so a thread tends to get back the buffer it last put
   * (warm in its cache) and threads rarely CAS the same slot. A scan visits each slot at most
   * once, so both operations are bounded and lock-free. ABA on a slot is harmless: whatever
   * Entry a slot holds is a free buffer, whoever put it there.
   *
   * Registry. Every tracked buffer has one Entry for life: a WeakReference to the buffer (so a
   * buffer its user drops is collected, and its Entry purged from the registry later) with a
   * strong `pinned` field set only while the buffer is free. `outstanding` maps identity ->
   * Entry for the buffers handed out and not yet put back. get moves an Entry from a slot into
   * `outstanding`; put removes it from `outstanding` (the linearization point of a put: exactly
   * one of two concurrent puts of one buffer removes it) and offers it to a slot. A buffer not
   * in `outstanding` is foreign, or already put back: refused. The happens-before from put to
   * the next get of the same buffer is the slot CAS (volatile write, then volatile read).
   */

  private final int minShift;
  private final int maxSize;
  private final int retain;
  private final IntFunction<B> allocate;
  private final ToIntFunction<B> capacity;
  private final AtomicReferenceArray<Entry<B>>[] free;
  private final ConcurrentHashMap<Object, Entry<B>> outstanding = new ConcurrentHashMap<>();
  private final ReferenceQueue<B> collected = new ReferenceQueue<>();

  final LongAdder hits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder allocations = new LongAdder();
  final LongAdder refused = new LongAdder();
  final LongAdder dropped = new LongAdder();

  @SuppressWarnings("unchecked")
  SizeClasses(
      int minSize, int maxSize, int retain, IntFunction<B> allocate, ToIntFunction<B> capacity) {
    if (minSize < 1 || Integer.bitCount(minSize) != 1) {
      throw new IllegalArgumentException("buffer: minSize must be a power of two, got " + minSize);
    }
    if (maxSize < minSize || Integer.bitCount(maxSize) != 1) {
      throw new IllegalArgumentException(
          "buffer: maxSize must be a power of two >= minSize " + minSize + ", got " + maxSize);
    }
    if (retain < 0) {
      throw new IllegalArgumentException("buffer: negative retainPerClass " + retain);
    }
    this.minShift = Integer.numberOfTrailingZeros(minSize);
    this.maxSize = maxSize;
    this.retain = retain;
    this.allocate = allocate;
    this.capacity = capacity;
    int classes = Integer.numberOfTrailingZeros(maxSize) - minShift + 1;
    free = new AtomicReferenceArray[classes];
    for (int i = 0; i < classes; i++) {
      free[i] = new AtomicReferenceArray<>(retain);
    }
  }

  int classes() {
    return free.length;
  }

  int classSize(int i) {
    return 1 << (minShift + i);
  }

  /** The class serving a request of {@code size} bytes, or -1 above maxSize. */
  private int classOf(int size) {
    if (size > maxSize) {
      return -1;
    }
    int shift = size <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(size - 1);
    return Math.max(0, shift - minShift);
  }

  B get(int size) {
    if (size < 0) {
      throw new IllegalArgumentException("buffer: negative size " + size);
    }
    int c = classOf(size);
    if (c < 0) {
      allocations.increment(); // oversize: not a miss, no class could have served it
      return allocate.apply(size);
    }
    Entry<B> e = take(free[c]);
    if (e != null) {
      hits.increment();
      B b = e.pinned;
      e.pinned = null;
      outstanding.put(e, e);
      return b;
    }
    return allocateTracked(c);
  }

  private B allocateTracked(int c) {
    misses.increment();
    allocations.increment();
    purgeCollected();
    B b = allocate.apply(classSize(c));
    Entry<B> e = new Entry<>(b, collected);
    outstanding.put(e, e);
    return b;
  }

  void put(B b, String what) {
    int cap = capacity.applyAsInt(b);
    if (cap > maxSize) {
      dropped.increment(); // an oversize buffer: handed out untracked, never kept
      return;
    }
    int c = classOf(cap);
    if (classSize(c) != cap) {
      refused.increment();
      throw new IllegalArgumentException(
          "buffer: refused a " + what + " of capacity " + cap + ": no size class has it");
    }
    Entry<B> e = outstanding.remove(new Probe(b));
    if (e == null) {
      refused.increment();
      throw new IllegalArgumentException(
          "buffer: refused a " + what + " of capacity " + cap
              + " this pool did not hand out, or that was already put back");
    }
    e.pinned = b;
    if (!offer(free[c], e)) {
      e.pinned = null;
      dropped.increment();
    }
  }

  private static int start(int length) {
    long id = Thread.currentThread().threadId();
    return (int) ((id * 0x9E3779B97F4A7C15L) >>> 33) % length;
  }

  private Entry<B> take(AtomicReferenceArray<Entry<B>> slots) {
    int n = slots.length();
    if (n == 0) {
      return null;
    }
    int i = start(n);
    for (int k = 0; k < n; k++) {
      Entry<B> e = slots.get(i);
      if (e != null && slots.compareAndSet(i, e, null)) {
        return e;
      }
      if (++i == n) {
        i = 0;
      }
    }
    return null;
  }

  private boolean offer(AtomicReferenceArray<Entry<B>> slots, Entry<B> e) {
    int n = slots.length();
    if (n == 0) {
      return false;
    }
    int i = start(n);
    for (int k = 0; k < n; k++) {
      if (slots.get(i) == null && slots.compareAndSet(i, null, e)) {
        return true;
      }
      if (++i == n) {
        i = 0;
      }
    }
    return false;
  }

  private void purgeCollected() {
    for (Object r; (r = collected.poll()) != null; ) {
      outstanding.remove(r);
    }
  }

  BufferPool.Stats stats() {
    long buffers = 0;
    long bytes = 0;
    for (int c = 0; c < free.length; c++) {
      for (int i = 0; i < free[c].length(); i++) {
        if (free[c].get(i) != null) {
          buffers++;
          bytes += classSize(c);
        }
      }
    }
    purgeCollected();
    return new BufferPool.Stats(
        hits.sum(),
        misses.sum(),
        allocations.sum(),
        refused.sum(),
        dropped.sum(),
        outstanding.size(),
        buffers,
        bytes);
  }

  String describe() {
    return "classes " + classSize(0) + ".." + maxSize + " x " + retain;
  }

  /** A tracked buffer's identity for life; {@code pinned} holds it while it is free. */
  static final class Entry<B> extends WeakReference<B> {
    private final int hash;
    // The buffer while free (in a slot), else null. Written before the slot CAS that publishes
    // the entry, read after the CAS that takes it.
    B pinned;

    Entry(B b, ReferenceQueue<B> q) {
      super(b, q);
      hash = System.identityHashCode(b);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (o == this) {
        return true;
      }
      if (o instanceof Probe p) {
        return p.buffer == get();
      }
      return false; // two entries are distinct buffers; a collected entry equals only itself
    }
  }

  /** A lookup key for {@code outstanding}: equal to the entry of the same buffer. */
  private static final class Probe {
    private final Object buffer;
    private final int hash;

    Probe(Object buffer) {
      this.buffer = buffer;
      this.hash = System.identityHashCode(buffer);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry<?> e && e.get() == buffer;
    }
  }
}
