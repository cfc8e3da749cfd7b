package dev.runnel.context;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.ReceiveChannel;
import dev.runnel.Select;
import dev.runnel.internal.Access;
import dev.runnel.internal.CancelScope;
import dev.runnel.internal.ShortLock;
import dev.runnel.internal.TimeSource;
import dev.runnel.internal.TimerTask;
import dev.runnel.internal.Waiter;
import dev.runnel.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;

/**
 * The cancellable context behind {@code withCancel}, {@code withCancelCause}, {@code
 * withDeadline} and {@code withTimeout}: Go's {@code cancelCtx} and {@code timerCtx} in one class.
 *
 * <pre>
 * Implementation notes
 *
 * State, guarded by this context's lock: children (a ContextNode list), doneChannel, cause, timer,
 * settling. err, cancelling and done are volatile so that err() and a done() already made are
 * lock-free reads.
 *
 * Cancellation (cancel): under the lock, publish cancelling, set cause, detach the whole children
 * list (clearing each child's owner), close the done channel if one was made (else install the
 * shared closed one), unqueue the deadline timer, and set err last. Then, without the lock, cancel
 * the detached children with the same err and cause, depth first through an explicit stack (no
 * recursion, so a deep chain cannot overflow the stack), and remove this context from its parent.
 * The critical section is the linearization point: a child added before it is in the detached
 * list; a child added after it sees err under the lock and is cancelled at once by add.
 *
 * err() and done agree (Go: Err is nil exactly while Done is open): err is written after the
 * close, so err != null implies done is closed; a reader that saw done closed but reads err ==
 * null finds cancelling set (written before the close) and takes the lock, which the canceller
 * releases only after writing err.
 *
 * A cancel that returns has cancelled the whole subtree, even when it lost the race to another
 * cancel (Go gets this by cancelling children under the parent's lock). The winner of a
 * cancellation that has children to cancel creates one latch, stores it as settling in every
 * context with children that it cancels, and counts it down when the whole propagation is done;
 * a losing cancel() waits on the settling latch it finds (the timer thread, whose deadline lost to
 * a cancel, does not wait). Leaf contexts (most contexts) never make
 * one.
 *
 * Parents (propagate): the child joins the children list of the parent's CancelScope, the nearest
 * cancel context the parent is or derives from, found in O(1) for Runnel's contexts. A context
 * Runnel did not implement is looked through when it wraps one of Runnel's (it answers
 * value(Source.KEY) with it and its done() is the same channel: Go's parentCancelCtx), so its
 * children are cancelled synchronously too. Only a truly foreign parent costs a goroutine
 * (watchForeign), which ends when either context is cancelled.
 *
 * Lock order: parent before child is never needed; a node's lock is held only for its own list.
 * A ContextNode is removed from its owner under the owner's lock only.
 *
 * Happens-before: cancel's writes precede its volatile write of err and the close of the done
 * channel; err() reads err, and a receive that returns because done is closed is ordered after
 * the close (Channel's contract).
 * </pre>
 */
final class CancelCtx extends ContextNode implements CancelContext, CancelScope, CancelScope.Source {

  /** The done() of every context cancelled before anyone asked for its done(). */
  private static final ReceiveChannel<Object> CLOSED = closedChannel();

  /** Guards the children list, err, cause and the lazily made done channel. */
  private final ShortLock lock = new ShortLock();
  private final Context parent;
  /** This context's deadline: its own, or the parent's; null for none. */
  private final Instant deadline;
  /** Whether the deadline is this context's own (Go's timerCtx), for toString. */
  private final boolean ownDeadline;
  /** The clock of the own deadline; null without one. Written before the context is shared. */
  private Clock clock;

  // Guarded by the lock.
  private ContextNode children;
  private Channel<Object> doneChannel;
  private Throwable cause;
  private TimerTask timer;
  private TimeSource timerSource;

  /** The err being installed; set before the done channel closes, err after. */
  private volatile CancellationException cancelling;
  private volatile CancellationException err;
  /** Counted down when the cancellation that cancelled this context has cancelled its subtree. */
  private CountDownLatch settling;
  private volatile ReceiveChannel<Object> done;

  CancelCtx(Context parent, Instant ownDeadline) {
    this.parent = parent;
    this.ownDeadline = ownDeadline != null;
    this.deadline = ownDeadline != null ? ownDeadline : parent.deadline().orElse(null);
  }

  private static ReceiveChannel<Object> closedChannel() {
    Channel<Object> c = Channel.make();
    c.close();
    return Access.receiveOnly(c);
  }

