package dev.runnel;

import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;

/** One case of a blocked select: a wait node that completes the select's shared waiter. */
final class SelectNode extends WaitNode {

  private final Waiter waiter;
  private final int caseIndex;

  SelectNode(Waiter waiter, ChannelCore channel, int caseIndex, Object item) {
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
