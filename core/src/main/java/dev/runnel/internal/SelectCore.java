package dev.runnel.internal;

import dev.runnel.ChannelClosedException;
import dev.runnel.Received;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The select algorithm behind {@code Select} and {@code SelectExpression}, which each hold one and
 * run the chosen case's body: Go's {@code selectgo} on Runnel's {@link Waiter}.
 *
 * <pre>
 * Implementation notes
 *
 * 0. Draw a fresh uniformly random permutation of the cases and walk it on the channels' rings
 *    and slots without their locks (ChannelCore.pollFast, offerFast): a ring that nobody waits
 *    on and that has an element or room communicates at once, linearized at its index CAS, and
 *    so does an unbuffered channel whose slot holds a partner, at the partner's completing CAS;
 *    a ring that is empty or full, or a slot that is empty or holds no partner (at that moment,
 *    thawed) is not ready; the first case that only the locks can decide (waited on, closed,
 *    contended) ends the walk. So a case is taken here only if every case before it in the
 *    permutation was seen not ready, as in step 2.
 * 1. Lock every distinct channel of the cases in lockOrder (so concurrent selects cannot
 *    deadlock on each other's locks; a channel named by several cases is locked once).
 * 2. Try the cases again in the same permutation; the first that can communicate now does,
 *    under the locks. Trying in random order is what makes the choice among several ready
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
public final class SelectCore {

  /** {@link #choose} result: the default case was taken. */
  public static final int DEFAULT = -1;
  /** {@link #choose} result: the deadline passed with nothing ready. */
  public static final int TIMED_OUT = -2;
  /** {@link #choose} result: the context's scope was cancelled with nothing ready. */
  public static final int CANCELLED = -3;

  /** Case kind: a receive whose body takes the value. */
  public static final byte RECEIVE = 0;
  /** Case kind: a receive whose body takes a {@code Received}. */
  public static final byte RECEIVE_OK = 1;
  /** Case kind: a send. */
  public static final byte SEND = 2;

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
  /** What the chosen receive case received: an element or {@link ChannelCore#CLOSED}. */
  private Object received;

  /** What users hold (the Select), for dumps. */
  private final Object owner;

  /**
   * An empty select.
   *
   * @param owner what users hold, which a goroutine dump names as what a blocked select waits on
   */
  public SelectCore(Object owner) {
    this.owner = owner;
  }

  /**
   * What users hold.
   *
   * @return the owner given at construction
   */
  Object owner() {
    return owner;
  }

  /**
   * Adds a case.
   *
   * @param channel the channel's core; null or the nil core for Go's nil channel, never ready
   * @param sendValue the value of a send case, null for a receive
   * @param kind {@link #RECEIVE}, {@link #RECEIVE_OK} or {@link #SEND}
   * @param body the case's body, kept for the caller
   */
  public void addCase(ChannelCore channel, Object sendValue, byte kind, Object body) {
    Objects.requireNonNull(body, "body");
    ChannelCore core = channel == null || channel.isNil() ? null : channel;
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

  /**
   * Sets the default case.
   *
   * @param body its body, kept for the caller
   * @throws IllegalStateException {@code "select: multiple defaults"}
   */
  public void setDefault(Object body) {
    if (defaultBody != null) {
      throw new IllegalStateException("select: multiple defaults");
    }
    defaultBody = Objects.requireNonNull(body, "body");
  }

  /**
   * The default case's body.
   *
   * @return what {@link #setDefault} was given
   */
  public Object defaultBody() {
    return defaultBody;
  }

  /**
   * A case's body.
   *
   * @param i the case index
   * @return what {@link #addCase} was given
   */
  public Object body(int i) {
    return bodies[i];
  }

  /**
   * A case's kind.
   *
   * @param i the case index
   * @return {@link #RECEIVE}, {@link #RECEIVE_OK} or {@link #SEND}
   */
  public byte kind(int i) {
    return kinds[i];
  }

  /**
   * Returns and forgets what the last {@link #choose} received, for a {@link #RECEIVE} case.
   *
   * @param <E> the element type
   * @return the element, or null if the channel was closed
   */
  @SuppressWarnings("unchecked")
  public <E> E takeValue() {
    Object r = received;
    received = null;
    return r == ChannelCore.CLOSED ? null : (E) r;
  }

  /**
   * Returns and forgets what the last {@link #choose} received, for a {@link #RECEIVE_OK} case.
   *
   * @param <E> the element type
   * @return the element with {@code ok == true}, or {@link Received#closed()}
   */
  @SuppressWarnings("unchecked")
  public <E> Received<E> takeReceivedOk() {
    Object r = received;
    received = null;
    return r == ChannelCore.CLOSED ? Received.closed() : new Received<>((E) r, true);
  }

  /**
   * Performs one communication.
   *
   * @param deadline a {@link System#nanoTime()} deadline; 0 for "never block", {@code
   *     Long.MAX_VALUE} for none
   * @param scope a context's scope, or null
   * @return the index of the case that communicated, {@link #DEFAULT}, {@link #TIMED_OUT} when
   *     the deadline passed first, or {@link #CANCELLED} when the scope was cancelled first
   * @throws InterruptedException if interrupted while waiting; then no case communicated
   * @throws ChannelClosedException if a send case on a closed channel was chosen
   */
  public int choose(long deadline, CancelScope scope) throws InterruptedException {
    boolean blocking = defaultBody == null && deadline != 0;
    if (blocking && Thread.interrupted()) {
      throw new InterruptedException();
    }
    ChannelCore[] locks = lockSet();
    if (locks.length == 0) {
      return blocking ? awaitNothing(deadline, scope) : noneReady();
    }
    int[] order = shuffledOrder();
    for (int i : order) { // step 0: stops at the first case only the locks can decide
      ChannelCore c = channels[i];
      if (c == null) {
        continue; // nil: never ready
      }
      if (sendValues[i] == null) {
        Object r = c.pollFast();
        if (r == null) {
          break;
        } else if (r != Waiter.TIMED_OUT) {
          received = r;
          return i;
        }
      } else {
        int r = c.offerFast(sendValues[i]);
        if (r == ChannelCore.SENT) {
          return i;
        } else if (r != ChannelCore.FULL) {
          break;
        }
      }
    }
    lockAll(locks);
    for (int i : order) {
      ChannelCore c = channels[i];
      if (c == null) {
        continue;
      }
      Object v = sendValues[i];
      boolean done;
      if (v == null) {
        Object r = c.receiveLocked();
        done = r != Waiter.TIMED_OUT;
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
        ChannelWait w = c.takePendingWake();
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
    SelectWait waiter = new SelectWait(this, false);
    ChannelWait[] nodes = new ChannelWait[size];
    for (int i = 0; i < size; i++) {
      ChannelCore c = channels[i];
      if (c != null) {
        Object v = sendValues[i];
        ChannelWait n = new SelectCase(waiter, c, i, v);
        c.enqueue(n);
        nodes[i] = n;
      }
    }
    unlockAll(locks);
    Object t = probe().await(waiter, deadline, scope);
    for (ChannelWait n : nodes) {
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
    ChannelWait won = (ChannelWait) t;
    if (!won.isSend) {
      received = won.item;
    } else if (won.item == ChannelCore.CLOSED) {
      throw new ChannelClosedException("send on closed channel");
    }
    return won.caseIndex();
  }

  /** Go's {@code select {}}: blocks until interrupted, or until the deadline or the scope. */
  private int awaitNothing(long deadline, CancelScope scope) throws InterruptedException {
    Object t = new SelectWait(this, true).await(deadline, true, scope);
    if (t == Waiter.INTERRUPTED) {
      throw new InterruptedException();
    }
    return t == Waiter.CONTEXT_DONE ? CANCELLED : TIMED_OUT;
  }

  /**
   * Rethrows what a case body threw, unchanged: a checked exception propagates from {@code run()}
   * although {@code run()} does not declare it, exactly as the body threw it.
   *
   * @param <X> inferred as an unchecked type at the call
   * @param t what the body threw
   * @return never returns
   * @throws X always: {@code t}
   */
  @SuppressWarnings("unchecked")
  public static <X extends Throwable> RuntimeException rethrow(Throwable t) throws X {
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