  // ---------------------------------------------------------------- construction

  /**
   * Go's propagateCancel: arranges for the parent's cancellation to cancel this context, by
   * joining the children of the parent's scope (the cancel context the parent is, derives from or
   * wraps), or for a foreign parent by {@linkplain #watchForeign watching} it.
   */
  void propagate() {
    propagate(CancelScope.of(parent));
  }

  private void propagate(CancelScope scope) {
    if (scope instanceof CancelCtx p) {
      p.add(this); // cancels this at once if p is cancelled already
    } else if (scope != null) {
      watchForeign();
    }
  }

  /**
   * The one way Runnel follows a foreign context, one it cannot look into: as Go does, a
   * goroutine selects on the parent's done() and this context's, cancels this context with the
   * parent's err and cause if the parent's comes first, and ends as soon as either is closed.
   * Blocked calls, afterFuncs and interrupt bridges with a foreign context hang on such a child
   * ({@link #follow}), which they cancel when they end.
   */
  private void watchForeign() {
    CancellationException parentErr = parent.err();
    if (parentErr != null) {
      cancel(false, parentErr, parent.cause());
      return;
    }
    Select watch =
        Select.select()
            .onReceive(
                parent.done(), x -> cancel(false, CancelScope.cancelled(parent), parent.cause()))
            .onReceive(done(), x -> {});
    Go.go(watch::run);
  }

  /**
   * The cancel context that a node to be cancelled with {@code ctx} (an afterFunc, an interrupt
   * bridge) joins: {@code ctx}'s scope; for a foreign context, a new child of it, which the caller
   * cancels once the node is no longer needed.
   *
   * @param ctx the context
   * @param scope {@code CancelScope.of(ctx)}, not null
   * @return {@code scope} itself, or the new child
   */
  static CancelCtx follow(Context ctx, CancelScope scope) {
    if (scope instanceof CancelCtx c) {
      return c;
    }
    CancelCtx child = new CancelCtx(ctx, null);
    child.propagate(scope);
    return child;
  }

  /** Arms the deadline on {@code clock}; cancels at once if it has passed. */
  void startTimer(Clock clock, Throwable deadlineCause) {
    this.clock = clock;
    TimeSource time = Access.timeSource(clock);
    long now = time.nanoTime(); // one reading, so the deadline does not drift with the clock
    Duration left = Duration.between(time.instantAt(now), deadline);
    if (left.isNegative() || left.isZero()) {
      cancel(true, new DeadlineExceededException(), deadlineCause);
      return;
    }
    TimerTask t =
        new TimerTask() {
          @Override
          public void fire(long firedAt) {
            cancel(true, new DeadlineExceededException(), deadlineCause);
          }
        };
    lock.lock();
    try {
      if (err != null) {
        return;
      }
      timer = t;
      timerSource = time;
      time.queue().schedule(t, now + saturatedNanos(left));
    } finally {
      lock.unlock();
    }
  }

  private static long saturatedNanos(Duration d) {
    return d.compareTo(TimeSource.FAR) >= 0 ? TimeSource.FAR.toNanos() : d.toNanos();
  }

  // ---------------------------------------------------------------- children

  /** Adds {@code node} to the children, or cancels it now if this context is cancelled. */
  void add(ContextNode node) {
    CancellationException e;
    Throwable c;
    lock.lock();
    try {
      e = err;
      if (e == null) {
        node.owner = this;
        node.next = children;
        if (children != null) {
          children.prev = node;
        }
        children = node;
        return;
      }
      c = cause;
    } finally {
      lock.unlock();
    }
    node.parentCancelled(e, c, null); // a node being added has no children of its own yet
  }

