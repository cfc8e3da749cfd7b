package dev.runnel.context;

import dev.runnel.Channel;
import dev.runnel.ReceiveChannel;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * A {@link Context} implemented outside Runnel, as a user might write one: its only cancellation
 * signal is a channel it closes. Runnel must treat it as Go treats a foreign context, by watching
 * {@link #done()}.
 */
final class ForeignContext implements Context {

  private final Channel<Object> done = Channel.make();
  private final Map<Object, Object> values;
  private volatile CancellationException err;
  private volatile Throwable cause;

  ForeignContext(Map<Object, Object> values) {
    this.values = Map.copyOf(values);
  }

  ForeignContext() {
    this(Map.of());
  }

  /** Sets err and cause, then closes done, as Go's contract orders them. */
  synchronized void cancel(Throwable why) {
    if (err == null) {
      CancellationException e = new CancellationException("foreign context cancelled");
      cause = why == null ? e : why;
      err = e;
      done.close();
    }
  }

  @Override
  public Optional<Instant> deadline() {
    return Optional.empty();
  }

  @Override
  public ReceiveChannel<?> done() {
    return done;
  }

  @Override
  public CancellationException err() {
    return err;
  }

  @Override
  public Throwable cause() {
    return err == null ? null : cause;
  }

  @Override
  public Object value(Object key) {
    return values.get(key);
  }

  @Override
  public String toString() {
    return "foreign";
  }
}
