package dev.runnel.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.runnel.atomic.AtomicValue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * An {@link AtomicValue}'s {@code store} happens-before a {@code load} that sees the stored value:
 * a plain write made before {@code store} is seen by a goroutine whose {@code load} returned the
 * new value. The value holds 1 from the start (so the store is not the class-pinning first
 * store's CAS, but the plain volatile set), and the writer stores 2.
 *
 * <p>Result: (the loaded value; the plain field, read after the load).
 */
@JCStressTest
@Outcome(id = "2, 42", expect = ACCEPTABLE, desc = "sees the new value and the write before it")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "loaded before the store")
@Outcome(id = "1, 42", expect = ACCEPTABLE_INTERESTING, desc = "saw the write, not yet the value")
@Outcome(id = "2, 0", expect = FORBIDDEN, desc = "saw the new value, but not the write before it")
@State
public class AtomicValueStoreHappensBeforeLoad {

  final AtomicValue<Integer> value = new AtomicValue<>();
  int x;

  public AtomicValueStoreHappensBeforeLoad() {
    value.store(1);
  }

  @Actor
  public void writer() {
    x = 42;
    value.store(2);
  }

  @Actor
  public void reader(II_Result r) {
    r.r1 = value.load();
    r.r2 = x;
  }
}
