package dev.runnel.internal;

/**
 * Something a {@link TimerQueue} runs at a {@link TimeSource#nanoTime()} deadline: a timer's
 * channel delivery, an {@code afterFunc}, a sleep, a context's deadline.
 *
 * <p>{@link #heapWhen}, {@link #heapSeq} and {@link #heapIndex} belong to the queue and are
 * guarded by its lock; a subclass keeps its own state under its own lock and treats a {@link
 * #fire} as a hint to re-check it, since a task may be rescheduled or cancelled between the
 * queue's decision and the call.
 */
public abstract class TimerTask {

  long heapWhen;
  long heapSeq;
  /** Position in the queue's heap; -1 while not queued. */
  int heapIndex = -1;

  /** Creates a task that is not queued. */
  protected TimerTask() {}

  /**
   * Runs the task; called by the queue's runner without any lock held, once per scheduling.
   * Must not block.
   *
   * @param now the time source's {@code nanoTime()} at which the task was found due
   */
  public abstract void fire(long now);
}
