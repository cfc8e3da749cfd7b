package dev.runnel.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * A set of temporary objects that goroutines may save and take back, to relieve pressure on the
 * garbage collector: Go's {@code sync.Pool}.
 *
 * <p>{@link #get()} hands out some pooled object, removing it from the pool, or makes a new one
 * with the {@code newFn} given to {@link #Pool(Supplier)}; the zero value, {@link #Pool()}, has no
 * {@code newFn} and returns {@code null} when it has nothing. {@link #put(Object)} gives an object
 * back. The pool may drop any object at any time without telling anyone: it holds a bounded
 * number of objects (a put to a full part of the pool drops the object), and an object left
 * unused across two garbage collections is dropped, as Go drops it. So a pool never pins memory:
 * use it for buffers and other scratch objects that are costly to make, not for objects whose
 * loss matters (connections). A pooled object should be reset by whoever puts or gets it; the
 * pool never looks inside it.
 *
 * <p>Any number of goroutines may use one pool at once. An object is never handed to two callers
 * of {@code get} unless it was {@code put} twice. No lock is held while {@code newFn} runs.
 *
 * <p>Memory consistency effects: actions in a goroutine prior to {@code put(x)} happen-before
 * actions in another goroutine after a {@code get()} that returns {@code x}; actions in {@code
 * newFn} that made {@code x} happen-before the {@code get()} that returns it (it runs in the
 * calling goroutine).
 *
 * <p>Go: {@code sync.Pool} with its {@code New} field, {@code Get} and {@code Put}. {@code put(null)}
 * is ignored, as Go ignores {@code Put(nil)}. Go keeps a cache per processor (P); goroutines here
 * are virtual threads that move between carriers, so the pool keeps a fixed set of small striped
 * caches, chosen by the calling thread's id, instead. Go drops idle objects across two GC cycles
 * with a victim cache; so does this pool, observing the JVM's collections through a {@link
 * Cleaner}.
 *
 * {@snippet :
 * Pool<byte[]> buffers = new Pool<>(() -> new byte[1024]);
 * byte[] buf = buffers.get();
 * try {
 *   int n = in.read(buf);
 *   out.write(buf, 0, n);
 * } finally {
 *   buffers.put(buf);
 * }
 * }
 *
 * @param <T> the type of the pooled objects
 */
public final class Pool<T> {

  /*
   * Implementation notes.
   *
   * Layout. A pool is two arrays of slots, the primary generation and the victim generation,
   * each divided into STRIPES stripes of SLOTS slots. Stripe s occupies indexes [PAD + s *
   * STRIDE, PAD + s * STRIDE + SLOTS); everything else is padding. A slot holds a pooled object
   * or null. STRIPES is the smallest power of two >= 2 x availableProcessors (capped at
   * MAX_STRIPES), so the pool holds at most 2 x STRIPES x SLOTS objects.
   *
   * Padding. Between two stripes' slots, and between the first or last stripe and the ends of
   * the array, lie at least 16 references (64 bytes with compressed oops, 128 without), so no
   * 64-byte line holds slots of two stripes, or slots and anything outside the array, whatever
   * the array's alignment. The ends matter: the Pool object itself is allocated right before its
   * primary array, and every get and put reads Pool.primary; without the leading pad, CASes on
   * stripe 0 made that read miss on every other core (measured on 2 cores: a get+put pair took
   * about 23 ns instead of 8 ns). The cost is (STRIPES x STRIDE + PAD) references per
   * generation, 576 bytes on 2 cores.
   *
   * Why not Go's per-P design, and why no ThreadLocal. Go pins the goroutine to its P and uses a
   * private slot plus a per-P lock-free deque without atomics on the fast path. A JVM library
   * cannot pin a virtual thread to its carrier nor ask which carrier it is on, and a ThreadLocal
   * cache per goroutine defeats pooling when goroutines are many and short-lived (every new
   * goroutine finds its cache empty, every dead one strands its objects). Instead each thread
   * maps to a stripe by Fibonacci hashing of Thread.threadId(): fixed for the thread's life,
   * spread evenly over consecutive ids, and independent of the carrier. Threads that share a
   * stripe contend only through CAS.
   *
   * Ownership invariant: an object put once is in at most one slot, and leaves a slot only by a
   * successful CAS(slot, x, null) in get, or by being overwritten with null in rotate (dropped).
   * Only one CAS from x can succeed, so only one get returns x. Nothing ever copies an object
   * from slot to slot or array to array (rotation swaps whole arrays), so no object can be
   * duplicated.
   *
   * get: own stripe of the primary, then every other stripe of the primary (stealing), then the
   * victim generation from the own stripe on, then newFn. Every scan is bounded (STRIPES x SLOTS
   * per generation); a failed CAS just moves on to the next slot, it never retries, so get is
   * wait-free apart from newFn. A get may miss an object put concurrently; it then returns
   * newFn's (Go's Get may also "ignore the pool and treat it as empty").
   * put: the first empty slot of the own stripe of the primary, by CAS(null, x); if the stripe
   * is full, the object is dropped. Bounded and wait-free too. put never writes to the victim.
   * Access modes: slots are read with getAcquire and written with CAS (volatile); the CAS in put
   * pairs with the CAS in the get that takes the object (the happens-before in the class doc).
   *
   * Idle drop. Go's poolCleanup runs at the start of every GC: the victim is dropped, the primary
   * becomes the victim, and get looks in the victim after the primary. So an object not taken
   * for two GC cycles becomes garbage. Here a GcWatcher registers a throwaway sentinel object
   * with a Cleaner; the first collection that finds it unreachable (any collection, young ones
   * included) makes the Cleaner's thread run the watcher, which rotates every live pool and
   * registers a fresh sentinel. rotate (run on that one thread, except in tests):
   *   1. empty the old victim array (setVolatile null in each slot);
   *   2. victim = old primary;
   *   3. primary = the emptied array (reused: no allocation per GC).
   * Races with rotate are harmless. A get that took a slot before step 1 owns it; step 1 then
   * writes null over null. A put that read the old primary before step 3 puts into what is now
   * the victim, where a get still finds it until the next rotation drops it. A put that is
   * delayed across two rotations may put into the array that has since become the primary again:
   * the object simply is pooled. No rotation can hand one object to two callers, by the
   * ownership invariant. Pools are registered in POOLS through weak references, so an
   * unreferenced pool and its objects are collected; the watcher drops cleared references.
   * rotate skips a pool whose two generations are empty, so idle pools cost a scan, not writes.
   *
   * The Cleaner's thread is a daemon platform thread started when the first Pool is made; no
   * user code runs on it.
   */

  /** Slots per stripe: enough to absorb a burst of puts, few enough to scan in one cache line. */
  static final int SLOTS = 8;

  /** Array distance between two stripes: SLOTS slots and 24 references of padding. */
  private static final int STRIDE = 32;

  /** Array index of the first stripe's first slot: padding after the array header. */
  private static final int PAD = 16;

  /** The most stripes a pool has, so that a miss (a full scan) stays cheap on huge machines. */
  private static final int MAX_STRIPES = 256;

  /** Stripes per pool: the smallest power of two at least twice the processor count. */
  static final int STRIPES;

  /** log2(STRIPES): the stripe index is the top STRIPE_BITS bits of the hashed thread id. */
  private static final int STRIPE_BITS;

  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

  static {
    int want = Math.min(MAX_STRIPES, 2 * Runtime.getRuntime().availableProcessors());
    int stripes = 2;
    while (stripes < want) {
      stripes <<= 1;
    }
    STRIPES = stripes;
    STRIPE_BITS = Integer.numberOfTrailingZeros(stripes);
  }

  /** Makes an object when the pool has none to give; null for Go's nil {@code New}. */
  private final Supplier<? extends T> newFn;

  /**
   * The generation that put fills and get searches first. Volatile: written only by rotate (on
   * the GcWatcher's thread), read once per get or put.
   */
  private volatile Object[] primary = new Object[STRIPES * STRIDE + PAD];

  /** The previous primary, searched by get after the primary. Volatile, written only by rotate. */
  private volatile Object[] victim = new Object[STRIPES * STRIDE + PAD];

  /** Makes an empty pool without a {@code newFn}: Go's zero {@code sync.Pool}. */
  public Pool() {
    this.newFn = null;
    GcWatcher.register(this);
  }

  /**
   * Makes an empty pool whose {@link #get()} calls {@code newFn} when it has nothing to give: Go's
   * {@code sync.Pool{New: newFn}}.
   *
   * @param newFn makes a new object; called without any lock held
   * @throws NullPointerException if {@code newFn} is null (use {@link #Pool()} for none)
   */
  public Pool(Supplier<? extends T> newFn) {
    this.newFn = Objects.requireNonNull(newFn, "newFn");
    GcWatcher.register(this);
  }

  /**
   * Removes some object from the pool and returns it: Go's {@code p.Get()}. Which object is
   * unspecified; callers must not assume any relation to what they put.
   *
   * @return a pooled object; if there is none, the result of {@code newFn}, or {@code null} for a
   *     pool made without one
   */
  @SuppressWarnings("unchecked")
  public T get() {
    Object[] slots = primary;
    int stripe = stripe();
    for (int i = base(stripe), end = i + SLOTS; i < end; i++) {
      Object x = SLOT.getAcquire(slots, i);
      if (x != null && SLOT.compareAndSet(slots, i, x, null)) {
        return (T) x;
      }
    }
    return getSlow(slots, stripe);
  }

  /** get after a miss in the own stripe: steal from other stripes, then the victim, then make. */
  @SuppressWarnings("unchecked")
  private T getSlow(Object[] slots, int stripe) {
    Object x = scan(slots, stripe + 1, STRIPES - 1);
    if (x == null) {
      x = scan(victim, stripe, STRIPES);
    }
    if (x != null) {
      return (T) x;
    }
    return newFn == null ? null : newFn.get();
  }

  /** Takes an object from {@code count} stripes of {@code slots}, from stripe {@code from} on. */
  private static Object scan(Object[] slots, int from, int count) {
    for (int s = 0; s < count; s++) {
      for (int i = base((from + s) & (STRIPES - 1)), end = i + SLOTS; i < end; i++) {
        Object x = SLOT.getAcquire(slots, i);
        if (x != null && SLOT.compareAndSet(slots, i, x, null)) {
          return x;
        }
      }
    }
    return null;
  }

  /**
   * Adds {@code x} to the pool, or drops it if the pool has no room: Go's {@code p.Put(x)}.
   * The caller must not use {@code x} afterwards.
   *
   * @param x the object; {@code null} is ignored, as in Go
   */
  public void put(T x) {
    if (x == null) {
      return;
    }
    Object[] slots = primary;
    for (int i = base(stripe()), end = i + SLOTS; i < end; i++) {
      if (SLOT.getAcquire(slots, i) == null && SLOT.compareAndSet(slots, i, null, x)) {
        return;
      }
    }
    // The stripe is full: drop x. A pool must not grow without bound.
  }

  /** The calling thread's stripe: fixed for its life, independent of its carrier. */
  private static int stripe() {
    long h = Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L; // Fibonacci hashing
    return (int) (h >>> (64 - STRIPE_BITS));
  }

  /** The array index of the first slot of {@code stripe}. */
  private static int base(int stripe) {
    return PAD + stripe * STRIDE;
  }

  /**
   * A collection was observed: drop the victim generation and demote the primary. Run on the
   * GcWatcher's thread, and by tests; two concurrent rotations only drop more objects.
   */
  void rotate() {
    Object[] oldPrimary = primary;
    Object[] oldVictim = victim;
    boolean primaryEmpty = isEmpty(oldPrimary);
    if (primaryEmpty && isEmpty(oldVictim)) {
      return;
    }
    for (int i = 0; i < oldVictim.length; i++) {
      if (SLOT.getAcquire(oldVictim, i) != null) {
        SLOT.setVolatile(oldVictim, i, null);
      }
    }
    victim = oldPrimary;
    primary = oldVictim;
  }

  private static boolean isEmpty(Object[] slots) {
    for (int i = 0; i < slots.length; i++) {
      if (SLOT.getAcquire(slots, i) != null) {
        return false;
      }
    }
    return true;
  }

  /** The number of objects the pool holds now, for tests: not atomic, a rough count. */
  int size() {
    return count(primary) + count(victim);
  }

  private static int count(Object[] slots) {
    int n = 0;
    for (int i = 0; i < slots.length; i++) {
      if (SLOT.getAcquire(slots, i) != null) {
        n++;
      }
    }
    return n;
  }

  @Override
  public String toString() {
    return "Pool[" + size() + " pooled]";
  }

  /**
   * Runs after every observed garbage collection and rotates every live pool: the JVM stand-in
   * for Go's {@code poolCleanup}, which the Go runtime calls at the start of each GC.
   */
  private static final class GcWatcher implements Runnable {

    /** One daemon platform thread for all pools; runs only {@link #run()}. */
    private static final Cleaner CLEANER =
        Cleaner.create(
            r -> {
              Thread t = new Thread(r, "runnel-pool-gc-watcher");
              t.setDaemon(true);
              return t;
            });

    /** Every pool made and not yet collected; cleared references are removed by run(). */
    private static final ConcurrentLinkedQueue<WeakReference<Pool<?>>> POOLS =
        new ConcurrentLinkedQueue<>();

    static {
      arm();
    }

    static void register(Pool<?> pool) {
      POOLS.add(new WeakReference<>(pool));
    }

    /** Registers a sentinel that becomes unreachable at once: the next collection reports it. */
    private static void arm() {
      CLEANER.register(new Object(), new GcWatcher());
    }

    @Override
    public void run() {
      try {
        for (Iterator<WeakReference<Pool<?>>> it = POOLS.iterator(); it.hasNext(); ) {
          Pool<?> pool = it.next().get();
          if (pool == null) {
            it.remove();
          } else {
            pool.rotate();
          }
        }
      } finally {
        arm();
      }
    }
  }
}
