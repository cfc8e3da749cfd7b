package dev.runnel;

import dev.runnel.context.Context;
import dev.runnel.internal.CancelScope;
import dev.runnel.internal.HandOffProbe;
import dev.runnel.internal.ShortLock;
import dev.runnel.internal.Waiter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The channel algorithm behind {@link Channel}: Go's runtime design (a short lock per channel, a
 * circular buffer, FIFO queues of blocked senders and receivers) on Runnel's shared {@link
 * Waiter}.
 *
 * <pre>
 * Implementation notes
 *
 * Layout. This object is the channel's lock (the AQS state word) and holds every mutable field,
 * so that a hand-off touches one cache line of channel state plus the waiting node; the public
 * Channel holds only final fields. The lock's critical sections are a few dozen instructions and
 * never block or run user code: lock() tries a CAS, spins briefly, then parks in AQS, so a holder
 * descheduled by the OS costs a waiter a park, never an unbounded spin.
 *
 * Invariants, under the lock:
 *   - the receive queue holds live nodes only while the buffer is empty (count == 0);
 *   - the send queue holds live nodes only while the buffer is full (count == capacity; for an
 *     unbuffered channel, always);
 *   - once closed, both queues are empty and stay empty.
 * "Live" because a select's node stays queued until its owner unlinks it after another case won;
 * such stale nodes are skipped (pollCompletable) and never count as ready.
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
 * Happens-before: a value written by a sender reaches the receiver through the lock (buffered
 * values) or through the Waiter CAS (hand-off); a receive that completes a blocked sender does so
 * through the same CAS, which orders the receive before that send returns.
 *
 * Timer channels (timer != null, capacity 1, never sent to or closed by users) are Go 1.23's
 * lazy timers: the timer's state is guarded by this lock, a receive that finds nothing asks the
 * timer whether it is due (pollLocked), and the timer sits in its clock's queue only while
 * receive nodes are queued here (enqueue and unlink report them), so an unreferenced timer that
 * nobody waits on is garbage. See TimerChannel.
 * </pre>
 */
final class ChannelCore extends ShortLock {

  /** A locked primitive's answer "this operation would block". */
  static final Object NONE = new Object();

  /** {@link #sendLocked} and {@link #send} results. */
  static final int SENT = 1, FULL = 0, SEND_CLOSED = -1, SEND_CANCELLED = -2;

  /**
   * The largest array the JDK's collections ask of the VM: HotSpot refuses lengths within a few
   * elements of {@code Integer.MAX_VALUE} ("Requested array size exceeds VM limit").
   */
  private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

  private static final AtomicLong LOCK_ORDER = new AtomicLong();
  private static final VarHandle COUNT;

