package dev.runnel.internal;

/** A goroutine blocked in a plain send: Go's {@code chan send}. */
final class ChanSendWait extends ChannelWait {

  ChanSendWait(ChannelCore channel, Object item) {
    super(channel, item);
  }

  @Override
  public WaitReason reason() {
    return WaitReason.CHAN_SEND;
  }
}
