package dev.runnel.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Who holds which Runnel lock, and in which order locks have been taken: the bookkeeping behind
 * lock-order and long-wait detection (dev.runnel.debug). Off by default; while off, the only cost
 * to a lock operation is the read of {@link #on} and its branch.
 *
 * <p>The locks (Mutex, RWMutex for writing and reading) call {@link #beforeLock} before they may
 * block, {@link #acquired} once locked and {@link #released} before unlocking. When a goroutine
 * takes lock B while holding A, the edge A→B is recorded with that goroutine's stack, the first
 * time it is seen. If B→A was seen before, the two orders can deadlock each other: the listener is
 * told once per pair, with both stacks, whether or not it deadlocks this time (go-deadlock's rule).
 * Taking a lock the same goroutine already holds is reported too: Runnel's mutexes are not
 * reentrant.
 */
public final class LockTracker {

  /** Listens for inconsistent lock order. */
  public interface Listener {
    /**
     * Lock {@code second} is being taken while {@code first} is held, where {@code first} was
     * earlier taken while holding {@code second} (or {@code first == second}: a relock).
     *
     * @param first the lock held
     * @param second the lock being taken
     * @param earlierThread the thread name that took them in the other order
     * @param earlierStack its stack then (empty for a relock)
     * @param thread the current thread's name
     * @param stack the current stack
     */
    void inversion(
        Object first,
        Object second,
        String earlierThread,
        StackTraceElement[] earlierStack,
        String thread,
        StackTraceElement[] stack);
  }

  /**
   * Whether tracking is on: read by every lock operation, so it is the whole cost while off.
   * Volatile, so that turning it on reaches loops that lock and unlock (a plain load on x86).
   */
  public static volatile boolean on;

  private static volatile Listener listener;
  private static int users;

  private static final ReentrantLock GUARD = new ReentrantLock();
  /** Lock → threads holding it (several for read locks). Guarded by GUARD. */
  private static final Map<Object, List<Thread>> HOLDERS = new IdentityHashMap<>();
  /** Thread → locks it holds, in the order taken. Guarded by GUARD. */
  private static final Map<Thread, List<Object>> HELD = new IdentityHashMap<>();
  /** Lock A → (lock B → the first time B was taken holding A). Weak: locks may be collected. */
  private static final Map<Object, Map<Object, Edge>> ORDER = new WeakHashMap<>();

  /** The first time a lock was taken holding another. Guarded by GUARD. */
  private static final class Edge {
    final String thread;
    final StackTraceElement[] stack;
    boolean reported; // this pair's inversion was reported

    Edge(String thread, StackTraceElement[] stack) {
      this.thread = thread;
      this.stack = stack;
    }
  }

  /** An inversion found under GUARD, told to the listener after it is released. */
  private record Inversion(
      Object first, Object second, String earlierThread, StackTraceElement[] earlierStack) {}

  private LockTracker() {}

  /**
   * Turns tracking on for one more user (the lock-order or the long-wait detector).
   *
   * @param orderListener receives inversions, or null if this user does not want them
   */
  public static void start(Listener orderListener) {
    GUARD.lock();
    try {
      if (orderListener != null) {
        listener = orderListener;
      }
      users++;
      on = true;
    } finally {
      GUARD.unlock();
    }
  }

  /**
   * Turns tracking off for one user; off when no user is left. Locks taken while on and released
   * while off stay recorded as held until cleared by the next start, which is harmless.
   *
   * @param orderListener the listener this user registered, or null
   */
  public static void stop(Listener orderListener) {
    GUARD.lock();
    try {
      if (orderListener != null && listener == orderListener) {
        listener = null;
      }
      if (users > 0 && --users == 0) {
        on = false;
        HOLDERS.clear();
        HELD.clear();
        ORDER.clear();
      }
    } finally {
      GUARD.unlock();
    }
  }

  /** Called before taking {@code lock} in a way that may block. */
  public static void beforeLock(Object lock) {
    Listener l = listener;
    if (l == null) {
      return;
    }
    Thread me = Thread.currentThread();
    StackTraceElement[] stack = null;
    List<Inversion> inversions = new ArrayList<>(0); // nearly always stays empty
    GUARD.lock();
    try {
      List<Object> mine = HELD.get(me);
      if (mine == null) {
        return;
      }
      for (Object held : mine) {
        if (held == lock) {
          inversions.add(new Inversion(lock, lock, me.getName(), new StackTraceElement[0]));
          continue;
        }
        Map<Object, Edge> from = ORDER.computeIfAbsent(held, k -> new WeakHashMap<>());
        Edge edge = from.get(lock);
        if (edge == null) {
          if (stack == null) {
            stack = stackOfCaller();
          }
          edge = new Edge(me.getName(), stack);
          from.put(lock, edge);
          Map<Object, Edge> back = ORDER.get(lock);
          Edge reverse = back == null ? null : back.get(held);
          if (reverse != null && !reverse.reported) {
            reverse.reported = true;
            edge.reported = true;
            inversions.add(new Inversion(held, lock, reverse.thread, reverse.stack));
          }
        }
      }
    } finally {
      GUARD.unlock();
    }
    for (Inversion i : inversions) {
      if (stack == null) {
        stack = stackOfCaller();
      }
      l.inversion(i.first(), i.second(), i.earlierThread(), i.earlierStack(), me.getName(), stack);
    }
  }

  /**
   * Takes {@code lock} with tracking: {@link #beforeLock}, then {@code lockUntracked}, then {@link
   * #acquired}. For the blocking lock calls, while tracking is on.
   */
  public static void lock(Object lock, Runnable lockUntracked) {
    beforeLock(lock);
    lockUntracked.run();
    acquired(lock);
  }

  /** Called once {@code lock} is held by the current thread. */
  public static void acquired(Object lock) {
    Thread me = Thread.currentThread();
    GUARD.lock();
    try {
      HOLDERS.computeIfAbsent(lock, k -> new ArrayList<>(1)).add(me);
      HELD.computeIfAbsent(me, k -> new ArrayList<>(2)).add(lock);
    } finally {
      GUARD.unlock();
    }
  }

  /**
   * Called before {@code lock} is released, by any thread (Go lets any goroutine unlock): the
   * current thread's hold if it has one, else the oldest.
   */
  public static void released(Object lock) {
    Thread me = Thread.currentThread();
    GUARD.lock();
    try {
      List<Thread> holders = HOLDERS.get(lock);
      if (holders == null) {
        return;
      }
      Thread holder = holders.contains(me) ? me : holders.get(0);
      holders.remove(holder);
      if (holders.isEmpty()) {
        HOLDERS.remove(lock);
      }
      List<Object> held = HELD.get(holder);
      if (held != null) {
        held.remove(lock);
        if (held.isEmpty()) {
          HELD.remove(holder);
        }
      }
    } finally {
      GUARD.unlock();
    }
  }

  /**
   * The threads holding {@code lock}, as far as tracking saw.
   *
   * @param lock a Mutex or RWMutex
   * @return the holders, oldest first; empty if none or tracking is off
   */
  public static List<Thread> holders(Object lock) {
    GUARD.lock();
    try {
      List<Thread> h = HOLDERS.get(lock);
      return h == null ? List.of() : List.copyOf(h);
    } finally {
      GUARD.unlock();
    }
  }

  /** The current stack without this class's and the lock's own frames. */
  private static StackTraceElement[] stackOfCaller() {
    StackTraceElement[] s = new Throwable().getStackTrace();
    int from = 0;
    while (from < s.length && LOCK_CLASSES.contains(s[from].getClassName())) {
      from++;
    }
    return Arrays.copyOfRange(s, from, s.length);
  }

  private static final Set<String> LOCK_CLASSES =
      Set.of(
          LockTracker.class.getName(),
          "dev.runnel.sync.Mutex",
          "dev.runnel.sync.RWMutex",
          "dev.runnel.sync.RWMutex$ReadLocker");
}
