package dev.runnel.context;

import dev.runnel.ReceiveChannel;
import dev.runnel.internal.Access;
import dev.runnel.internal.CancelScope;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/** A context that is never cancelled and has no deadline: the roots, and withoutCancel. */
abstract class NeverCancelledContext implements Context, CancelScope.Source {

  @Override
  public final Optional<Instant> deadline() {
    return Optional.empty();
  }

  /** Go's nil channel: never ready, and a select treats it as a nil case. */
  @Override
  public final ReceiveChannel<?> done() {
    return Access.channels().nil();
  }

  @Override
  public final CancellationException err() {
    return null;
  }

  @Override
  public final Throwable cause() {
    return null;
  }

  @Override
  public final CancelScope cancelScope() {
    return null;
  }
}
