package dev.runnel.debug;

import dev.runnel.internal.Goroutines;
import dev.runnel.internal.ShortLock;
import dev.runnel.internal.Waiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/** Reads what one thread is doing, for dumps and detectors: best effort, without stopping it. */
final class ThreadInspector {

  private ThreadInspector() {}

  /** A goroutine as it is now. */
  static GoroutineInfo inspect(Goroutines.Goroutine g) {
    return inspect(
        g.thread(), g.id(), g.parentName(), Arrays.asList(g.creationStack()));
  }

  /**
   * A thread as it is now. The blocker is read before and after the stack, and the reading is
   * repeated a few times if it changed, so state and stack agree unless the thread keeps moving.
   */
  static GoroutineInfo inspect(
      Thread t, long id, String createdBy, List<StackTraceElement> creationStack) {
    Object blocker;
    StackTraceElement[] stack;
    Thread.State state;
    int attempts = 0;
    do {
      blocker = LockSupport.getBlocker(t);
      state = t.getState();
      stack = t.getStackTrace();
    } while (LockSupport.getBlocker(t) != blocker && ++attempts < 3);
    String reason;
    Duration waiting = Duration.ZERO;
    String waitingOn = null;
    if (blocker instanceof ShortLock) {
      blocker = null; // a Runnel object's short critical section: its holder is running
      state = Thread.State.RUNNABLE;
    }
    boolean parked = state != Thread.State.RUNNABLE;
    if (blocker instanceof Waiter w && w.isWaiting() && w.parkedSince() != 0) {
      parked = true; // also while the park is still unmounting it, which getState calls running
      reason = w.reason().goName();
      waiting = Duration.ofNanos(Math.max(0, System.nanoTime() - w.parkedSince()));
      waitingOn = describe(w.waitingOn());
    } else {
      reason = outsideRunnel(state, blocker, stack);
      if (blocker != null && !(blocker instanceof Waiter)) {
        waitingOn = describe(blocker);
      }
    }
    return new GoroutineInfo(
        id,
        t.getName(),
        reason,
        waiting,
        waitingOn,
        createdBy,
        creationStack,
        trim(stack, parked));
  }

  /**
   * Threads as they are now, each found among the goroutines if it is one (the registry is read
   * once for all of them).
   *
   * @param threads any threads
   * @return their descriptions, in the same order; id -1 for a thread that is not a goroutine
   */
  static List<GoroutineInfo> inspect(Collection<Thread> threads) {
    Map<Thread, Goroutines.Goroutine> goroutines = new IdentityHashMap<>();
    for (Goroutines.Goroutine g : Goroutines.all()) {
      goroutines.put(g.thread(), g);
    }
    List<GoroutineInfo> infos = new ArrayList<>(threads.size());
    for (Thread t : threads) {
      Goroutines.Goroutine g = goroutines.get(t);
      infos.add(g != null ? inspect(g) : inspect(t, -1, "", List.of()));
    }
    return infos;
  }

  /** The live platform threads (virtual threads are in no thread group). */
  static List<Thread> platformThreads() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads;
    int n;
    do {
      threads = new Thread[root.activeCount() * 2 + 8];
      n = root.enumerate(threads, true);
    } while (n == threads.length);
    return Arrays.asList(threads).subList(0, n);
  }

  /**
   * The Runnel waiter {@code t} is parked in, if it is blocked in Runnel with no deadline: then
   * only another thread can end its wait.
   */
  static Waiter blockedForever(Thread t) {
    if (LockSupport.getBlocker(t) instanceof Waiter w
        && w.isWaiting()
        && w.parkedSince() != 0
        && !w.isTimed()) {
      return w;
    }
    return null;
  }

  /** Go's words for a thread that is not blocked in Runnel. */
  private static String outsideRunnel(
      Thread.State state, Object blocker, StackTraceElement[] stack) {
    return switch (state) {
      case NEW, RUNNABLE, TERMINATED -> "running";
      case BLOCKED -> "monitor enter";
      case WAITING, TIMED_WAITING -> {
        for (StackTraceElement f : stack) {
          if (f.getClassName().equals("java.lang.Thread") && f.getMethodName().equals("sleep")) {
            yield "sleep";
          }
        }
        yield blocker instanceof Waiter ? "running" : "waiting";
      }
    };
  }

  /**
   * How reports name a thread, as the dump's headers do: {@code goroutine 7}, or {@code thread
   * "main"} for a thread that is not a goroutine.
   */
  static String label(String threadName) {
    long id = Goroutines.idOf(threadName);
    return id >= 0 ? "goroutine " + id : "thread \"" + threadName + "\"";
  }

  /** An object's class and identity, {@code Mutex@1b6d3586}: a lock's name in reports. */
  static String name(Object o) {
    return o.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(o));
  }

  /**
   * An object's description with its identity ({@code Mutex[locked, waiters=1]@1b6d3586}), so that
   * goroutines waiting on the same object can be told apart; never throws (a toString may).
   */
  static String describe(Object o) {
    if (o == null) {
      return null;
    }
    String identity = "@" + Integer.toHexString(System.identityHashCode(o));
    try {
      String s = o.toString();
      return s.contains("@") ? s : s + identity;
    } catch (RuntimeException e) {
      return o.getClass().getName() + identity;
    }
  }

  /**
   * The stack as a user wants to read it. At the bottom, the JDK's and Runnel's frames below the
   * last other frame (the thread's start, Runnel's goroutine wrapper) go. For a parked thread, so
   * do the JDK's and Runnel's frames above the call the user made, which is kept ({@code
   * Channel.receive}, not the channel core's wait inside it), as Go's traceback hides the
   * runtime.
   */
  static List<StackTraceElement> trim(StackTraceElement[] stack, boolean parked) {
    int from = 0;
    if (parked) {
      while (from < stack.length && (isJdk(stack[from]) || isRunnel(stack[from]))) {
        from++;
      }
      if (from > 0 && from < stack.length) {
        from--; // keep the frame of the call the user made (Channel.receive, CountDownLatch.await)
      } else if (from == stack.length) {
        from = 0; // nothing but machinery: show it all
      }
    }
    int to = stack.length;
    while (to > from && (isJdk(stack[to - 1]) || isRunnel(stack[to - 1]))) {
      to--;
    }
    return Arrays.asList(stack).subList(from, to);
  }

  private static boolean isJdk(StackTraceElement f) {
    String c = f.getClassName();
    return c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.");
  }

  /** Whether a class, by name, is Runnel's own (not a user's, nor a test's), once decided. */
  private static final Map<String, Boolean> RUNNEL_CLASSES = new ConcurrentHashMap<>();

  private static final Object RUNNEL_SOURCE = codeSource(Goroutines.class);

  /**
   * Whether {@code f} is in Runnel core itself: in a {@code dev.runnel} package and loaded from
   * the same place as core (tests and examples share core's packages but not its jar).
   */
  private static boolean isRunnel(StackTraceElement f) {
    String c = f.getClassName();
    if (!c.startsWith("dev.runnel.")) {
      return false;
    }
    return RUNNEL_CLASSES.computeIfAbsent(
        c,
        name -> {
          try {
            Class<?> k = Class.forName(name, false, Goroutines.class.getClassLoader());
            return Objects.equals(codeSource(k), RUNNEL_SOURCE);
          } catch (ClassNotFoundException | LinkageError e) {
            return false;
          }
        });
  }

  private static Object codeSource(Class<?> k) {
    var source = k.getProtectionDomain().getCodeSource();
    return source == null ? null : source.getLocation();
  }
}
