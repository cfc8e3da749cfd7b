package dev.runnel.internal;

/**
 * A goroutine queued on a {@link Sema}: blocked in a mutex, a read-write mutex, a wait group, a
 * condition variable or a semaphore, as its Sema's wait reason says. The class name is what the
 * JDK's thread dump shows as the parked goroutine's blocker.
 */
public final class SemaWait extends WaitQueue.Node {

  private final Sema sema;

  SemaWait(Sema sema) {
    this.sema = sema;
  }

  @Override
  public WaitReason reason() {
    return sema.reason();
  }

  @Override
  public Object waitingOn() {
    return sema.owner();
  }
}
