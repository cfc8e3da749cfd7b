package dev.runnel.context;

/** {@link Context#withoutCancel}: the parent's values, never its cancellation or deadline. */
final class WithoutCancelContext extends NeverCancelledContext {

  final Context parent;

  WithoutCancelContext(Context parent) {
    this.parent = parent;
  }

  /** The parent's values; not its scope, which would let a wrapper of this one follow it. */
  @Override
  public Object value(Object key) {
    return key == KEY ? null : Contexts.value(parent, key);
  }

  @Override
  public String toString() {
    return Contexts.name(this);
  }
}
