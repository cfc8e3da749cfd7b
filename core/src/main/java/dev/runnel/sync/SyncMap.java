package dev.runnel.sync;

import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;

/**
 * A map that goroutines may use concurrently without further locking: Go's {@code sync.Map}.
 *
 * <p>The zero value, made by {@link #SyncMap()}, is empty and ready to use. Keys compare with
 * {@link Object#equals} and {@link Object#hashCode}, Go's {@code ==} for comparable keys; so do
 * the {@code old} values of {@link #compareAndSwap} and {@link #compareAndDelete}. Keys and values
 * must not be null.
 *
 * <table>
 *   <caption>Operations</caption>
 *   <tr><th>Go</th><th>here</th><th>returns</th></tr>
 *   <tr><td>{@code Load}</td><td>{@link #load}</td><td>the value, or null if absent</td></tr>
 *   <tr><td>{@code Store}</td><td>{@link #store}</td><td>nothing</td></tr>
 *   <tr><td>{@code LoadOrStore}</td><td>{@link #loadOrStore}</td>
 *       <td>{@link Loaded}: the existing value and true, or the stored value and false</td></tr>
 *   <tr><td>{@code LoadAndDelete}</td><td>{@link #loadAndDelete}</td>
 *       <td>{@link Loaded}: the deleted value and true, or null and false</td></tr>
 *   <tr><td>{@code Delete}</td><td>{@link #delete}</td><td>nothing</td></tr>
 *   <tr><td>{@code Swap}</td><td>{@link #swap}</td>
 *       <td>{@link Loaded}: the previous value and true, or null and false</td></tr>
 *   <tr><td>{@code CompareAndSwap}</td><td>{@link #compareAndSwap}</td><td>whether it swapped</td>
 *       </tr>
 *   <tr><td>{@code CompareAndDelete}</td><td>{@link #compareAndDelete}</td>
 *       <td>whether it deleted</td></tr>
 *   <tr><td>{@code Range}</td><td>{@link #range}</td><td>nothing</td></tr>
 *   <tr><td>{@code Clear}</td><td>{@link #clear}</td><td>nothing</td></tr>
 * </table>
 *
 * <p>Memory consistency effects (Go's words for {@code sync.Map}): a write operation
 * happens-before any read operation that observes the effect of the write. {@code load}, {@code
 * loadAndDelete}, {@code loadOrStore}, {@code swap}, {@code compareAndSwap} and {@code
 * compareAndDelete} are read operations; {@code delete}, {@code loadAndDelete}, {@code store} and
 * {@code swap} are write operations; {@code loadOrStore} is a write operation when it returns
 * {@code loaded == false}, {@code compareAndSwap} when it returns true, {@code compareAndDelete}
 * when it returns true. So actions in a goroutine prior to storing a value happen-before actions
 * in another goroutine after it loads that value.
 *
 * <p>Go: {@code sync.Map}, with these differences. Go's two results become a {@link Loaded}
 * record, and {@code Load}'s {@code ok} becomes a null result. Go allows nil values; here a null
 * value throws {@link NullPointerException} ({@code "SyncMap: null value"}), so that {@code null}
 * can mean "absent". A {@code null} {@code old} never matches. Go panics on an incomparable key;
 * here any object is a key, compared with {@code equals}.
 *
 * {@snippet :
 * SyncMap<String, Session> sessions = new SyncMap<>();
 * Loaded<Session> r = sessions.loadOrStore(id, new Session(id));
 * Session s = r.value();                    // the one every goroutine agrees on
 * sessions.range((key, value) -> {
 *   System.out.println(key + " -> " + value);
 *   return true;                            // false stops the iteration
 * });
 * }
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class SyncMap<K, V> {

  /*
   * Implementation notes.
   *
   * Everything delegates to one ConcurrentHashMap. Go's sync.Map is a read-only map behind an
   * atomic pointer plus a mutex-guarded dirty map, a design Go's docs recommend only for
   * append-mostly caches and disjoint key sets, because a Go map cannot be read while written.
   * The JVM's ConcurrentHashMap has no such limit: reads are lock-free volatile reads, writes lock
   * one bin, and it resizes cooperatively. It beats Go's design for every access pattern sync.Map
   * targets and for the mixed read/write patterns sync.Map handles badly, so there is nothing to
   * port. Each operation is one CHM call, and CHM's linearization points are this class's; CHM's
   * own guarantee ("actions in a thread prior to placing an object into any concurrent collection
   * happen-before actions subsequent to the access or removal of that element from the collection
   * in another thread") gives the memory consistency effects in the class doc.
   *
   * compareAndSwap and compareAndDelete are CHM.replace(k, old, new) and CHM.remove(k, old),
   * which compare the current value with old.equals under the bin lock: the compare and the swap
   * are one atomic step. equals (user code) runs under that bin lock, as it does for every CHM
   * user; it must not touch this map.
   *
   * range and "no key visited more than once". CHM's iterators are weakly consistent: they
   * return each entry present when the iteration began at most once, but a key that is deleted
   * and stored again during the walk may be returned twice (the new node is appended to the tail
   * of a bin the walker is still on). Go's Range promises no key twice, so range remembers the
   * keys it has passed to f in a HashSet local to the call: O(n) extra space per range, the same
   * order as the copy Go's Range makes when the map has pending writes. Which value range sees for
   * a key written concurrently is whichever the iterator reads, as in Go.
   *
   * clear. CHM.clear empties one bin at a time, so a store that follows it could be wiped by it,
   * where Go's Clear is atomic. clear therefore replaces the map: every operation reads the map
   * field once, so the operations that read the old map linearize before the replacement and
   * those that read the new one after it.
   *
   * Nulls: CHM refuses null keys and values; this class checks first so the messages name it.
   */

  /** The result for an absent key: shared, since a record is immutable. */
  private static final Loaded<?> ABSENT = new Loaded<>(null, false);

  /** Replaced, never emptied, by clear; every operation reads it once. */
  private volatile ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();

  /** Makes an empty map: Go's zero {@code sync.Map}. */
  public SyncMap() {}

  /**
   * Returns the value stored for {@code key}: Go's {@code value, ok := m.Load(key)}.
   *
   * @param key the key
   * @return the value, or {@code null} if there is none (Go's {@code ok == false})
   * @throws NullPointerException if {@code key} is null
   */
  public V load(K key) {
    return map.get(checkKey(key));
  }

  /**
   * Sets the value for {@code key}: Go's {@code m.Store(key, value)}.
   *
   * @param key the key
   * @param value the value
   * @throws NullPointerException if {@code key} or {@code value} is null ({@code "SyncMap: null
   *     value"})
   */
  public void store(K key, V value) {
    map.put(checkKey(key), checkValue(value));
  }

  /**
   * Returns the existing value for {@code key} if present; otherwise stores {@code value} and
   * returns it: Go's {@code actual, loaded := m.LoadOrStore(key, value)}.
   *
   * @param key the key
   * @param value the value to store if {@code key} is absent
   * @return the existing value and {@code true}, or {@code value} and {@code false} if it was
   *     stored
   * @throws NullPointerException if {@code key} or {@code value} is null
   */
  public Loaded<V> loadOrStore(K key, V value) {
    V existing = map.putIfAbsent(checkKey(key), checkValue(value));
    return existing != null ? new Loaded<>(existing, true) : new Loaded<>(value, false);
  }

  /**
   * Deletes the value for {@code key}, returning it: Go's {@code value, loaded :=
   * m.LoadAndDelete(key)}.
   *
   * @param key the key
   * @return the deleted value and {@code true}, or {@code null} and {@code false} if there was none
   * @throws NullPointerException if {@code key} is null
   */
  public Loaded<V> loadAndDelete(K key) {
    return loaded(map.remove(checkKey(key)));
  }

  /**
   * Deletes the value for {@code key}, if any: Go's {@code m.Delete(key)}.
   *
   * @param key the key
   * @throws NullPointerException if {@code key} is null
   */
  public void delete(K key) {
    map.remove(checkKey(key));
  }

  /**
   * Stores {@code value} for {@code key} and returns the previous value: Go's {@code previous,
   * loaded := m.Swap(key, value)}.
   *
   * @param key the key
   * @param value the new value
   * @return the previous value and {@code true}, or {@code null} and {@code false} if there was
   *     none
   * @throws NullPointerException if {@code key} or {@code value} is null
   */
  public Loaded<V> swap(K key, V value) {
    return loaded(map.put(checkKey(key), checkValue(value)));
  }

  /**
   * Stores {@code value} for {@code key} if the current value equals {@code old}: Go's {@code
   * m.CompareAndSwap(key, old, new)}. The comparison and the store are one atomic step.
   *
   * @param key the key
   * @param old the expected current value; {@code null} never matches
   * @param value the new value
   * @return true if the value was swapped; false if {@code key} is absent or its value does not
   *     equal {@code old}
   * @throws NullPointerException if {@code key} or {@code value} is null
   */
  public boolean compareAndSwap(K key, V old, V value) {
    checkKey(key);
    checkValue(value);
    return old != null && map.replace(key, old, value);
  }

  /**
   * Deletes the entry for {@code key} if its value equals {@code old}: Go's {@code
   * m.CompareAndDelete(key, old)}. The comparison and the delete are one atomic step.
   *
   * @param key the key
   * @param old the expected current value; {@code null} never matches
   * @return true if the entry was deleted; false if {@code key} is absent or its value does not
   *     equal {@code old}
   * @throws NullPointerException if {@code key} is null
   */
  public boolean compareAndDelete(K key, V old) {
    checkKey(key);
    return old != null && map.remove(key, old);
  }

  /**
   * Calls {@code f} for each key and value in the map until {@code f} returns false: Go's {@code
   * m.Range(f)}.
   *
   * <p>Like Go's, {@code range} does not see a consistent snapshot: no key is visited more than
   * once, but an entry stored or deleted while {@code range} runs (also by {@code f}) may or may
   * not be visited, and a key written concurrently may be seen with any value it had during the
   * call. {@code f} may call any method of this map. {@code range} stops as soon as {@code f}
   * returns false.
   *
   * @param f called with each key and value; returns false to stop the iteration
   * @throws NullPointerException if {@code f} is null
   */
  public void range(BiPredicate<? super K, ? super V> f) {
    Objects.requireNonNull(f, "f");
    Set<K> visited = new HashSet<>();
    for (Map.Entry<K, V> e : map.entrySet()) {
      K key = e.getKey();
      if (visited.add(key) && !f.test(key, e.getValue())) {
        return;
      }
    }
  }

  /** Deletes every entry, atomically: Go's {@code m.Clear()}. */
  public void clear() {
    map = new ConcurrentHashMap<>();
  }

  @Override
  public String toString() {
    return "SyncMap" + map;
  }

  private static <T> T checkKey(T key) {
    return Objects.requireNonNull(key, "SyncMap: null key");
  }

  private static <T> T checkValue(T value) {
    return Objects.requireNonNull(value, "SyncMap: null value");
  }

  @SuppressWarnings("unchecked")
  private static <V> Loaded<V> loaded(V previous) {
    return previous != null ? new Loaded<>(previous, true) : (Loaded<V>) ABSENT;
  }
}
