package dev.runnel.context;

import dev.runnel.ReceiveChannel;
import dev.runnel.internal.Access;
import dev.runnel.internal.CancelScope;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/** {@link Context#withoutCancel}: the parent's values, never its cancellation or deadline. */
final class WithoutCancelContext implements Context, CancelScope.Source {

  final Context parent;

  WithoutCancelContext(Context parent) {
    this.parent = parent;
  }

  @Override
  public Optional<Instant> deadline() {
    return Optional.empty();
  }

  @Override
  public ReceiveChannel<?> done() {
    return Access.channels().nil();
  }

  @Override
  public CancellationException err() {
    return null;
  }

  @Override
  public Throwable cause() {
    return null;
  }

  @Override
  public Object value(Object key) {
    return Contexts.value(parent, key);
  }

  @Override
  public CancelScope cancelScope() {
    return null;
  }

  @Override
  public String toString() {
    return parent + ".WithoutCancel";
  }
}