  /** Removes {@code node} if it is still one of the children. */
  void remove(ContextNode node) {
    lock.lock();
    try {
      if (node.owner != this) {
        return;
      }
      node.owner = null;
      ContextNode p = node.prev;
      ContextNode n = node.next;
      if (p == null) {
        children = n;
      } else {
        p.next = n;
      }
      if (n != null) {
        n.prev = p;
      }
      node.prev = node.next = null;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- cancellation

  @Override
  public void cancel() {
    awaitUninterruptibly(cancel(true, new ContextCanceledException(), null));
  }

  @Override
  public void cancel(Throwable cause) {
    awaitUninterruptibly(cancel(true, new ContextCanceledException(), cause));
  }

  @Override
  public void close() {
    cancel();
  }

  /**
   * Cancels this context and its descendants, unless it is cancelled already.
   *
   * @param removeFromParent whether to leave the parent's children (not when the parent is the
   *     one cancelling: it has detached its list already)
   * @param cause the cause, or null for {@code err} itself
   * @return if it was cancelled already, the latch of the cancellation that did it, which the
   *     public cancel waits for so that it returns only once every descendant is cancelled (the
   *     timer thread and the propagation goroutine need not wait); else null
   */
  CountDownLatch cancel(boolean removeFromParent, CancellationException e, Throwable cause) {
    Throwable c = cause == null ? e : cause;
    CountDownLatch settled;
    ContextNode kids;
    lock.lock();
    try {
      if (err != null) {
        settled = settling;
        kids = this;
      } else {
        kids = cancelLocked(e, c, null);
        settled = kids == null ? null : (settling = new CountDownLatch(1));
      }
    } finally {
      lock.unlock();
    }
    if (kids == this) { // cancelled already, perhaps still reaching the descendants
      return settled;
    }
    if (removeFromParent) {
      detach();
    }
    if (kids != null) {
      cancelAll(kids, e, c, settled);
      settled.countDown();
    }
    return null;
  }

  /** Lock held, not cancelled: cancels this context and returns its detached children. */
  private ContextNode cancelLocked(CancellationException e, Throwable c, CountDownLatch settled) {
    cancelling = e;
    cause = c;
    ContextNode kids = children;
    children = null;
    for (ContextNode k = kids; k != null; k = k.next) {
      k.owner = null;
    }
    if (kids != null) {
      settling = settled;
    }
    if (doneChannel != null) {
      doneChannel.close();
    } else {
      done = CLOSED;
    }
    TimerTask t = timer;
    timer = null;
    if (t != null) {
      timerSource.queue().cancel(t);
    }
    err = e;
    return kids;
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    if (latch == null) {
      return;
    }
    boolean interrupted = false;
    for (; ; ) {
      try {
        latch.await();
        break;
      } catch (InterruptedException ie) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  ContextNode parentCancelled(CancellationException e, Throwable c, CountDownLatch settled) {
    lock.lock();
    try {
      return err != null ? null : cancelLocked(e, c, settled);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Cancels detached lists of nodes, depth first, without recursion.
   *
   * @param settled the latch of the cancellation, stored in the contexts that have children
   */
  private static void cancelAll(
      ContextNode list, CancellationException e, Throwable c, CountDownLatch settled) {
    ArrayDeque<ContextNode> pending = null;
    ContextNode n = list;
    for (; ; ) {
      while (n != null) {
        ContextNode next = n.next;
        n.prev = n.next = null;
        ContextNode grandchildren = n.parentCancelled(e, c, settled);
        if (grandchildren != null) {
          if (pending == null) {
            pending = new ArrayDeque<>();
          }
          pending.push(grandchildren);
        }
        n = next;
      }
      if (pending == null || pending.isEmpty()) {
        return;
      }
      n = pending.pop();
    }
  }

  // ---------------------------------------------------------------- Context

  @Override
  public Optional<Instant> deadline() {
    return Optional.ofNullable(deadline);
  }

  @Override
  public ReceiveChannel<?> done() {
    ReceiveChannel<Object> d = done;
    if (d != null) {
      return d;
    }
    lock.lock();
    try {
      d = done;
      if (d == null) {
        doneChannel = Channel.make();
        d = Access.receiveOnly(doneChannel);
        done = d;
      }
      return d;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public CancellationException err() {
    CancellationException e = err;
    if (e == null && cancelling != null) { // done may be closed already: wait for the canceller
      lock.lock();
      try {
        e = err;
      } finally {
        lock.unlock();
      }
    }
    return e;
  }

  @Override
  public Throwable cause() {
    return err() == null ? null : cause; // cause is written before err
  }

  @Override
  public Object value(Object key) {
    return key == KEY ? this : Contexts.value(parent, key);
  }

  Context parent() {
    return parent;
  }

  // ---------------------------------------------------------------- CancelScope

  @Override
  public CancelScope cancelScope() {
    return this;
  }

  @Override
  public Object watch(Waiter waiter) {
    WaiterNode node = new WaiterNode(waiter);
    add(node);
    return node;
  }

  @Override
  public void unwatch(Object registration) {
    ((ContextNode) registration).detach();
  }

  @Override
  public String toString() {
    return Contexts.name(this);
  }

  /** This context's step in {@link Contexts#name}. */
  void appendName(StringBuilder s) {
    if (!ownDeadline) {
      s.append(".WithCancel");
    } else {
      s.append(".WithDeadline(").append(deadline).append(" [").append(clock.until(deadline));
      s.append("])");
    }
  }
}
