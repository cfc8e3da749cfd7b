package dev.runnel.context;

import dev.runnel.Channel;
import dev.runnel.ReceiveChannel;
import dev.runnel.Select;
import dev.runnel.internal.Access;
import dev.runnel.internal.CancelScope;
import dev.runnel.internal.TimeSource;
import dev.runnel.internal.TimerTask;
import dev.runnel.internal.Waiter;
import dev.runnel.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * The cancellable context behind {@code withCancel}, {@code withCancelCause}, {@code
 * withDeadline} and {@code withTimeout}: Go's {@code cancelCtx} and {@code timerCtx} in one class.
 *
 * <pre>
 * Implementation notes
 *
 * State, guarded by this node's lock: children (a ContextNode list), doneChannel, cause, timer.
 * err and done are volatile so that err() and a done() already made are lock-free reads.
 *
 * Cancellation (cancel): under the lock, set cause then err, detach the whole children list
 * (clearing each child's owner), close the done channel if one was made (else install the shared
 * closed one), and unqueue the deadline timer. Then, without the lock, cancel the detached
 * children with the same err and cause, depth first through an explicit stack (no recursion, so
 * a deep chain cannot overflow the stack), and remove this context from its parent. The err write
 * is the linearization point: a child added before it is in the detached list; a child added
 * after it sees err under the lock and is cancelled at once by add.
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

  private volatile CancellationException err;
  private volatile ReceiveChannel<Object> done;

  CancelCtx(Context parent, Instant ownDeadline) {
    this.parent = parent;
    this.ownDeadline = ownDeadline != null;
    this.deadline = ownDeadline != null ? ownDeadline : parent.deadline().orElse(null);
  }

  private static ReceiveChannel<Object> closedChannel() {
    Channel<Object> c = Channel.make();
    c.close();
    return Access.channels().receiveOnly(c);
  }

  // ---------------------------------------------------------------- construction

  /** Go's propagateCancel: arranges for the parent's cancellation to cancel this context. */
  void propagate() {
    CancellationException parentErr = parent.err();
    if (parentErr != null) {
      cancel(false, parentErr, parent.cause());
      return;
    }
    CancelScope scope = CancelScope.of(parent);
    if (scope instanceof CancelCtx p) {
      p.add(this);
    } else if (scope != null) { // a foreign context: watch its done() from a goroutine, as Go does
      ReceiveChannel<?> parentDone = parent.done();
      ReceiveChannel<?> mine = done();
      Thread.ofVirtual()
          .name("runnel-context-propagate")
          .start(
              () -> {
                try {
                  Select.select()
                      .onReceive(parentDone, x -> cancel(false, parent.err(), parent.cause()))
                      .onReceive(mine, x -> {})
                      .run();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
    }
  }

  /** Arms the deadline on {@code clock}; cancels at once if it has passed. */
  void startTimer(Clock clock, Throwable deadlineCause) {
    this.clock = clock;
    Duration left = clock.until(deadline);
    if (left.isNegative() || left.isZero()) {
      cancel(true, new DeadlineExceededException(), deadlineCause);
      return;
    }
    TimeSource time = Access.timeSource(clock);
    TimerTask t =
        new TimerTask() {
          @Override
          public void fire(long now) {
            cancel(true, new DeadlineExceededException(), deadlineCause);
          }
        };
    lock();
    try {
      if (err != null) {
        return;
      }
      timer = t;
      timerSource = time;
      time.queue().schedule(t, time.deadlineAfter(left));
    } finally {
      unlock();
    }
  }

  // ---------------------------------------------------------------- children

  /** Adds {@code node} to the children, or cancels it now if this context is cancelled. */
  void add(ContextNode node) {
    CancellationException e;
    Throwable c;
    lock();
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
      unlock();
    }
    cancelAll(node.parentCancelled(e, c), e, c);
  }

  /** Removes {@code node} if it is still one of the children. */
  void remove(ContextNode node) {
    lock();
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
      unlock();
    }
  }

  // ---------------------------------------------------------------- cancellation

  @Override
  public void cancel() {
    cancel(true, new ContextCanceledException(), null);
  }

  @Override
  public void cancel(Throwable cause) {
    cancel(true, new ContextCanceledException(), cause);
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
   */
  void cancel(boolean removeFromParent, CancellationException e, Throwable cause) {
    ContextNode kids = cancelSelf(e, cause == null ? e : cause);
    if (kids == this) {
      return; // cancelled already
    }
    if (removeFromParent) {
      detach();
    }
    cancelAll(kids, e, cause == null ? e : cause);
  }

  /** Returns this if already cancelled, else the detached children (maybe null). */
  private ContextNode cancelSelf(CancellationException e, Throwable c) {
    ContextNode kids;
    TimerTask t;
    lock();
    try {
      if (err != null) {
        return this;
      }
      cause = c;
      err = e;
      kids = children;
      children = null;
      for (ContextNode k = kids; k != null; k = k.next) {
        k.owner = null;
      }
      if (doneChannel != null) {
        doneChannel.close();
      } else {
        done = CLOSED;
      }
      t = timer;
      timer = null;
      if (t != null) {
        timerSource.queue().cancel(t);
      }
    } finally {
      unlock();
    }
    return kids;
  }

  @Override
  ContextNode parentCancelled(CancellationException e, Throwable c) {
    ContextNode kids = cancelSelf(e, c);
    return kids == this ? null : kids;
  }

  /** Cancels detached lists of nodes, depth first, without recursion. */
  private static void cancelAll(ContextNode list, CancellationException e, Throwable c) {
    ArrayDeque<ContextNode> pending = null;
    ContextNode n = list;
    for (; ; ) {
      while (n != null) {
        ContextNode next = n.next;
        n.prev = n.next = null;
        ContextNode grandchildren = n.parentCancelled(e, c);
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
    lock();
    try {
      d = done;
      if (d == null) {
        doneChannel = Channel.make();
        d = Access.channels().receiveOnly(doneChannel);
        done = d;
      }
      return d;
    } finally {
      unlock();
    }
  }

  @Override
  public CancellationException err() {
    return err;
  }

  @Override
  public Throwable cause() {
    return err == null ? null : cause; // cause is written before err
  }

  @Override
  public Object value(Object key) {
    return Contexts.value(parent, key);
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
    if (!ownDeadline) {
      return parent + ".WithCancel";
    }
    return parent + ".WithDeadline(" + deadline + " [" + clock.until(deadline) + "])";
  }
}
