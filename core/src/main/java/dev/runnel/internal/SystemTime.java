package dev.runnel.internal;

import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * The real clock's machinery: {@link System#nanoTime()}, and one timer thread for the whole
 * process that fires the timers of the {@link #INSTANCE} queue.
 *
 * <pre>
 * Implementation notes
 *
 * The timer thread is one daemon platform thread, started when this class is initialized: by the
 * making of the first timer, deadline or clock, before any channel or queue lock is taken, so no
 * thread start ever runs inside a critical section (a timer channel schedules its timer while
 * holding its lock). It parks until
 * the earliest deadline (parkNanos), fires what is due, and repeats; firing never blocks (a
 * channel delivery, a wake-up, a context cancellation, a goroutine start). A platform thread,
 * because its timed park is one futex wait, where a virtual thread's timed park goes through the
 * JDK's own scheduled executor.
 *
 * Wake-ups: the thread publishes in sleepingUntil the deadline it parks for; schedule wakes it
 * only when a task becomes earlier than that, so a stream of timers with later deadlines (the
 * common case: many equal timeouts) costs no unpark. Lost-wakeup freedom: the thread publishes
 * sleepingUntil before it re-reads the earliest deadline, and a scheduler queues its task before
 * it reads sleepingUntil; one of the two sees the other.
 * </pre>
 */
public final class SystemTime implements TimeSource {

  /** The one real clock source. */
  public static final SystemTime INSTANCE = new SystemTime();

  static {
    INSTANCE.thread.start();
  }

  private final TimerQueue queue = new TimerQueue(this::scheduled);
  private final Thread thread =
      Thread.ofPlatform().daemon().name("runnel-timer").unstarted(this::runTimers);
  /** The deadline the timer thread parks for; Long.MAX_VALUE while it parks without one. */
  private volatile long sleepingUntil = Long.MAX_VALUE;
  private volatile boolean sleeping;

  private SystemTime() {}

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Instant instantAt(long nanoTime) {
    return Instant.now().minusNanos(System.nanoTime() - nanoTime);
  }

  @Override
  public TimerQueue queue() {
    return queue;
  }

  private void scheduled(boolean earliest) {
    if (!earliest) {
      return;
    }
    if (sleeping) {
      long until = sleepingUntil;
      if (until == Long.MAX_VALUE || queue.earliest(until) - until < 0) {
        LockSupport.unpark(thread);
      }
    }
  }

  private void runTimers() {
    for (; ; ) {
      if (queue.runDue(System.nanoTime())) {
        continue;
      }
      sleepingUntil = Long.MAX_VALUE;
      sleeping = true;
      long next = queue.earliest(Long.MAX_VALUE);
      if (next == Long.MAX_VALUE) {
        LockSupport.park(this);
      } else {
        sleepingUntil = next;
        long wait = next - System.nanoTime();
        if (wait > 0 && queue.earliest(Long.MAX_VALUE) - next >= 0) {
          LockSupport.parkNanos(this, wait);
        }
      }
      sleeping = false;
    }
  }
}
