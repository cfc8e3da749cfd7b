package dev.runnel.context;

import dev.runnel.ReceiveChannel;
import dev.runnel.internal.Access;
import dev.runnel.internal.CancelScope;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/** {@link Context#background()} and {@link Context#todo()}: never cancelled, no values. */
final class EmptyContext implements Context, CancelScope.Source {

  static final EmptyContext BACKGROUND = new EmptyContext("context.Background");
  static final EmptyContext TODO = new EmptyContext("context.TODO");

  private final String name;

  private EmptyContext(String name) {
    this.name = name;
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
    return null;
  }

  @Override
  public CancelScope cancelScope() {
    return null;
  }

  @Override
  public String toString() {
    return name;
  }
}
