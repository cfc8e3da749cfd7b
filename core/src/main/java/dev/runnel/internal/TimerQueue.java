package dev.runnel.internal;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pending timers of one clock: a 4-ary min-heap of {@link TimerTask}s ordered by deadline,
 * then by scheduling order, on a {@link ShortLock}.
 *
 * <pre>
 * Implementation notes
 *
 * One queue serves every timer of a clock (ADR 0007): scheduling, rescheduling and cancelling
 * are O(log n) under the lock, and a cancelled task leaves the heap at once, so the heap holds
 * exactly the tasks that will fire. Each task records its own heap index, which is what makes
 * cancel O(log n) rather than a search. A 4-ary heap is shallower than a binary one (10 levels
 * for a million timers) and its four children share a cache line or two.
 *
 * The queue never runs a task under its lock: pollDue removes the earliest due task and the
 * runner (the system clock's timer thread, or a manual clock's advance) fires it after unlocking.
 * Lock order: a task's own lock (a timer channel's lock) may be held while calling schedule or
 * cancel; the queue's lock is never held while taking another.
 * </pre>
 */
public final class TimerQueue extends ShortLock {

  /** Told of every schedule, without the lock; must not block. */
  public interface Listener {
    /**
     * A task was scheduled.
     *
     * @param earliest whether it is now the earliest task, so the runner may need to wake sooner
     */
    void scheduled(boolean earliest);
  }

  private final Listener listener;
  private TimerTask[] heap = new TimerTask[16];
  private int size;
  private long seq;
  /** Tasks taken off the heap by runDue and not yet fired; for the deadlock detector. */
  private final AtomicInteger firing = new AtomicInteger();

  /**
   * Creates an empty queue.
   *
   * @param listener told of every schedule
   */
  public TimerQueue(Listener listener) {
    this.listener = listener;
  }

  /**
   * Queues {@code task} to fire at {@code when}, or moves it there if it is queued already.
   *
   * @param task the task
   * @param when a deadline on the clock's {@link TimeSource#nanoTime()}
   * @return true if the task was queued already
   */
  public boolean schedule(TimerTask task, long when) {
    boolean earliest;
    int i;
    lock();
    try {
      task.heapWhen = when;
      task.heapSeq = seq++;
      i = task.heapIndex;
      if (i < 0) {
        if (size == heap.length) {
          heap = Arrays.copyOf(heap, size * 2);
        }
        siftUp(size++, task);
      } else {
        siftUp(i, task);
        if (task.heapIndex == i) {
          siftDown(i, task);
        }
      }
      earliest = heap[0] == task;
    } finally {
      unlock();
    }
    listener.scheduled(earliest);
    return i >= 0;
  }

  /**
   * Removes {@code task} if it is queued.
   *
   * @param task the task
   * @return true if it was queued (and so will not fire for that scheduling)
   */
  public boolean cancel(TimerTask task) {
    lock();
    try {
      int i = task.heapIndex;
      if (i < 0) {
        return false;
      }
      removeAt(i);
      return true;
    } finally {
      unlock();
    }
  }

  /**
   * Removes the earliest task if it is due and fires it, without the lock. A task that throws is
   * reported to the thread's uncaught-exception handler, so that it cannot stop other timers.
   *
   * @param now the current time
   * @return true if a task was due
   */
  public boolean runDue(long now) {
    TimerTask t = pollDue(now);
    if (t == null) {
      return false;
    }
    try {
      t.fire(now);
    } catch (Throwable e) {
      Thread current = Thread.currentThread();
      current.getUncaughtExceptionHandler().uncaughtException(current, e);
    } finally {
      firing.decrementAndGet();
    }
    return true;
  }

  private TimerTask pollDue(long now) {
    lock();
    try {
      TimerTask t = size == 0 ? null : heap[0];
      if (t == null || t.heapWhen - now > 0) {
        return null;
      }
      removeAt(0);
      firing.incrementAndGet(); // before the lock is released, so pending() never misses it
      return t;
    } finally {
      unlock();
    }
  }

  /**
   * The earliest deadline.
   *
   * @param ifEmpty what to return when no task is queued
   * @return the earliest queued deadline, or {@code ifEmpty}
   */
  public long earliest(long ifEmpty) {
    lock();
    try {
      return size == 0 ? ifEmpty : heap[0].heapWhen;
    } finally {
      unlock();
    }
  }

  /**
   * The number of queued tasks.
   *
   * @return how many tasks will fire if nothing is cancelled
   */
  public int size() {
    lock();
    try {
      return size;
    } finally {
      unlock();
    }
  }

  /**
   * Whether any task is queued or being fired: if not, no timer of this queue can wake anyone.
   *
   * @return true while a task is queued or firing
   */
  public boolean pending() {
    return size() != 0 || firing.get() != 0; // size first: a poll moves a task to firing under the lock
  }

  // ---------------------------------------------------------------- heap, lock held

  private void removeAt(int i) {
    TimerTask removed = heap[i];
    removed.heapIndex = -1;
    int last = --size;
    TimerTask moved = heap[last];
    heap[last] = null;
    if (i != last) {
      siftUp(i, moved);
      if (moved.heapIndex == i) {
        siftDown(i, moved);
      }
    }
  }

  private static boolean before(TimerTask a, TimerTask b) {
    long d = a.heapWhen - b.heapWhen;
    return d < 0 || (d == 0 && a.heapSeq < b.heapSeq);
  }

  /** Places {@code t} at {@code i} or above it. */
  private void siftUp(int i, TimerTask t) {
    while (i > 0) {
      int parent = (i - 1) >>> 2;
      TimerTask p = heap[parent];
      if (!before(t, p)) {
        break;
      }
      heap[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    heap[i] = t;
    t.heapIndex = i;
  }

  /** Places {@code t} at {@code i} or below it. */
  private void siftDown(int i, TimerTask t) {
    for (; ; ) {
      int first = (i << 2) + 1;
      if (first >= size) {
        break;
      }
      int min = first;
      int end = Math.min(first + 4, size);
      for (int c = first + 1; c < end; c++) {
        if (before(heap[c], heap[min])) {
          min = c;
        }
      }
      TimerTask m = heap[min];
      if (!before(m, t)) {
        break;
      }
      heap[i] = m;
      m.heapIndex = i;
      i = min;
    }
    heap[i] = t;
    t.heapIndex = i;
  }
}
