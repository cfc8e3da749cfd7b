package dev.runnel;

import dev.runnel.context.Context;
import dev.runnel.internal.CancelScope;
import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import java.time.Duration;
import java.util.Iterator;

/**
 * A receive-only view of a channel (Go's {@code <-chan E}): what a context's {@code done()} and a
 * timer's {@code c()} return, so that no holder can send on them or close them. {@link Select}
 * accepts it like the channel itself.
 *
 * <p>A view of no channel ({@code core == null}) is Go's nil channel: never ready; receiving
 * blocks until interrupted or cancelled. A synchronous view (a timer's) reports length and
 * capacity 0, as Go 1.23's timer channels do.
 */
final class ReceiveOnlyChannel<E> implements ReceiveChannel<E> {

  static final ReceiveOnlyChannel<?> NIL = new ReceiveOnlyChannel<>(null, true);

  final ChannelCore core;
  private final boolean synchronous;

  ReceiveOnlyChannel(ChannelCore core, boolean synchronous) {
    this.core = core;
    this.synchronous = synchronous;
  }

  private Object receive(long deadline, CancelScope scope) throws InterruptedException {
    if (core != null) {
      return core.receive(deadline, scope);
    }
    if (deadline == 0) {
      return ChannelCore.NONE;
    }
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    Object t = Waiter.of(WaitReason.CHAN_RECEIVE_NIL, this).await(deadline, true, scope);
    if (t == Waiter.INTERRUPTED) {
      throw new InterruptedException();
    }
    return t == Waiter.CONTEXT_DONE ? t : ChannelCore.NONE;
  }

  @Override
  public E receive() throws InterruptedException {
    return ChannelCore.value(receive(Long.MAX_VALUE, null));
  }

  @Override
  public Received<E> receiveOk() throws InterruptedException {
    return ChannelCore.received(receive(Long.MAX_VALUE, null));
  }

  @Override
  public E receive(Context ctx) throws InterruptedException {
    return ChannelCore.value(receive(Long.MAX_VALUE, CancelScope.enter(ctx)), ctx);
  }

  @Override
  public Received<E> receiveOk(Context ctx) throws InterruptedException {
    return ChannelCore.received(receive(Long.MAX_VALUE, CancelScope.enter(ctx)), ctx);
  }

  @Override
  public Received<E> receive(Duration timeout) throws InterruptedException {
    return ChannelCore.received(receive(Waiter.deadlineAfter(timeout), null));
  }

  @Override
  public Received<E> tryReceive() {
    try {
      return ChannelCore.received(receive(0, null));
    } catch (InterruptedException impossible) { // a non-blocking receive never waits
      throw new AssertionError(impossible);
    }
  }

  @Override
  public int size() {
    return synchronous || core == null ? 0 : core.length();
  }

  @Override
  public int capacity() {
    return synchronous || core == null ? 0 : core.capacity();
  }

  @Override
  public Iterator<E> iterator() {
    return new ChannelIterator<>(this);
  }

  @Override
  public String toString() {
    return core == null ? "nil chan" : "<-" + core;
  }
}
