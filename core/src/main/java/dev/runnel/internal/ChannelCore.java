package dev.runnel.internal;

import dev.runnel.ChannelClosedException;
import dev.runnel.Received;
import dev.runnel.context.Context;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The channel algorithm behind {@code Channel}, the receive-only views and {@code Select}: Go's
 * runtime design (a short lock per channel, a circular buffer, FIFO queues of blocked senders and
 * receivers) on Runnel's shared {@link Waiter}. The public types hold one and adapt its results:
 * the typed entry points below are the only decoding of its outcomes.
 *
 * <pre>
 * Implementation notes
 *
 * Layout. This object is the channel's lock (the AQS state word) and holds every mutable field
 * but the buffer's (the Ring, whose two indices sit on cache lines of their own), so that a
 * hand-off touches one cache line of channel state plus the waiting node; the public Channel
 * holds only final fields. The lock's critical sections are a few dozen instructions and
 * never block or run user code: lock() tries a CAS, spins briefly, then parks in AQS, so a holder
 * descheduled by the OS costs a waiter a park, never an unbounded spin.
 *
 * Invariants, under the lock:
 *   - the receive queue holds live nodes only while the buffer is empty (count == 0);
 *   - the send queue holds live nodes only while the buffer is full (count == capacity; for an
 *     unbuffered channel, always);
 *   - once closed, both queues are empty and stay empty;
 *   - the slot is FROZEN.
 * "Live" because a select's node stays queued until its owner unlinks it after another case won;
 * such stale nodes are skipped (pollCompletable) and never count as ready.
 *
 * Linearization points: a fast send or receive at its Ring index CAS (a fast "full" or "empty"
 * at its first index read, see Ring); a hand-off to a blocked goroutine is the successful CAS on
 * its Waiter (tryComplete), made under this channel's lock or by whoever took the node out of
 * the slot; a try-operation that finds the slot empty, at that read; every other operation
 * linearizes inside the critical section. A blocked operation that gives up (interrupt, timeout)
 * first wins the CAS (Waiter cancel), so it had no effect, then takes its node out of the slot
 * or unlinks it under the lock.
 *
 * The buffer is a Ring: lock-free while nobody waits, owned by the lock otherwise. lock() freezes
 * it (no fast operation can then claim an index), unlock() thaws it when both queues are empty,
 * the channel is open and it is not a timer's. So the invariants below, checked under the lock,
 * see a ring that only the lock changes, and a goroutine is queued only while the ring is frozen:
 * a fast send cannot slip an element past a queued receiver, and no fast send succeeds after
 * close. A blocking send or receive tries the ring first, yielding a few times while it is full,
 * empty or frozen for a moment, and only then takes the lock and, if it must, queues and parks.
 *
 * The slot is the same idea for an unbuffered channel: one word, null (empty: open, nobody
 * waits), FROZEN, or the node of the one goroutine that waits without the lock. A send or
 * receive that finds it empty publishes its node there by CAS and waits; one that finds a
 * partner's node takes it by CAS and completes it (handTo, takeFrom); anything else (FROZEN, a
 * node of its own kind, a lost CAS, a partner that gave up) takes the lock. lock() freezes the
 * slot and moves a node it finds to the front of its queue; unlock() empties it only when both
 * queues are empty and the channel is open. So a slot node exists only while the queues are
 * empty, FIFO order holds (a second waiter queues behind the first), and the locked code sees
 * exactly the queues it would have seen without the slot.
 *
 * Park/unpark: the goroutine to wake is recorded in pendingWake by the locked primitive that
 * completed it, and woken by the caller after it released the lock (as Go does), so a wake-up
 * never lengthens the critical section.
 *
 * Happens-before: a value written by a sender reaches the receiver through its ring slot's
 * sequence (buffered values: release by the offer, acquire by the poll, fast or locked), through
 * the Waiter CAS (a hand-off to a waiting receiver), or through the unbuffered slot's CAS (a
 * waiting sender's node, published by its CAS into the slot and acquired by the receiver's CAS
 * out of it); a receive that completes a blocked sender does so through the Waiter CAS, which
 * orders the receive before that send returns.
 *
 * Timer channels (timer != null, capacity 1, never sent to or closed by users) are Go 1.23's
 * lazy timers: the timer's state is guarded by this lock, a receive that finds nothing asks the
 * timer whether it is due (pollLocked), and the timer sits in its clock's queue only while
 * receive nodes are queued here (enqueue and unlink report them), so an unreferenced timer that
 * nobody waits on is garbage. See TimerChannel.
 * </pre>
 */
