package dev.runnel.internal;

/** A goroutine blocked in a plain receive: Go's {@code chan receive}. */
final class ChanReceiveWait extends ChannelWait {

  ChanReceiveWait(ChannelCore channel) {
    super(channel, null);
  }

  @Override
  public WaitReason reason() {
    return WaitReason.CHAN_RECEIVE;
  }
}
