package dev.runnel;

import dev.runnel.internal.ShortLock;
import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The channel algorithm behind {@link Channel}: Go's runtime design (a short lock per channel, a
 * circular buffer, FIFO queues of blocked senders and receivers) on Runnel's shared {@link
 * Waiter}.
 *
 * <pre>
 * Implementation notes
 *
 * Invariants, under lock:
 *   - receivers holds live nodes only while the buffer is empty (count == 0);
 *   - senders holds live nodes only while the buffer is full (count == capacity; for an
 *     unbuffered channel, always);
 *   - once closed, both queues are empty and stay empty.
 * "Live" because a select's node stays queued until its owner unlinks it after another case won;
 * such stale nodes are skipped (WaitQueue.pollCompletable) and never count as ready.
 *
 * Linearization points: a hand-off to a blocked goroutine is the successful CAS on its Waiter
 * (tryComplete), made under this channel's lock; every other operation linearizes inside the
 * critical section. A blocked operation that gives up (interrupt, timeout) first wins the CAS
 * (Waiter cancel), so it had no effect, then unlinks its node under the lock.
 *
 * Park/unpark: the goroutine to wake is recorded in pendingWake by the locked primitive that
 * completed it, and woken by the caller after it released the lock (as Go does), so a wake-up
 * never lengthens the critical section.
 *
 * Happens-before: a value written by a sender is published to the receiver either through the
 * lock (buffered values) or through the Waiter CAS (hand-off), and a receive that completes a
 * blocked sender does so through the same CAS, which orders the receive before the send returns.
 * </pre>
 */
abstract class ChannelCore<E> {

  /** A locked primitive's answer "this operation would block". */
  static final Object NONE = new Object();
  /** {@link #sendLocked} results. */
  static final int SENT = 1, FULL = 0, SEND_CLOSED = -1;

  private static final AtomicLong LOCK_ORDER = new AtomicLong();

  /** Select locks its channels in increasing lockOrder, so two selects never deadlock. */
  final long lockOrder = LOCK_ORDER.getAndIncrement();
  final ShortLock lock = new ShortLock();
  final WaitQueue receivers = new WaitQueue();
  final WaitQueue senders = new WaitQueue();
  private final Object[] buffer; // null for an unbuffered channel
  private final int capacity;
  private int head; // guarded by lock: index of the oldest buffered element
  private volatile int count; // written under lock; read without it by size()
  private boolean closed; // guarded by lock
  private WaitNode pendingWake; // guarded by lock: see "Park/unpark" above