public final class ChannelCore extends ShortLock {

  /**
   * What a receive gets from a closed, drained channel; installed in a wait node's item by {@code
   * close}, where a send then throws.
   */
  static final Object CLOSED = new Object();

  /** {@link #sendLocked} results, and {@link #offerFast}'s "only the lock can tell". */
  static final int SENT = 1, FULL = 0, SEND_CLOSED = -1, SEND_LOCKED = -2;

  /**
   * The largest array the JDK's collections ask of the VM: HotSpot refuses lengths within a few
   * elements of {@code Integer.MAX_VALUE} ("Requested array size exceeds VM limit").
   */
  private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

  /**
   * How many times a blocking send or receive yields and tries the ring again before it takes
   * the lock: a full or empty ring, one frozen for a moment or a lost CAS usually ends within
   * microseconds, as the partner on the other carrier (or, after the yield, on this one) moves
   * on. A ring that stays frozen (goroutines wait, or the channel is closed) is not waited out.
   */
  private static final int RING_YIELDS = 4;
  private static final AtomicLong LOCK_ORDER = new AtomicLong();

  /** The slot of an unbuffered channel while the lock holds it (see {@link #slot}). */
  private static final Object FROZEN = new Object();

  private static final VarHandle SLOT;

  static {
    try {
      SLOT = MethodHandles.lookup().findVarHandle(ChannelCore.class, "slot", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * The nil channel's core: never ready; a receive blocks until interrupted or cancelled. Made
   * after the static fields its constructor reads.
   */
  private static final ChannelCore NIL = new ChannelCore("nil chan", 0, null);

  static {
    NIL.slot = FROZEN; // never ready: nothing may wait or hand off without the lock
  }

  /** Adaptive spin-then-yield before parking, per channel. */
  private HandOffProbe probe;

  // Mutable state, guarded by the lock.
  private ChannelWait recvHead, recvTail, sendHead, sendTail;
  private ChannelWait pendingWake; // see "Park/unpark" above
  private boolean closed;

  /** Select locks its channels in increasing lockOrder, so two selects never deadlock. */
  final long lockOrder = LOCK_ORDER.getAndIncrement();
  /** What users hold: the Channel, or the TimerChannel; for dumps and toString. */
  final Object owner;
  /** The timer that delivers to this channel, or null for a channel made by Channel.make. */
  final TimerChannel timer;
  private final Ring ring; // the buffer; null for an unbuffered channel
  /**
   * An unbuffered channel's lock-free hand-off: null (empty), FROZEN, or the one goroutine's node
   * that waits without the lock. Empty only while both queues are empty and the channel is open;
   * the lock freezes it and moves a node it holds into its queue, so every locked operation sees
   * what it saw before the slot existed. Always FROZEN for a buffered channel and the nil one.
   */
  private volatile Object slot;
  private final int capacity;

  /**
   * A channel's core.
   *
   * @param owner what users hold (the public channel), for dumps and {@code toString}
   * @param capacity the buffer size; 0 for an unbuffered channel
   * @param timer the timer that delivers to it, or null
   * @throws IllegalArgumentException {@code "makechan: size out of range: N"}
   */
  public ChannelCore(Object owner, int capacity, TimerChannel timer) {
    this.owner = owner;
    this.capacity = capacity;
    this.ring = capacity == 0 ? null : newRing(capacity, timer != null);
    this.timer = timer;
    this.slot = ring == null && timer == null ? null : FROZEN;
  }

  /**
   * The buffer of a channel of {@code capacity > 0}, or Go's {@code makechan} panic for a size the
   * VM cannot allocate. Go panics with "size out of range" when the buffer is larger than the
   * largest allocation; here that is a negative size, one above the VM's array limit, or one whose
   * slots alone (a reference and a 4-byte sequence each: 8 bytes at least) exceed the maximum
   * heap: all refused before allocating. A buffer the heap cannot hold at the moment fails the
   * allocation itself; that OutOfMemoryError is turned into the same exception (with it as the
   * cause), as nothing else was allocated that it could concern.
   */
  private static Ring newRing(int capacity, boolean frozen) {
    if (capacity < 0) {
      throw new IllegalArgumentException("makechan: size out of range: " + capacity);
    }
    if (capacity > MAX_CAPACITY || capacity * 8L > Runtime.getRuntime().maxMemory()) {
      throw new IllegalArgumentException(
          "makechan: size out of range: " + capacity + " (more than the VM can allocate)");
    }
    try {
      return new Ring(capacity, frozen);
    } catch (OutOfMemoryError e) {
      throw new IllegalArgumentException(
          "makechan: size out of range: " + capacity + " (out of memory for the buffer)", e);
    }
  }

  /**
   * The nil channel's core (Go's nil channel): never ready.
   *
   * @return the shared nil core
   */
  public static ChannelCore nil() {
    return NIL;
  }

  /**
   * Whether this is the nil channel's core.
   *
   * @return true for {@link #nil()}
   */
  public boolean isNil() {
    return this == NIL;
  }

  /**
   * Go's {@code len(ch)}.
   *
   * @return the number of buffered elements
   */
  public int length() {
    if (ring == null) {
      return 0;
    }
    int n = ring.size();
    if (n < 0) { // frozen, or raced by offers: count under the lock
      lock();
      n = ring.count();
      unlock();
    }
    return n;
  }

  /**
   * Go's {@code cap(ch)}.
   *
   * @return the buffer size
   */
  public int capacity() {
    return capacity;
  }

  // ---------------------------------------------------------------- the lock, the ring, the slot

  /**
   * Takes the lock and freezes the ring or the slot, so that only the lock's holder changes the
   * buffer or hands off. A node found in the slot goes to the front of its queue: the slot holds
   * one only while the queues are empty and the channel open. If not, the state is corrupt: this
   * releases the lock and throws IllegalStateException.
   */
  @Override
  public void lock() {
    super.lock();
    if (ring != null) {
      ring.freeze();
    } else if (slot != FROZEN && SLOT.getAndSet(this, FROZEN) instanceof ChannelWait w) {
      if (recvHead != null || sendHead != null || closed) { // as Go's runtime throws
        super.unlock();
        throw new IllegalStateException(
            "channel invariant broken: a goroutine waited in the slot while others were queued"
                + " or the channel was closed");
      }
      enqueue(w);
    }
  }

  /**
   * Thaws the ring or empties the slot when nothing is queued and the channel is open (fast
   * operations may run only while nobody waits), then releases the lock. A timer's channel and
   * the nil channel stay frozen.
   */
  @Override
  public void unlock() {
    boolean idle = recvHead == null && sendHead == null && !closed && timer == null;
    if (ring != null) {
      if (idle) {
        ring.thaw();
      } else {
        ring.hold();
      }
    } else if (idle && this != NIL) {
      slot = null;
    }
    super.unlock();
  }

  // ---------------------------------------------------------------- wait queues

  void enqueue(ChannelWait node) {
    node.linked = true;
    if (timer != null) {
      timer.receiversChangedLocked(1);
    }
    ChannelWait tail = node.isSend ? sendTail : recvTail;
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
  void unlink(ChannelWait node) {
    if (!node.linked) {
      return;
    }
    node.linked = false;
    ChannelWait p = node.prev;
    ChannelWait n = node.next;
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

  /** Takes {@code node} out of the slot, or unlinks it if it is still queued, taking the lock. */
  void remove(ChannelWait node) {
    if (slot == node && SLOT.compareAndSet(this, node, null)) {
      return;
    }
    lock();
    unlink(node);
    unlock();
  }

  /**
   * Counts the queued nodes, live or stale: for goroutine dumps and tests.
   *
   * @param senders the send queue if true, else the receive queue
   * @return the number of nodes
   */
  public int queued(boolean senders) {
    lock();
    try {
      int n = 0;
      for (ChannelWait w = senders ? sendHead : recvHead; w != null; w = w.next) {
        n++;
      }
      return n;
    } finally {
      unlock();
    }
  }

  /**
   * Checks the invariants above and the shape of the buffer and queues, taking the lock: the
   * channel's self-test, run by the Lincheck and stress tests after their operations (as Go's
   * runtime throws on an inconsistent state). Cost: a walk of both queues and the buffer.
   *
   * @throws IllegalStateException naming the first invariant found broken
   */
  public void checkInvariants() {
    lock();
    try {
      String broken = brokenInvariantLocked();
      if (broken != null) {
        throw new IllegalStateException("channel invariant broken: " + broken + " in " + this);
      }
    } finally {
      unlock();
    }
  }

  private String brokenInvariantLocked() {
    if (pendingWake != null) {
      return "a wake-up left pending outside an operation";
    }
    if (slot != FROZEN) {
      return "the slot not frozen under the lock";
    }
    String r = ring == null ? null : ring.broken();
    if (r != null) {
      return r;
    }
    int n = ring == null ? 0 : ring.count();
    String q = brokenQueueLocked(recvHead, recvTail, false);
    if (q == null) {
      q = brokenQueueLocked(sendHead, sendTail, true);
    }
    if (q != null) {
      return q;
    }
    if (closed && (hasLive(recvHead) || hasLive(sendHead))) {
      return "a closed channel with live waiters";
    }
    if (n > 0 && hasLive(recvHead)) {
      return "live receivers while " + n + " elements are buffered";
    }
    if (n < capacity && hasLive(sendHead)) {
      return "live senders while the buffer has room";
    }
    return null;
  }

  private static String brokenQueueLocked(ChannelWait head, ChannelWait tail, boolean senders) {
    String which = senders ? "send" : "receive";
    ChannelWait prev = null;
    for (ChannelWait w = head; w != null; prev = w, w = w.next) {
      if (!w.linked || w.prev != prev || w.isSend != senders) {
        return which + " queue node " + w + " badly linked";
      }
    }
    return prev == tail ? null : which + " queue tail is not its last node";
  }

  private static boolean hasLive(ChannelWait head) {
    for (ChannelWait w = head; w != null; w = w.next) {
      if (w.waiter().isWaiting()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Unlinks and returns the oldest queued node whose waiter is still waiting, or null. The caller
   * must still win {@code node.waiter().tryComplete(node)}, which fails only if the waiter gave up
   * or a select completed it through another channel meanwhile; then it polls again.
   */
  private ChannelWait pollCompletable(boolean senders) {
    ChannelWait n;
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
   * Receives without blocking, lock held: the element; {@link #CLOSED} if closed and
   * drained; {@link Waiter#TIMED_OUT} if it would block. May record a sender to wake.
   */
  Object receiveLocked() {
    Object e = ring == null ? null : ring.pollLocked();
    if (e != null) {
      ChannelWait s = completeSender();
      if (s != null) { // the oldest blocked sender's value takes the slot just freed
        ring.offerLocked(s.item);
      }
      return e;
    }
    ChannelWait s = completeSender();
    if (s != null) {
      return s.item;
    }
    if (timer != null) {
      Object due = timer.pollLocked(timer.now());
      if (due != null) {
        return due;
      }
    }
    return closed ? CLOSED : Waiter.TIMED_OUT;
  }

  /** Discards what is buffered, lock held: a timer's stop and reset. */
  boolean clearLocked() {
    boolean any = false;
    while (ring.pollLocked() != null) {
      any = true;
    }
    return any;
  }

  private ChannelWait completeSender() {
    ChannelWait s;
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
    ChannelWait r;
    while ((r = pollCompletable(false)) != null) {
      r.item = e; // published by the CAS below
      if (r.waiter().tryComplete(r)) {
        pendingWake = r;
        return SENT;
      }
    }
    return ring != null && ring.offerLocked(e) == Ring.OFFERED ? SENT : FULL;
  }

  /**
   * Receives without the lock, for select's first pass: the element (from the ring, or from a
   * sender waiting in the slot); {@link Waiter#TIMED_OUT} if not ready (the ring empty; the slot
   * empty or holding a receiver); null if only the lock can tell (frozen or contended).
   */
  Object pollFast() {
    if (ring == null) {
      Object s = slot;
      if (s instanceof ChannelWait w) {
        return !w.isSend ? Waiter.TIMED_OUT : takeFrom(w) ? w.item : null;
      }
      return s == null ? Waiter.TIMED_OUT : null;
    }
    Object f = ring.poll();
    return f == Ring.SLOW || f == Ring.LOCKED ? null : f == null ? Waiter.TIMED_OUT : f;
  }

  /**
   * Sends without the lock, for select's first pass: {@link #SENT} (into the ring, or to a
   * receiver waiting in the slot); {@link #FULL} if not ready (the ring full; the slot empty or
   * holding a sender); or {@link #SEND_LOCKED} if only the lock can tell (frozen or contended).
   */
  int offerFast(Object e) {
    if (ring == null) {
      Object s = slot;
      if (s instanceof ChannelWait r) {
        return r.isSend ? FULL : handTo(r, e) ? SENT : SEND_LOCKED;
      }
      return s == null ? FULL : SEND_LOCKED;
    }
    Object f = ring.offer(e);
    return f == Ring.OFFERED ? SENT : f == Ring.FULL ? FULL : SEND_LOCKED;
  }

  /**
   * Hands {@code e} to the receiver waiting in the slot without the lock: takes its node out of
   * the slot by CAS, then completes it (the hand-off's linearization point). False if another
   * goroutine took the node first, or its owner gave up; the caller then takes the lock.
   */
  private boolean handTo(ChannelWait receiver, Object e) {
    if (!SLOT.compareAndSet(this, receiver, null)) {
      return false;
    }
    receiver.item = e; // ours since the CAS above; published by tryComplete's CAS
    return complete(receiver);
  }

  /**
   * Takes the sender waiting in the slot without the lock, as {@link #handTo}; on true its
   * {@code item} is the element, written before the node was published.
   */
  private boolean takeFrom(ChannelWait sender) {
    return SLOT.compareAndSet(this, sender, null) && complete(sender);
  }

  private static boolean complete(ChannelWait node) {
    if (!node.tryComplete(node)) {
      return false;
    }
    node.wake();
    return true;
  }

  /** Takes the goroutine a locked primitive completed, to wake once the lock is released. */
  ChannelWait takePendingWake() {
    ChannelWait w = pendingWake;
    pendingWake = null;
    return w;
  }

  /** Releases the lock, then wakes the goroutine a locked primitive completed, if any. */
  private void unlockAndWake() {
    ChannelWait w = takePendingWake();
    unlock();
    wake(w);
  }

  static void wake(ChannelWait w) {
    if (w != null) {
      w.waiter().wake();
    }
  }

  // ---------------------------------------------------------------- the public operations

  /**
   * Receives: Go's {@code v := <-ch}, blocking until {@code ctx} (may be null) ends.
   *
   * @param <E> the element type
   * @param ctx the context whose end stops the wait, or null for none
   * @return the element, or null once the channel is closed and drained
   * @throws InterruptedException if interrupted; then nothing was received
   * @throws java.util.concurrent.CancellationException {@code ctx.err()}, if done first
   */
  @SuppressWarnings("unchecked")
  public <E> E receiveValue(Context ctx) throws InterruptedException {
    Object r = outcome(receive(Long.MAX_VALUE, ctx), ctx);
    return r == CLOSED ? null : (E) r;
  }

  /**
   * Receives, reporting whether the channel was open: Go's {@code v, ok := <-ch}.
   *
   * @param <E> the element type
   * @param deadline a {@link System#nanoTime()} deadline; {@code Long.MAX_VALUE} for none, 0 for
   *     never block
   * @param ctx the context whose end stops the wait, or null for none
   * @return what was received; null if the deadline passed first
   * @throws InterruptedException if interrupted; then nothing was received
   * @throws java.util.concurrent.CancellationException {@code ctx.err()}, if done first
   */
  @SuppressWarnings("unchecked")
  public <E> Received<E> receiveOk(long deadline, Context ctx) throws InterruptedException {
    Object r = outcome(receive(deadline, ctx), ctx);
    return r == Waiter.TIMED_OUT
        ? null
        : r == CLOSED ? Received.closed() : new Received<>((E) r, true);
  }

  /**
   * Sends: Go's {@code ch <- e}.
   *
   * @param e the element, not null
   * @param deadline as for {@link #receiveOk}
   * @param ctx the context whose end stops the wait, or null for none
   * @return true if sent; false if the deadline passed first
   * @throws InterruptedException if interrupted; then nothing was sent
   * @throws java.util.concurrent.CancellationException {@code ctx.err()}, if done first
   * @throws ChannelClosedException if the channel is or becomes closed
   */
  public boolean send(Object e, long deadline, Context ctx) throws InterruptedException {
    if (e == null) {
      throw new NullPointerException("channel elements must not be null");
    }
    CancelScope scope = ctx == null ? null : CancelScope.enter(ctx);
    if (deadline != 0 && Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (ring != null) {
      Object f = ring.offer(e);
      for (int i = 0; i < RING_YIELDS && f != Ring.OFFERED && f != Ring.LOCKED && deadline != 0;
          i++) {
        Thread.yield();
        f = ring.offer(e);
      }
      if (f == Ring.OFFERED || f == Ring.FULL && deadline == 0) {
        return f == Ring.OFFERED;
      }
    } else {
      Object s = slot;
      if (s == null) {
        if (deadline == 0) {
          return false; // open, and nobody waits
        }
        ChannelWait node = new ChanSendWait(this, e);
        if (SLOT.compareAndSet(this, null, node)) {
          return sent(outcome(awaitNode(node, deadline, scope), ctx));
        }
      } else if (s instanceof ChannelWait r && !r.isSend && handTo(r, e)) {
        return true;
      }
    }
    lock();
    int r = sendLocked(e);
    if (r != FULL || deadline == 0) {
      unlockAndWake();
      if (r == SEND_CLOSED) {
        throw new ChannelClosedException("send on closed channel");
      }
      return r == SENT;
    }
    ChannelWait node = new ChanSendWait(this, e);
    enqueue(node);
    unlock();
    return sent(outcome(awaitNode(node, deadline, scope), ctx));
  }

  /** A blocked send's outcome: true once taken, false on timeout; throws if the channel closed. */
  private static boolean sent(Object t) {
    if (t == CLOSED) {
      throw new ChannelClosedException("send on closed channel");
    }
    return t != Waiter.TIMED_OUT;
  }

  /**
   * Receives, blocking until {@code deadline} or until {@code ctx} ends: the element, {@link
   * #CLOSED}, {@link Waiter#TIMED_OUT}, or {@link Waiter#CONTEXT_DONE}.
   */
  private Object receive(long deadline, Context ctx) throws InterruptedException {
    CancelScope scope = ctx == null ? null : CancelScope.enter(ctx);
    if (deadline != 0 && Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (this == NIL) {
      return deadline == 0 ? Waiter.TIMED_OUT : awaitNil(deadline, scope);
    }
    if (ring != null) {
      Object f = ring.poll();
      for (int i = 0; i < RING_YIELDS && (f == null || f == Ring.SLOW) && deadline != 0; i++) {
        Thread.yield();
        f = ring.poll();
      }
      if (f != Ring.SLOW && f != Ring.LOCKED && (f != null || deadline == 0)) {
        return f == null ? Waiter.TIMED_OUT : f;
      }
    } else {
      Object s = slot;
      if (s == null) {
        if (deadline == 0) {
          return Waiter.TIMED_OUT; // open, and nobody waits
        }
        ChannelWait node = new ChanReceiveWait(this);
        if (SLOT.compareAndSet(this, null, node)) {
          return awaitNode(node, deadline, scope);
        }
      } else if (s instanceof ChannelWait w && w.isSend && takeFrom(w)) {
        return w.item;
      }
    }
    lock();
    Object r = receiveLocked();
    if (r != Waiter.TIMED_OUT || deadline == 0) {
      unlockAndWake();
      return r;
    }
    ChannelWait node = new ChanReceiveWait(this);
    enqueue(node);
    unlock();
    return awaitNode(node, deadline, scope);
  }

  /** The one decoding of a context's end: throws {@code ctx.err()}; any other outcome passes. */
  private static Object outcome(Object r, Context ctx) {
    if (r == Waiter.CONTEXT_DONE) {
      throw CancelScope.cancelled(ctx);
    }
    return r;
  }

  /** A receive from the nil channel: only the deadline, an interrupt or the scope end it. */
  private Object awaitNil(long deadline, CancelScope scope) throws InterruptedException {
    Object t = Waiter.of(WaitReason.CHAN_RECEIVE_NIL, this).await(deadline, true, scope);
    if (t == Waiter.INTERRUPTED) {
      throw new InterruptedException();
    }
    return t;
  }

  /**
   * Waits for a queued plain node: its item once completed, TIMED_OUT on timeout, CONTEXT_DONE
   * when the scope was cancelled first.
   */
  private Object awaitNode(ChannelWait node, long deadline, CancelScope scope)
      throws InterruptedException {
    Object t = probe().await(node, deadline, scope);
    if (t == node) {
      return node.item;
    }
    remove(node);
    if (t == Waiter.INTERRUPTED) {
      throw new InterruptedException();
    }
    return t;
  }

  /**
   * Closes the channel, completing every blocked receiver (closed, no value) and every blocked
   * sender (which then throws): Go's {@code close(ch)}.
   *
   * @throws ChannelClosedException if it is closed already
   */
  public void close() {
    lock();
    if (closed) {
      unlock();
      throw new ChannelClosedException("close of closed channel");
    }
    closed = true;
    ChannelWait receivers = completeAllClosed(recvHead);
    ChannelWait senders = completeAllClosed(sendHead);
    recvHead = recvTail = sendHead = sendTail = null;
    unlock();
    wakeCompleted(receivers);
    wakeCompleted(senders);
  }

  /** Completes a detached chain with CLOSED; the chain stays walkable through {@code next}. */
  private static ChannelWait completeAllClosed(ChannelWait first) {
    for (ChannelWait n = first; n != null; n = n.next) {
      n.linked = false;
      n.item = CLOSED;
      n.waiter().tryComplete(n);
    }
    return first;
  }

  private static void wakeCompleted(ChannelWait first) {
    for (ChannelWait n = first; n != null; n = n.next) {
      if (n.waiter().isCompletedBy(n)) {
        n.waiter().wake();
      }
    }
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
