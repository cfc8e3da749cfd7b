package dev.runnel.buffer;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * The machinery behind {@link BufferPool} and {@link ByteBufferPool}: size classes, the bounded
 * free list of each, and the registry of buffers handed out.
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
   * Free buffers. Each class has a FreeList, a bounded lock-free queue of at most `retain`
   * entries whose `pinned` field is the free buffer. get polls it, put offers to it; an empty
   * list means allocate, a full one means drop. Both are O(1) and never wait for another thread.
   *
   * Registry. Every tracked buffer has one Entry for life: a WeakReference to the buffer (so a
   * buffer its user drops is collected, and its Entry purged from the registry later) with a
   * strong `pinned` field set only while the buffer is free. `outstanding` maps identity ->
   * Entry for the buffers handed out and not yet put back. get moves an Entry from a free list
   * into `outstanding`; put removes it from `outstanding` (the linearization point of a put:
   * exactly one of two concurrent puts of one buffer removes it) and offers it to the free list.
   * A buffer not in `outstanding` is foreign, or already put back: refused. The happens-before
   * from put to the next get of the same buffer is the free list's release/acquire on the cell's
   * sequence number.
   */

  private final int minShift;
  private final int maxSize;
  private final int retain;
  private final IntFunction<B> allocate;
  private final ToIntFunction<B> capacity;
  private final FreeList<Entry<B>>[] free;
  private final ConcurrentHashMap<Object, Entry<B>> outstanding = new ConcurrentHashMap<>();
  private final ReferenceQueue<B> collected = new ReferenceQueue<>();

  final LongAdder hits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder allocations = new LongAdder();
  final LongAdder refused = new LongAdder();
  final LongAdder dropped = new LongAdder();

  @SuppressWarnings({"unchecked", "rawtypes"})
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
    free = new FreeList[classes];
    for (int i = 0; i < classes; i++) {
      free[i] = new FreeList<>(retain);
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
    Entry<B> e = free[c].poll();
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
    if (!free[c].offer(e)) {
      e.pinned = null;
      dropped.increment();
    }
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
      int n = free[c].size();
      buffers += n;
      bytes += (long) n * classSize(c);
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
    // The buffer while free (in a free list), else null. Written before the offer that
    // publishes the entry, read after the poll that takes it.
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
