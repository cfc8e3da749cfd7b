package dev.runnel.context;

import dev.runnel.ReceiveChannel;
import dev.runnel.internal.CancelScope;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * {@link Context#withValue}: one key-value pair over a parent, which does everything else.
 *
 * <p>Nothing here walks the chain by recursion, so a chain of any depth works. Everything but
 * values is asked of {@link #base}, the nearest ancestor that is not a value context, in one step.
 * Lookups walk a chain of value contexts only: each links to the nearest value context above it
 * ({@link #nextValue}), skipping the cancel and without-cancel contexts between, which hold no
 * values. So a lookup costs one compare and one pointer hop per value, with no type tests. A
 * context Runnel does not implement ends the chain ({@link #foreign}) and is asked itself.
 */
final class ValueContext implements Context, CancelScope.Source {

  final Context parent;
  final Object key;
  final Object value;
  /**
   * The nearest ancestor that is not a value context: a cancel context, a context that is never
   * cancelled, or a foreign one. Its done, err, cause and deadline are this context's.
   */
  private final Context base;
  /** The nearest value context above, through Runnel contexts only; null if none. */
  private final ValueContext nextValue;
  /** The first foreign context above, where {@link #nextValue} is null; else null. */
  private final Context foreign;

  ValueContext(Context parent, Object key, Object value) {
    this.parent = parent;
    this.key = key;
    this.value = value;
    this.base = parent instanceof ValueContext v ? v.base : parent;
    Context p = parent;
    for (; ; ) {
      if (p instanceof CancelCtx c) {
        p = c.parent();
      } else if (p instanceof WithoutCancelContext w) {
        p = w.parent;
      } else {
        break;
      }
    }
    this.nextValue = p instanceof ValueContext v ? v : null;
    this.foreign = p instanceof ValueContext || p instanceof EmptyContext ? null : p;
  }

  /** Go's {@code value(c, key)} from this context up. */
  Object lookup(Object k) {
    for (ValueContext v = this; ; ) {
      Object vk = v.key;
      if (k == vk || k.equals(vk)) {
        return v.value;
      }
      ValueContext next = v.nextValue;
      if (next == null) {
        return v.foreign == null ? null : v.foreign.value(k);
      }
      v = next;
    }
  }

  @Override
  public Optional<Instant> deadline() {
    return base.deadline();
  }

  @Override
  public ReceiveChannel<?> done() {
    return base.done();
  }

  @Override
  public CancellationException err() {
    return base.err();
  }

  @Override
  public Throwable cause() {
    return base.cause();
  }

  @Override
  public Object value(Object k) {
    return k == KEY ? this : lookup(k);
  }

  @Override
  public CancelScope cancelScope() {
    return CancelScope.of(base);
  }

  @Override
  public String toString() {
    return Contexts.name(this);
  }
}
