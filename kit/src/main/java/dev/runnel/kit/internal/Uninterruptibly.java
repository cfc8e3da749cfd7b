package dev.runnel.kit.internal;

/**
 * Waits that an interrupt must not cut short (a close that returns only once everything it owns
 * has ended, as {@code ExecutorService.close} does): the interrupt is kept for after the wait.
 */
public final class Uninterruptibly {

  /** A wait that throws when interrupted. */
  @FunctionalInterface
  public interface Wait {
    /**
     * Waits.
     *
     * @throws InterruptedException when interrupted, so that the wait is begun again
     */
    void await() throws InterruptedException;
  }

  private Uninterruptibly() {}

  /**
   * Runs {@code wait} until it returns without being interrupted. If an interrupt came on the way,
   * the thread's interrupt flag is set again on return.
   *
   * @param wait the wait, begun again after each interrupt
   */
  public static void await(Wait wait) {
    boolean interrupted = false;
    while (true) {
      try {
        wait.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
