package dev.runnel.buffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
   * Free buffers. Each class has STRIPES FreeLists (bounded lock-free queues) whose capacities add
   * up to `retain`; an entry in one has its `pinned` field set to the free buffer. A thread polls
   * and offers to its own stripe first (by its id), then to the others, so threads mostly touch
   * their own stripe's head and tail, as Go's per-P pool caches do; a get misses only when every
   * stripe is empty, a put drops only when every stripe is full. Each step is O(1) and never
   * waits for another thread.

   * Registry. Every tracked buffer has one Entry for life: a WeakReference to the buffer (so a
   * buffer its user drops is collected, and its Entry purged from the registry on a later miss)
   * with a strong `pinned` field set only while the buffer is free, and an `out` flag. `tracked`
   * maps identity -> Entry for every tracked buffer, free or handed out; entries are added when a
   * buffer is allocated and removed when it is dropped or collected, so the hot paths only read
   * the map. get polls an Entry and sets `out`; put looks the buffer up (absent: foreign,
   * refused), CASes `out` from true to false (the linearization point of a put: of two puts of
   * one buffer exactly one succeeds; the other is refused as a double put), and offers the Entry
   * to the free list (full: the Entry leaves `tracked` and the buffer is dropped). The
   * happens-before from put to the next get of the same buffer is the free list's release and
   * acquire of the cell's sequence number.
   */

  /**
   * Free lists per class, a power of two: each thread uses one first, so threads on different
   * cores rarely write the same free list's head and tail. Twice the processors, at most 16.
   */
  private static final int STRIPES =
      Math.min(16, Integer.highestOneBit(Runtime.getRuntime().availableProcessors() * 2));

  private final int minShift;
  private final int maxSize;
  private final int retain;
  private final IntFunction<B> allocate;
  private final ToIntFunction<B> capacity;
  // free[c][s]: stripe s of class c; the stripes' capacities add up to `retain`.
  private final FreeList<Entry<B>>[][] free;
  private final ConcurrentHashMap<Object, Entry<B>> tracked = new ConcurrentHashMap<>();
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
    free = new FreeList[classes][STRIPES];
    for (int i = 0; i < classes; i++) {
      for (int s = 0; s < STRIPES; s++) {
        free[i][s] = new FreeList<>(retain / STRIPES + (s < retain % STRIPES ? 1 : 0));
      }
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
    Entry<B> e = poll(free[c]);
    if (e != null) {
      hits.increment();
      B b = e.pinned;
      e.pinned = null;
      e.out = true;
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
    e.out = true;
    tracked.put(e, e);
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
    Entry<B> e = tracked.get(new Probe(b));
    if (e == null) {
      refused.increment();
      throw new IllegalArgumentException(
          "buffer: refused a " + what + " of capacity " + cap + " this pool did not hand out");
    }
    if (!Entry.OUT.compareAndSet(e, true, false)) {
      refused.increment();
      throw new IllegalArgumentException(
          "buffer: refused a " + what + " of capacity " + cap + " already put back");
    }
    e.pinned = b;
    if (!offer(free[c], e)) {
      e.pinned = null;
      tracked.remove(e);
      dropped.increment();
    }
  }

  /** The calling thread's stripe: fixed for the thread's life, spread by Fibonacci hashing. */
  private static int stripe() {
    return (int) ((Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L) >>> 60) & (STRIPES - 1);
  }

  /** Polls the caller's stripe first, then the others. */
  private Entry<B> poll(FreeList<Entry<B>>[] stripes) {
    int s = stripe();
    for (int k = 0; k < STRIPES; k++) {
      Entry<B> e = stripes[(s + k) & (STRIPES - 1)].poll();
      if (e != null) {
        return e;
      }
    }
    return null;
  }

  /** Offers to the caller's stripe first, then the others. */
  private boolean offer(FreeList<Entry<B>>[] stripes, Entry<B> e) {
    int s = stripe();
    for (int k = 0; k < STRIPES; k++) {
      if (stripes[(s + k) & (STRIPES - 1)].offer(e)) {
        return true;
      }
    }
    return false;
  }

  private void purgeCollected() {
    for (Object r; (r = collected.poll()) != null; ) {
      tracked.remove(r);
    }
  }

  BufferPool.Stats stats() {
    long buffers = 0;
    long bytes = 0;
    for (int c = 0; c < free.length; c++) {
      int n = 0;
      for (FreeList<Entry<B>> stripe : free[c]) {
        n += stripe.size();
      }
      buffers += n;
      bytes += (long) n * classSize(c);
    }
    purgeCollected();
    long outstanding = Math.max(0, tracked.size() - buffers);
    return new BufferPool.Stats(
        hits.sum(),
        misses.sum(),
        allocations.sum(),
        refused.sum(),
        dropped.sum(),
        outstanding,
        buffers,
        bytes);
  }

  String describe() {
    return "classes " + classSize(0) + ".." + maxSize + " x " + retain;
  }

  /** A tracked buffer's identity for life; {@code pinned} holds it while it is free. */
  static final class Entry<B> extends WeakReference<B> {
    static final VarHandle OUT;

    static {
      try {
        OUT = MethodHandles.lookup().findVarHandle(Entry.class, "out", boolean.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final int hash;
    // True while handed out. Set by the get that hands the buffer out (which owns the entry after
    // its poll); CASed to false by the one put that takes it back.
    volatile boolean out;
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

  /** A lookup key for {@code tracked}: equal to the entry of the same buffer. */
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
