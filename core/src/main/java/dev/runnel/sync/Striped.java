package dev.runnel.sync;

import java.util.Objects;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * A fixed set of locks, one chosen per key by its hash: the sharded-map pattern, where one lock
 * per shard replaces one lock for everything.
 *
 * <p>The same key always maps to the same lock; different keys usually map to different locks, so
 * goroutines working on different keys rarely wait for each other. Two keys may share a lock; code
 * that holds the locks of two keys must take them in a fixed order (for example by {@link
 * #indexOf}) to avoid deadlock, and must not lock the same stripe twice with a non-reentrant lock.
 *
 * <p><b>Memory consistency effects:</b> those of the lock type, per stripe.
 *
 * <p><b>Go:</b> no such type in Go's standard library; a Go sharded map builds the same with
 * {@code []*Shard} and {@code fnv32(key) % shardCount}.
 *
 * {@snippet :
 * Striped<RWMutex> locks = Striped.rwMutexes(64);
 * RWMutex l = locks.get(accountId);
 * l.lock();
 * try {
 *   update(accountId);
 * } finally {
 *   l.unlock();
 * }
 * }
 *
 * @param <L> the lock type
 */
public final class Striped<L> {

  private static final int MAX_STRIPES = 1 << 30;

  private final Object[] stripes;
  private final int mask;

  private Striped(int stripes, IntFunction<? extends L> make) {
    if (stripes <= 0 || stripes > MAX_STRIPES) {
      throw new IllegalArgumentException(
          "Striped: number of stripes not in [1, 2^30]: " + stripes);
    }
    int n = Integer.highestOneBit(stripes);
    n = n < stripes ? n << 1 : n; // round up to a power of two
    this.stripes = new Object[n];
    this.mask = n - 1;
    for (int i = 0; i < n; i++) {
      this.stripes[i] = Objects.requireNonNull(make.apply(i), "Striped: null lock");
    }
  }

  /**
   * {@code stripes} locks made by {@code make}, rounded up to a power of two.
   *
   * @param stripes the minimum number of locks
   * @param make makes one lock
   * @param <L> the lock type
   * @return the striped locks
   * @throws IllegalArgumentException if {@code stripes} is not in [1, 2^30]
   */
  public static <L> Striped<L> of(int stripes, Supplier<? extends L> make) {
    Objects.requireNonNull(make, "make");
    return new Striped<>(stripes, i -> make.get());
  }

  /**
   * Striped {@link Mutex}es.
   *
   * @param stripes the minimum number of locks
   * @return the striped mutexes
   */
  public static Striped<Mutex> mutexes(int stripes) {
    return new Striped<>(stripes, i -> new Mutex());
  }

  /**
   * Striped {@link RWMutex}es.
   *
   * @param stripes the minimum number of locks
   * @return the striped reader/writer mutexes
   */
  public static Striped<RWMutex> rwMutexes(int stripes) {
    return new Striped<>(stripes, i -> new RWMutex());
  }

  /**
   * The lock for {@code key}.
   *
   * @param key any object, by its {@code hashCode}; not null
   * @return the same lock for equal keys
   */
  public L get(Object key) {
    return at(indexOf(key));
  }

  /**
   * The stripe index of {@code key}, for taking several keys' locks in a fixed order.
   *
   * @param key any object; not null
   * @return an index in {@code [0, size())}
   */
  public int indexOf(Object key) {
    int h = key.hashCode();
    h ^= h >>> 16; // spread the high bits, as HashMap does
    h *= 0x9E3779B9;
    return (h ^ h >>> 15) & mask;
  }

  /**
   * The lock at {@code index}.
   *
   * @param index in {@code [0, size())}
   * @return that lock
   */
  @SuppressWarnings("unchecked")
  public L at(int index) {
    return (L) stripes[index];
  }

  /**
   * The number of locks.
   *
   * @return a power of two
   */
  public int size() {
    return stripes.length;
  }
}
