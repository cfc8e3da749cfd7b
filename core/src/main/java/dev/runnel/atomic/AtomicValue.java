package dev.runnel.atomic;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A value that goroutines load and replace atomically, whose class is fixed by the first store:
 * Go's {@code sync/atomic.Value}.
 *
 * <p>The zero value, made by {@link #AtomicValue()}, holds nothing: {@link #load()} returns
 * {@code null} until the first {@link #store}, {@link #swap} or {@link #compareAndSwap}. From then
 * on every value must be non-null and of exactly the class ({@link Object#getClass()}) of the
 * first one, as Go requires one dynamic type; a subclass counts as another class. Misuse throws
 * with Go's panic text, followed for a class mismatch by the classes involved ({@code ...
 * into Value: java.lang.Integer, holds java.lang.String}):
 *
 * <table>
 *   <caption>Misuse</caption>
 *   <tr><th>what</th><th>exception</th><th>message</th></tr>
 *   <tr><td>a null new value</td><td>{@link NullPointerException}</td>
 *       <td>{@code sync/atomic: store of nil value into Value} (or {@code swap of},
 *       {@code compare and swap of})</td></tr>
 *   <tr><td>a new value of another class</td><td>{@link IllegalArgumentException}</td>
 *       <td>{@code sync/atomic: store of inconsistently typed value into Value} (or {@code swap
 *       of}, {@code compare and swap of})</td></tr>
 *   <tr><td>{@code compareAndSwap} with a non-null {@code old} of another class than the new
 *       value</td><td>{@link IllegalArgumentException}</td>
 *       <td>{@code sync/atomic: compare and swap of inconsistently typed values}</td></tr>
 * </table>
 *
 * <p>The intended use is a copy-on-write snapshot: writers build a new immutable object and store
 * it; readers load whichever snapshot is current, without locking, and never see one half built.
 *
 * <p>Memory consistency effects: a {@code store}, a {@code swap} or a successful {@code
 * compareAndSwap} happens-before every {@code load}, {@code swap} or {@code compareAndSwap} that
 * observes the value it wrote (all accesses are volatile). So actions in a goroutine prior to
 * storing an object (such as building it) happen-before actions in another goroutine after it
 * loads that object.
 *
 * <p>Go: {@code sync/atomic.Value} with {@code Load}, {@code Store}, {@code Swap} and {@code
 * CompareAndSwap}. Java differences: Go's panics are exceptions; {@code compareAndSwap} compares
 * with {@link Object#equals}, Go's {@code ==} for comparable values, where Go would panic on an
 * incomparable type; Go's "type" is the exact runtime class. A {@code Value} must not be copied
 * after first use in Go; a Java reference has no such trap.
 *
 * {@snippet :
 * AtomicValue<Config> current = new AtomicValue<>();
 * current.store(Config.load());            // a reloader goroutine, from time to time
 * Config config = current.load();          // every request: no lock, a whole snapshot
 * }
 *
 * @param <T> the type of the value
 */
public final class AtomicValue<T> {

  /*
   * Implementation notes.
   *
   * One volatile field, value, accessed only through the VarHandle VALUE in volatile mode
   * (getVolatile, setVolatile, getAndSet, compareAndSet). Every write is a volatile write or a
   * CAS, every read a volatile read, so the happens-before edge in the class doc is the
   * volatile/CAS synchronizes-with edge. No AtomicReference: one object per value, not two.
   *
   * The class check. Go pins the type with a sentinel while the first store is in flight; here
   * the first value itself pins the class: once VALUE is non-null it never becomes null again,
   * and every write is checked against the class of the value it replaces. A first store races
   * other first stores with CAS from null; the loser re-reads and checks against the winner's
   * class. store and swap therefore are CAS loops only until VALUE is non-null; after that,
   * store checks the class and does a volatile write (getClass() of a non-null value never
   * changes, so a check against any earlier value is a check against all of them).
   *
   * compareAndSwap and equals. The tempting implementation, VALUE.compareAndSet(old, new), compares
   * references, not Go's ==: a caller holding an equal but distinct boxed Integer would fail. The
   * loop instead reads the current reference, tests Objects.equals(current, old), and CASes that
   * exact reference; a failed CAS means another write intervened and the loop re-reads. The
   * linearization point of a successful compareAndSwap is its CAS; of a failed one, the volatile
   * read whose value was not equal to old. Go's CompareAndSwap with old == nil succeeds only on
   * the zero Value; the same holds here (equals(null, null) only while VALUE is null). Go returns
   * false when its final CAS loses a race; this loop re-reads instead, so it fails only when the
   * value it read did not equal old (no spurious failure; the outcomes stay linearizable). The
   * loop is lock-free: a retry happens only when another thread's write succeeded.
   *
   * equals is user code, called outside any lock (there is none).
   */

  private static final VarHandle VALUE;

  static {
    try {
      VALUE = MethodHandles.lookup().findVarHandle(AtomicValue.class, "value", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The current value; null only before the first write, never null after. Volatile. */
  @SuppressWarnings("unused") // accessed through VALUE
  private volatile Object value;

  /** Makes the zero value: holds nothing, {@link #load()} returns {@code null}. */
  public AtomicValue() {}

  /**
   * Returns the value set by the most recent store: Go's {@code v.Load()}.
   *
   * @return the current value, or {@code null} if nothing was ever stored
   */
  @SuppressWarnings("unchecked")
  public T load() {
    return (T) VALUE.getVolatile(this);
  }

  /**
   * Sets the value to {@code v}: Go's {@code v.Store(val)}.
   *
   * @param v the new value, of the same class as every earlier one
   * @throws NullPointerException if {@code v} is null ({@code "sync/atomic: store of nil value
   *     into Value"})
   * @throws IllegalArgumentException if {@code v}'s class differs from the stored value's ({@code
   *     "sync/atomic: store of inconsistently typed value into Value"})
   */
  public void store(T v) {
    if (v == null) {
      throw new NullPointerException("sync/atomic: store of nil value into Value");
    }
    Object current;
    while ((current = VALUE.getVolatile(this)) == null) {
      if (VALUE.compareAndSet(this, null, v)) { // the first store: pins v's class
        return;
      }
    }
    checkClass(current, v, "sync/atomic: store of inconsistently typed value into Value");
    VALUE.setVolatile(this, v);
  }

  /**
   * Sets the value to {@code v} and returns the previous value: Go's {@code v.Swap(new)}.
   *
   * @param v the new value, of the same class as every earlier one
   * @return the previous value, or {@code null} if nothing was stored before
   * @throws NullPointerException if {@code v} is null ({@code "sync/atomic: swap of nil value
   *     into Value"})
   * @throws IllegalArgumentException if {@code v}'s class differs from the stored value's ({@code
   *     "sync/atomic: swap of inconsistently typed value into Value"})
   */
  @SuppressWarnings("unchecked")
  public T swap(T v) {
    if (v == null) {
      throw new NullPointerException("sync/atomic: swap of nil value into Value");
    }
    Object current;
    while ((current = VALUE.getVolatile(this)) == null) {
      if (VALUE.compareAndSet(this, null, v)) {
        return null;
      }
    }
    checkClass(current, v, "sync/atomic: swap of inconsistently typed value into Value");
    return (T) VALUE.getAndSet(this, v);
  }

  /**
   * Sets the value to {@code v} if the current value equals {@code old}: Go's {@code
   * v.CompareAndSwap(old, new)}. The comparison uses {@link Object#equals}, and the swap is atomic
   * with it: the value replaced is the one that compared equal.
   *
   * @param old the expected value; {@code null} matches only a value that holds nothing yet
   * @param v the new value, of the same class as every earlier one
   * @return true if the value was swapped
   * @throws NullPointerException if {@code v} is null ({@code "sync/atomic: compare and swap of
   *     nil value into Value"})
   * @throws IllegalArgumentException if {@code old} is non-null and of another class than {@code
   *     v} ({@code "sync/atomic: compare and swap of inconsistently typed values"}), or if {@code
   *     v}'s class differs from the stored value's ({@code "sync/atomic: compare and swap of
   *     inconsistently typed value into Value"})
   */
  public boolean compareAndSwap(T old, T v) {
    if (v == null) {
      throw new NullPointerException("sync/atomic: compare and swap of nil value into Value");
    }
    if (old != null && old.getClass() != v.getClass()) {
      throw new IllegalArgumentException(
          "sync/atomic: compare and swap of inconsistently typed values: old "
              + old.getClass().getName()
              + ", new "
              + v.getClass().getName());
    }
    while (true) {
      Object current = VALUE.getVolatile(this);
      if (current == null) {
        if (old != null) {
          return false;
        }
        if (VALUE.compareAndSet(this, null, v)) {
          return true;
        }
        continue; // a first store won; compare against it
      }
      checkClass(
          current, v, "sync/atomic: compare and swap of inconsistently typed value into Value");
      if (!Objects.equals(current, old)) {
        return false;
      }
      if (VALUE.compareAndSet(this, current, v)) {
        return true;
      }
    }
  }

  /** Go's {@code goText} if {@code v} is not of the stored value's class, naming both. */
  private static void checkClass(Object current, Object v, String goText) {
    if (current.getClass() != v.getClass()) {
      throw new IllegalArgumentException(
          goText + ": " + v.getClass().getName() + ", holds " + current.getClass().getName());
    }
  }

  @Override
  public String toString() {
    return "AtomicValue[" + VALUE.getVolatile(this) + "]";
  }
}
