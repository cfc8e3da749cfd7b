package dev.runnel.internal;

/** One case of a blocked select: a wait node that completes the select's shared waiter. */
final class SelectCase extends ChannelWait {

  private final SelectWait waiter;
  private final int caseIndex;

  SelectCase(SelectWait waiter, ChannelCore channel, int caseIndex, Object item) {
    super(channel, item);
    this.waiter = waiter;
    this.caseIndex = caseIndex;
  }

  @Override
  Waiter waiter() {
    return waiter;
  }

  @Override
  int caseIndex() {
    return caseIndex;
  }

  @Override
  public WaitReason reason() {
    return WaitReason.SELECT;
  }

  @Override
  public Object waitingOn() {
    return waiter.waitingOn();
  }
}
