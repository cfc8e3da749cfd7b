package dev.runnel.context;

import dev.runnel.ReceiveChannel;
import dev.runnel.internal.CancelScope;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/** {@link Context#withValue}: one key-value pair over a parent, which does everything else. */
final class ValueContext implements Context, CancelScope.Source {

  final Context parent;
  final Object key;
  final Object value;
  private final CancelScope scope;

  ValueContext(Context parent, Object key, Object value) {
    this.parent = parent;
    this.key = key;
    this.value = value;
    this.scope = CancelScope.of(parent);
  }

  @Override
  public Optional<Instant> deadline() {
    return parent.deadline();
  }

  @Override
  public ReceiveChannel<?> done() {
    return parent.done();
  }

  @Override
  public CancellationException err() {
    return parent.err();
  }

  @Override
  public Throwable cause() {
    return parent.cause();
  }

  @Override
  public Object value(Object k) {
    return Contexts.value(this, k);
  }

  @Override
  public CancelScope cancelScope() {
    return scope;
  }

  @Override
  public String toString() {
    return parent + ".WithValue(" + key + ", " + value + ")";
  }
}
