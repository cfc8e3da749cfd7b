package dev.runnel;

import dev.runnel.internal.CancelScope;
import dev.runnel.internal.HandOffProbe;
import dev.runnel.internal.WaitReason;
import dev.runnel.internal.Waiter;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The select algorithm behind {@link Select} and {@link SelectExpression}: Go's {@code selectgo}
 * on Runnel's {@link Waiter}.
 *
 * <pre>
 * Implementation notes
 *
 * 1. Lock every distinct channel of the cases in lockOrder (so concurrent selects cannot
 *    deadlock on each other's locks; a channel named by several cases is locked once).
 * 2. Try the cases in a fresh uniformly random permutation; the first that can communicate now
 *    does, under the locks. Trying in random order is what makes the choice among several ready
 *    cases uniform. A send case on a closed channel counts as ready, and throws.
 * 3. Nothing ready: with a default case, unlock and take it. Otherwise queue one node per case,
 *    all sharing one Waiter, unlock, and park. Whichever channel completes the waiter first (a
 *    CAS) decides the case; every other completer fails its CAS and skips that node. Because the
 *    nodes are queued only after the poll pass, and only other goroutines complete them, a
 *    select never pairs with itself.
 * 4. After waking, unlink the nodes that are still queued, one channel lock at a time (no order
 *    is needed: unlinking is per channel), so that a select in a loop leaves nothing behind.
 * </pre>
 *
 * A builder is used by one goroutine at a time; {@code choose} may be called repeatedly.
 */
abstract class SelectCore {

  /** {@link #choose} result: the default case was taken. */
  static final int DEFAULT = -1;
  /** {@link #choose} result: the deadline passed with nothing ready. */
  static final int TIMED_OUT = -2;
  /** {@link #choose} result: the context's scope was cancelled with nothing ready. */
  static final int CANCELLED = -3;

  /** Case kinds: how the subclass passes the outcome to the case's body. */
  static final byte RECEIVE = 0, RECEIVE_OK = 1, SEND = 2;

  private ChannelCore[] channels = new ChannelCore[2]; // null: Go's nil channel
  private Object[] sendValues = new Object[2]; // non-null exactly for send cases
  private Object[] bodies = new Object[2];
  private byte[] kinds = new byte[2];
  private int size;
  private Object defaultBody;
  /** The distinct non-null channels in lock order; null when cases were added since. */
  private ChannelCore[] lockSet;
  private int[] pollOrder;
  /** Adaptive spin-then-yield before parking, per builder (select-in-a-loop reuses it). */
  private HandOffProbe probe;
  /** What the chosen receive case received: an element or {@link WaitNode#CLOSED}. */
  private Object received;

  final void addCase(Object channel, Object sendValue, byte kind, Object body) {
    Objects.requireNonNull(body, "body");
    ChannelCore core = null;
    if (channel instanceof Channel<?> c) {
      core = c.core;
    } else if (channel instanceof ReceiveOnlyChannel<?> v) {
      core = v.core; // null for the nil channel
    } else if (channel != null) {
      throw new IllegalArgumentException(
          "select works on channels made by Channel.make, not " + channel.getClass().getName());
    }
    if (size == channels.length) {
      int n = size * 2;
      channels = Arrays.copyOf(channels, n);
      sendValues = Arrays.copyOf(sendValues, n);
      bodies = Arrays.copyOf(bodies, n);
      kinds = Arrays.copyOf(kinds, n);
    }
    channels[size] = core;
    sendValues[size] = sendValue;
    bodies[size] = body;
    kinds[size] = kind;
    size++;
    lockSet = null;
  }

  final void setDefault(Object body) {
    if (defaultBody != null) {
      throw new IllegalStateException("select: multiple defaults");
    }
    defaultBody = Objects.requireNonNull(body, "body");
  }

  final Object defaultBody() {
    return defaultBody;
  }

  final Object body(int i) {
    return bodies[i];
  }

  final byte kind(int i) {
    return kinds[i];
  }

  /** Returns and forgets what the last {@link #choose} received. */
  final Object takeReceived() {
    Object r = received;
    received = null;
    return r;
  }

  /**
   * Performs one communication: the index of the case that communicated, {@link #DEFAULT}, or
   * {@link #TIMED_OUT} when {@code deadline} (nanoTime; 0 for "never block", {@code
   * Long.MAX_VALUE} for none) passed first, or {@link #CANCELLED} when {@code scope} (a
   * context's, or null) was cancelled first.
   */
  final int choose(long deadline, CancelScope scope) throws InterruptedException {
    boolean blocking = defaultBody == null && deadline != 0;
    if (blocking && Thread.interrupted()) {
      throw new InterruptedException();
    }
    ChannelCore[] locks = lockSet();
    if (locks.length == 0) {
      return blocking ? awaitNothing(deadline, scope) : noneReady();
    }
    lockAll(locks);
    int[] order = shuffledOrder();
    for (int i : order) {
      ChannelCore c = channels[i];
      if (c == null) {
        continue;
      }
      Object v = sendValues[i];
      boolean done;
      if (v == null) {
        Object r = c.receiveLocked();
        done = r != ChannelCore.NONE;
        received = r;
      } else {
        int r = c.sendLocked(v);
        if (r == ChannelCore.SEND_CLOSED) {
          unlockAll(locks);
          throw new ChannelClosedException("send on closed channel");
        }
        done = r == ChannelCore.SENT;
      }
      if (done) {
        WaitNode w = c.takePendingWake();
        unlockAll(locks);
        ChannelCore.wake(w);
        return i;
      }
    }
    received = null;
    if (!blocking) {
      unlockAll(locks);
      return noneReady();
    }
    return enqueueAndAwait(locks, deadline, scope);
  }

  private int noneReady() {
    return defaultBody != null ? DEFAULT : TIMED_OUT;
  }

  private int enqueueAndAwait(ChannelCore[] locks, long deadline, CancelScope scope)
      throws InterruptedException {
    Waiter waiter = Waiter.of(WaitReason.SELECT, this);
    WaitNode[] nodes = new WaitNode[size];
    for (int i = 0; i < size; i++) {
      ChannelCore c = channels[i];
      if (c != null) {
        Object v = sendValues[i];
        WaitNode n = new SelectNode(waiter, c, i, v);
        c.enqueue(n);
        nodes[i] = n;
      }
    }
    unlockAll(locks);
    Object t = probe().await(waiter, deadline, scope);
    for (WaitNode n : nodes) {
      // linked is only ever cleared once set, so a stale read of false is exact; true rechecks
      if (n != null && n != t && n.linked) {
        n.channel.remove(n);
      }
    }
    if (t == Waiter.INTERRUPTED) {
      throw new InterruptedException();
    }
    if (t == Waiter.TIMED_OUT) {
      return TIMED_OUT;
    }
    if (t == Waiter.CONTEXT_DONE) {
      return CANCELLED;
    }
    WaitNode won = (WaitNode) t;
    if (!won.isSend) {
      received = won.item;
    } else if (won.item == WaitNode.CLOSED) {
      throw new ChannelClosedException("send on closed channel");
    }
    return won.caseIndex();
  }

  /** Go's {@code select {}}: blocks until interrupted, or until the deadline or the scope. */
  private int awaitNothing(long deadline, CancelScope scope) throws InterruptedException {
    Object t = Waiter.of(WaitReason.SELECT_NO_CASES, this).await(deadline, true, scope);
    if (t == Waiter.INTERRUPTED) {
      throw new InterruptedException();
    }
    return t == Waiter.CONTEXT_DONE ? CANCELLED : TIMED_OUT;
  }

  /**
   * Rethrows what a case body threw, unchanged: a checked exception propagates from {@code run()}
   * although {@code run()} does not declare it, exactly as the body threw it.
   */
  @SuppressWarnings("unchecked")
  static <X extends Throwable> RuntimeException rethrow(Throwable t) throws X {
    throw (X) t;
  }

  private ChannelCore[] lockSet() {
    ChannelCore[] set = lockSet;
    if (set == null) { // insertion sort by lockOrder, dropping nil cases and repeats (no streams:
      set = new ChannelCore[size]; // a select built per loop iteration computes this every time)
      int n = 0;
      for (int i = 0; i < size; i++) {
        ChannelCore c = channels[i];
        if (c == null) {
          continue;
        }
        int j = n;
        while (j > 0 && set[j - 1].lockOrder > c.lockOrder) {
          j--;
        }
        if (j > 0 && set[j - 1] == c) {
          continue;
        }
        System.arraycopy(set, j, set, j + 1, n - j);
        set[j] = c;
        n++;
      }
      if (n < size) {
        set = Arrays.copyOf(set, n);
      }
      lockSet = set;
      pollOrder = new int[size];
    }
    return set;
  }

  /** A uniformly random permutation of the case indexes (Fisher-Yates), reusing one array. */
  private int[] shuffledOrder() {
    int[] order = pollOrder;
    int n = order.length;
    ThreadLocalRandom random = n > 1 ? ThreadLocalRandom.current() : null;
    for (int i = 0; i < n; i++) {
      int j = i == 0 ? 0 : random.nextInt(i + 1);
      order[i] = order[j];
      order[j] = i;
    }
    return order;
  }

  private static void lockAll(ChannelCore[] locks) {
    for (ChannelCore c : locks) {
      c.lock();
    }
  }

  private static void unlockAll(ChannelCore[] locks) {
    for (int i = locks.length - 1; i >= 0; i--) {
      locks[i].unlock();
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
    StringBuilder sb = new StringBuilder("select[");
    for (int i = 0; i < size; i++) {
      sb.append(i == 0 ? "" : ", ")
          .append(sendValues[i] == null ? "receive " : "send ")
          .append(channels[i] == null ? "nil chan" : channels[i]);
    }
    return sb.append(defaultBody == null ? "]" : ", default]").toString();
  }
}
