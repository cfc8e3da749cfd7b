package dev.runnel.internal;

/**
 * A goroutine blocked in a select: Go's {@code select}, or {@code select (no cases)}. One waiter
 * shared by the select's {@link SelectCase} nodes; the node that completes it names the case.
 */
final class SelectWait extends Waiter {

  private final SelectCore select;
  private final boolean noCases;

  SelectWait(SelectCore select, boolean noCases) {
    this.select = select;
    this.noCases = noCases;
  }

  @Override
  public WaitReason reason() {
    return noCases ? WaitReason.SELECT_NO_CASES : WaitReason.SELECT;
  }

  /** The select users hold, which describes its cases. */
  @Override
  public Object waitingOn() {
    return select.owner();
  }
}
