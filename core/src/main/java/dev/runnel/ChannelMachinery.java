package dev.runnel;

import dev.runnel.internal.Access;
import dev.runnel.internal.TimeSource;
import dev.runnel.internal.TimerHandle;

/** What {@link Channel} installs in {@link Access} for the time and context packages. */
final class ChannelMachinery implements Access.Channels {

  @Override
  public <E> ReceiveChannel<E> receiveOnly(Channel<E> channel) {
    return new ReceiveOnlyChannel<>(channel.core, false);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <E> ReceiveChannel<E> nil() {
    return (ReceiveChannel<E>) ReceiveOnlyChannel.NIL;
  }

  @Override
  public TimerHandle newChannelTimer(TimeSource time, long when, long period) {
    return new TimerChannel(time, when, period);
  }
}