  ChannelCore(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("makechan: size out of range");
    }
    this.capacity = capacity;
    this.buffer = capacity == 0 ? null : new Object[capacity];
  }

  final int length() {
    return count;
  }

  final int cap() {
    return capacity;
  }

  // ---------------------------------------------------------------- locked primitives

  /**
   * Receives without blocking, lock held: the element; {@link WaitNode#CLOSED} if closed and
   * drained; {@link #NONE} if it would block. May record a sender to wake.
   */
  final Object receiveLocked() {
    int n = count;
    if (n > 0) {
      Object[] b = buffer;
      int h = head;
      Object e = b[h];
      b[h] = null;
      head = h + 1 == capacity ? 0 : h + 1;
      WaitNode s = completeSender();
      if (s == null) {
        count = n - 1;
      } else { // the oldest blocked sender moves into the freed slot: n == capacity
        b[h] = s.item;
      }
      return e;
    }
    WaitNode s = completeSender();
    if (s != null) {
      return s.item;
    }
    return closed ? WaitNode.CLOSED : NONE;
  }

  private WaitNode completeSender() {
    WaitNode s;
    while ((s = senders.pollCompletable()) != null) {
      if (s.waiter.tryComplete(s)) {
        pendingWake = s;
        return s;
      }
    }
    return null;
  }

  /** Sends without blocking, lock held: {@link #SENT}, {@link #FULL} or {@link #SEND_CLOSED}. */
  final int sendLocked(Object e) {
    if (closed) {
      return SEND_CLOSED;
    }
    WaitNode r;
    while ((r = receivers.pollCompletable()) != null) {
      r.item = e; // published by the CAS below
      if (r.waiter.tryComplete(r)) {
        pendingWake = r;
        return SENT;
      }
    }
    int n = count;
    if (n < capacity) {
      int i = head + n;
      buffer[i >= capacity ? i - capacity : i] = e;
      count = n + 1;
      return SENT;
    }
    return FULL;
  }

  /** Takes the goroutine a locked primitive completed, to wake once the lock is released. */
  final WaitNode takePendingWake() {
    WaitNode w = pendingWake;
    pendingWake = null;
    return w;
  }

  static void wake(WaitNode w) {
    if (w != null) {
      w.waiter.wake();
    }
  }

  // ---------------------------------------------------------------- blocking operations

  /**
   * Receives, blocking until {@code deadline} (nanoTime; {@code Long.MAX_VALUE} for none; 0 for
   * never block): the element, {@link WaitNode#CLOSED}, or {@link #NONE} on timeout.
   */
  final Object receive(long deadline) throws InterruptedException {
    if (deadline != 0 && Thread.interrupted()) {
      throw new InterruptedException();
    }
    lock.lock();
    Object r = receiveLocked();
    if (r != NONE || deadline == 0) {
      WaitNode w = takePendingWake();
      lock.unlock();
      wake(w);
      return r;
    }
    WaitNode node = new WaitNode(new Waiter(WaitReason.CHAN_RECEIVE, this), this, 0, null);
    receivers.add(node);
    lock.unlock();
    return awaitNode(node, receivers, deadline);
  }

  /**
   * Sends, blocking until {@code deadline} (as for {@link #receive(long)}): true if sent, false
   * on timeout.
   *
   * @throws ChannelClosedException if the channel is or becomes closed
   */
  final boolean send(E e, long deadline) throws InterruptedException {
    if (e == null) {
      throw new NullPointerException("channel elements must not be null");
    }
    if (deadline != 0 && Thread.interrupted()) {
      throw new InterruptedException();
    }
    lock.lock();
    int r = sendLocked(e);
    if (r != FULL || deadline == 0) {
      WaitNode w = takePendingWake();
      lock.unlock();
      wake(w);
      if (r == SEND_CLOSED) {
        throw new ChannelClosedException("send on closed channel");
      }
      return r == SENT;
    }
    WaitNode node = new WaitNode(new Waiter(WaitReason.CHAN_SEND, this), this, 0, e);
    senders.add(node);
    lock.unlock();
    Object t = awaitNode(node, senders, deadline);
    if (t == WaitNode.CLOSED) {
      throw new ChannelClosedException("send on closed channel");
    }
    return t != NONE;
  }

  /** Waits for a queued node: its item once completed, NONE on timeout. */
  private Object awaitNode(WaitNode node, WaitQueue queue, long deadline)
      throws InterruptedException {
    Object t = node.waiter.await(deadline, true);
    if (t == node) {
      return node.item;
    }
    lock.lock();
    queue.remove(node);
    lock.unlock();
    if (t == Waiter.INTERRUPTED) {
      throw new InterruptedException();
    }
    return NONE;
  }

  /**
   * Closes the channel, completing every blocked receiver (closed, no value) and every blocked
   * sender (which then throws).
   */
  final void closeChannel() {
    lock.lock();
    if (closed) {
      lock.unlock();
      throw new ChannelClosedException("close of closed channel");
    }
    closed = true;
    WaitNode rs = completeAllClosed(receivers);
    WaitNode ss = completeAllClosed(senders);
    lock.unlock();
    wakeCompleted(rs);
    wakeCompleted(ss);
  }

  private static WaitNode completeAllClosed(WaitQueue queue) {
    WaitNode first = queue.detachAll();
    for (WaitNode n = first; n != null; n = n.next) {
      n.item = WaitNode.CLOSED;
      n.waiter.tryComplete(n);
    }
    return first;
  }

  private static void wakeCompleted(WaitNode first) {
    for (WaitNode n = first; n != null; n = n.next) {
      if (n.waiter.isCompletedBy(n)) {
        n.waiter.wake();
      }
    }
  }

  /** Deadline for a timeout, saturating: 0 means "do not block". */
  static long deadlineAfter(java.time.Duration timeout) {
    long nanos;
    try {
      nanos = timeout.toNanos();
    } catch (ArithmeticException overflow) {
      return timeout.isNegative() ? 0 : Long.MAX_VALUE;
    }
    if (nanos <= 0) {
      return 0;
    }
    long deadline = System.nanoTime() + nanos;
    return deadline == 0 || deadline == Long.MAX_VALUE ? deadline - 1 : deadline;
  }
}