  static {
    try {
      COUNT = MethodHandles.lookup().findVarHandle(ChannelCore.class, "count", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Adaptive spin-then-yield before parking, per channel. */
  private HandOffProbe probe;

  // Mutable state, guarded by the lock.
  private WaitNode recvHead, recvTail, sendHead, sendTail;
  private WaitNode pendingWake; // see "Park/unpark" above
  private int head; // index of the oldest buffered element
  private int count; // written under the lock (release); read without it by size() (acquire)
  private boolean closed;

  /** Select locks its channels in increasing lockOrder, so two selects never deadlock. */
  final long lockOrder = LOCK_ORDER.getAndIncrement();
  /** What users hold: the Channel, or the TimerChannel; for dumps and toString. */
  final Object owner;
  /** The timer that delivers to this channel, or null for a channel made by Channel.make. */
  final TimerChannel timer;
  private final Object[] buffer; // null for an unbuffered channel
  private final int capacity;

  ChannelCore(Object owner, int capacity, TimerChannel timer) {
    this.owner = owner;
    this.capacity = capacity;
    this.buffer = capacity == 0 ? null : newBuffer(capacity);
    this.timer = timer;
  }

  /**
   * The buffer of a channel of {@code capacity > 0}, or Go's {@code makechan} panic for a size the
   * VM cannot allocate. Go panics with "size out of range" when the buffer is larger than the
   * largest allocation; here that is a negative size, one above the VM's array limit, or one whose
   * references alone (4 bytes each at least) exceed the maximum heap: all refused before
   * allocating. A buffer the heap cannot hold at the moment fails the allocation itself; that
   * OutOfMemoryError is turned into the same exception (with it as the cause), as nothing else
   * was allocated that it could concern.
   */
  private static Object[] newBuffer(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("makechan: size out of range: " + capacity);
    }
    if (capacity > MAX_CAPACITY || capacity * 4L > Runtime.getRuntime().maxMemory()) {
      throw new IllegalArgumentException(
          "makechan: size out of range: " + capacity + " (more than the VM can allocate)");
    }
    try {
      return new Object[capacity];
    } catch (OutOfMemoryError e) {
      throw new IllegalArgumentException(
          "makechan: size out of range: " + capacity + " (out of memory for the buffer)", e);
    }
  }

  int length() {
    return (int) COUNT.getAcquire(this);
  }

  int capacity() {
    return capacity;
  }

  // ---------------------------------------------------------------- wait queues

  void enqueue(WaitNode node) {
    node.linked = true;
    if (timer != null) {
      timer.receiversChangedLocked(1);
    }
    WaitNode tail = node.isSend ? sendTail : recvTail;
    node.prev = tail;
    if (tail != null) {
      tail.next = node;
    } else if (node.isSend) {
      sendHead = node;
    } else {
      recvHead = node;
    }
    if (node.isSend) {
      sendTail = node;
    } else {
      recvTail = node;
    }
  }

  /** Unlinks {@code node} if it is still queued. */
  void unlink(WaitNode node) {
    if (!node.linked) {
      return;
    }
    node.linked = false;
    WaitNode p = node.prev;
    WaitNode n = node.next;
    if (p != null) {
      p.next = n;
    } else if (node.isSend) {
      sendHead = n;
    } else {
      recvHead = n;
    }
    if (n != null) {
      n.prev = p;
    } else if (node.isSend) {
      sendTail = p;
    } else {
      recvTail = p;
    }
    node.prev = null;
    node.next = null;
    if (timer != null) {
      timer.receiversChangedLocked(-1);
    }
  }

  /** Unlinks {@code node} if it is still queued, taking the lock. */
  void remove(WaitNode node) {
    lock();
    unlink(node);
    unlock();
  }

  /**
   * Counts the queued nodes, live or stale, lock held. For goroutine dumps and tests.
   *
   * @param senders the send queue if true, else the receive queue
   */
  int queuedLocked(boolean senders) {
    int n = 0;
    for (WaitNode w = senders ? sendHead : recvHead; w != null; w = w.next) {
      n++;
    }
    return n;
  }

  /**
   * Unlinks and returns the oldest queued node whose waiter is still waiting, or null. The caller
   * must still win {@code node.waiter().tryComplete(node)}, which fails only if the waiter gave up
   * or a select completed it through another channel meanwhile; then it polls again.
   */
  private WaitNode pollCompletable(boolean senders) {
    WaitNode n;
    while ((n = senders ? sendHead : recvHead) != null) {
      unlink(n);
      if (n.waiter().isWaiting()) {
        return n;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- locked primitives

  /**
   * Receives without blocking, lock held: the element; {@link WaitNode#CLOSED} if closed and
   * drained; {@link #NONE} if it would block. May record a sender to wake.
   */
  Object receiveLocked() {
    int n = count;
    if (n > 0) {
      Object[] b = buffer;
      int h = head;
      Object e = b[h];
      b[h] = null;
      head = h + 1 == capacity ? 0 : h + 1;
      WaitNode s = completeSender();
      if (s == null) {
        COUNT.setRelease(this, n - 1);
      } else { // the oldest blocked sender's value goes in at the tail (the freed slot: n == cap)
        int t = h + n;
        b[t >= capacity ? t - capacity : t] = s.item;
      }
      return e;
    }
    WaitNode s = completeSender();
    if (s != null) {
      return s.item;
    }
    if (timer != null) {
      Object due = timer.pollLocked(timer.now());
      if (due != null) {
        return due;
      }
    }
    return closed ? WaitNode.CLOSED : NONE;
  }

  /** Discards what is buffered, lock held: a timer's stop and reset. */
  boolean clearLocked() {
    int n = count;
    for (int i = 0; i < n; i++) {
      int j = head + i;
      buffer[j >= capacity ? j - capacity : j] = null;
    }
    head = 0;
    COUNT.setRelease(this, 0);
    return n > 0;
  }

  private WaitNode completeSender() {
    WaitNode s;
    while ((s = pollCompletable(true)) != null) {
      if (s.waiter().tryComplete(s)) {
        pendingWake = s;
        return s;
      }
    }
    return null;
  }

  /** Sends without blocking, lock held: {@link #SENT}, {@link #FULL} or {@link #SEND_CLOSED}. */
  int sendLocked(Object e) {
    if (closed) {
      return SEND_CLOSED;
    }
    WaitNode r;
    while ((r = pollCompletable(false)) != null) {
      r.item = e; // published by the CAS below
      if (r.waiter().tryComplete(r)) {
        pendingWake = r;
        return SENT;
      }
    }
    int n = count;
    if (n < capacity) {
      int i = head + n;
      buffer[i >= capacity ? i - capacity : i] = e;
      COUNT.setRelease(this, n + 1);
      return SENT;
    }
    return FULL;
  }

  /** Takes the goroutine a locked primitive completed, to wake once the lock is released. */
  WaitNode takePendingWake() {
    WaitNode w = pendingWake;
    pendingWake = null;
    return w;
  }

  /** Releases the lock, then wakes the goroutine a locked primitive completed, if any. */
  private void unlockAndWake() {
    WaitNode w = takePendingWake();
    unlock();
    wake(w);
  }

  static void wake(WaitNode w) {
    if (w != null) {
      w.waiter().wake();
    }
  }

  // ---------------------------------------------------------------- blocking operations

  /**
   * Receives, blocking until {@code deadline} (nanoTime; {@code Long.MAX_VALUE} for none; 0 for
   * never block) or until {@code scope} (may be null) is cancelled: the element, {@link
   * WaitNode#CLOSED}, {@link #NONE} on timeout, or {@link Waiter#CONTEXT_DONE}.
   */
  Object receive(long deadline, CancelScope scope) throws InterruptedException {
    if (deadline != 0 && Thread.interrupted()) {
      throw new InterruptedException();
    }
    lock();
    Object r = receiveLocked();
    if (r != NONE || deadline == 0) {
      unlockAndWake();
      return r;
    }
    WaitNode node = new WaitNode(this, null);
    enqueue(node);
    unlock();
    return awaitNode(node, deadline, scope);
  }

  /**
   * Sends, blocking until {@code deadline} or {@code scope} (as for {@link #receive}): {@link
   * #SENT}, {@link #FULL} on timeout, or {@link #SEND_CANCELLED}.
   *
   * @throws ChannelClosedException if the channel is or becomes closed
   */
  int send(Object e, long deadline, CancelScope scope) throws InterruptedException {
    if (e == null) {
      throw new NullPointerException("channel elements must not be null");
    }
    if (deadline != 0 && Thread.interrupted()) {
      throw new InterruptedException();
    }
    lock();
    int r = sendLocked(e);
    if (r != FULL || deadline == 0) {
      unlockAndWake();
      if (r == SEND_CLOSED) {
        throw new ChannelClosedException("send on closed channel");
      }
      return r;
    }
    WaitNode node = new WaitNode(this, e);
    enqueue(node);
    unlock();
    Object t = awaitNode(node, deadline, scope);
    if (t == WaitNode.CLOSED) {
      throw new ChannelClosedException("send on closed channel");
    }
    return t == NONE ? FULL : t == Waiter.CONTEXT_DONE ? SEND_CANCELLED : SENT;
  }

  /**
   * Waits for a queued plain node: its item once completed, NONE on timeout, CONTEXT_DONE when
   * the scope was cancelled first.
   */
  private Object awaitNode(WaitNode node, long deadline, CancelScope scope)
      throws InterruptedException {
    Object t = probe().await(node, deadline, scope);
    if (t == node) {
      return node.item;
    }
    remove(node);
    if (t == Waiter.INTERRUPTED) {
      throw new InterruptedException();
    }
    return t == Waiter.CONTEXT_DONE ? t : NONE;
  }

  /**
   * Closes the channel, completing every blocked receiver (closed, no value) and every blocked
   * sender (which then throws).
   */
  void close() {
    lock();
    if (closed) {
      unlock();
      throw new ChannelClosedException("close of closed channel");
    }
    closed = true;
    WaitNode receivers = completeAllClosed(recvHead);
    WaitNode senders = completeAllClosed(sendHead);
    recvHead = recvTail = sendHead = sendTail = null;
    unlock();
    wakeCompleted(receivers);
    wakeCompleted(senders);
  }

  /** Completes a detached chain with CLOSED; the chain stays walkable through {@code next}. */
  private static WaitNode completeAllClosed(WaitNode first) {
    for (WaitNode n = first; n != null; n = n.next) {
      n.linked = false;
      n.item = WaitNode.CLOSED;
      n.waiter().tryComplete(n);
    }
    return first;
  }

  private static void wakeCompleted(WaitNode first) {
    for (WaitNode n = first; n != null; n = n.next) {
      if (n.waiter().isCompletedBy(n)) {
        n.waiter().wake();
      }
    }
  }

  // ---------------------------------------------------------------- results as the API gives them

  @SuppressWarnings("unchecked")
  static <E> E value(Object r) {
    return r == WaitNode.CLOSED ? null : (E) r;
  }

  static <E> E value(Object r, Context ctx) {
    if (r == Waiter.CONTEXT_DONE) {
      throw CancelScope.cancelled(ctx);
    }
    return value(r);
  }

  @SuppressWarnings("unchecked")
  static <E> Received<E> received(Object r) {
    if (r == NONE) {
      return null;
    }
    return r == WaitNode.CLOSED ? Received.closed() : new Received<>((E) r, true);
  }

  static <E> Received<E> received(Object r, Context ctx) {
    if (r == Waiter.CONTEXT_DONE) {
      throw CancelScope.cancelled(ctx);
    }
    return received(r);
  }

  /**
   * The probe, made at the first wait (most channels and selects built per iteration never wait).
   * Racy on purpose, like its score: two first waiters may each make one, and one is kept.
   */
  private HandOffProbe probe() {
    HandOffProbe p = probe;
    if (p == null) {
      probe = p = new HandOffProbe();
    }
    return p;
  }

  @Override
  public String toString() {
    return owner.toString();
  }
}
