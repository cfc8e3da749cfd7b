package dev.runnel.internal;

import dev.runnel.GoFunc;
import dev.runnel.context.ContextCanceledException;
import dev.runnel.context.DeadlineExceededException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The goroutine runtime: ids, the registry of live goroutines, and panic reporting. Every Runnel
 * type that runs user code on a goroutine of its own ({@code Go.go}, WaitGroup.go, ErrGroup.go,
 * timer callbacks) starts it through {@link #start}.
 *
 * <p>The registry holds one {@link Goroutine} per goroutine from {@link #start} until its body
 * returns; goroutine dumps, leak checks and the deadlock detector read it. The creation stack is
 * recorded only while {@link #recordCreationStacks} is on (system property {@code
 * dev.runnel.creationStacks=true}); otherwise a goroutine knows only the name of the thread that
 * started it, which costs nothing.
 */
public final class Goroutines {

  /** Thread names are this prefix and the goroutine id. */
  public static final String NAME_PREFIX = "goroutine-";

  private static final AtomicLong IDS = new AtomicLong();
  private static final GoroutineRegistry LIVE = new GoroutineRegistry();
  private static volatile Thread.UncaughtExceptionHandler panicHandler;
  private static volatile boolean recordCreationStacks =
      Boolean.getBoolean("dev.runnel.creationStacks");

  static {
    dev.runnel.debug.Diagnostics.startFromProperties();
  }

  private Goroutines() {}

  /** Starts {@code body} on a new virtual thread named {@code goroutine-<id>}; returns it. */
  public static Thread start(GoFunc body) {
    Objects.requireNonNull(body, "goroutine body");
    long id = IDS.incrementAndGet();
    Goroutine g = new Goroutine(id, body, recordCreationStacks ? new Throwable() : null);
    Thread t = Thread.ofVirtual().name(NAME_PREFIX + id).unstarted(g);
    g.thread = t;
    LIVE.add(g);
    try {
      t.start();
    } catch (Throwable e) { // the thread could not start: it is not live
      LIVE.remove(g);
      throw e;
    }
    return t;
  }

  /**
   * One live goroutine: its body with panic reporting, what a dump says about its start, and its
   * links in the registry. One object and one stack frame per goroutine, as a blocked goroutine's
   * footprint is a benchmarked target.
   */
  public static final class Goroutine implements Runnable {
    private final long id;
    private final GoFunc body;
    private final String parentName;
    private final Throwable creation;
    private Thread thread; // set before start; LIVE.add publishes it
    Goroutine prev; // the registry's links, guarded by its stripe's lock
    Goroutine next;

    Goroutine(long id, GoFunc body, Throwable creation) {
      this.id = id;
      this.body = body;
      this.parentName = Thread.currentThread().getName();
      this.creation = creation;
    }

    /** A list head for the registry: no goroutine. */
    static Goroutine sentinel() {
      return new Goroutine(-1, () -> {}, null);
    }

    @Override
    public void run() {
      try {
        body.run();
      } catch (Throwable t) {
        reportPanic(Thread.currentThread(), t);
      } finally {
        LIVE.remove(this);
      }
    }

    /** The goroutine id. */
    public long id() {
      return id;
    }

    /** The goroutine's virtual thread. */
    public Thread thread() {
      return thread;
    }

    /** The name of the thread that started it ({@code goroutine-N}, {@code main}, ...). */
    public String parentName() {
      return parentName;
    }

    /**
     * The stack of the {@code Go.go} call, without Runnel's own frames; empty when creation stacks
     * were not recorded.
     */
    public StackTraceElement[] creationStack() {
      if (creation == null) {
        return new StackTraceElement[0];
      }
      StackTraceElement[] s = creation.getStackTrace();
      int from = 0;
      while (from < s.length && isRuntimeFrame(s[from])) {
        from++;
      }
      return Arrays.copyOfRange(s, from, s.length);
    }
  }

  /** Whether {@code f} is a frame of the goroutine runtime itself: Go.go or this package. */
  public static boolean isRuntimeFrame(StackTraceElement f) {
    String c = f.getClassName();
    return c.startsWith("dev.runnel.internal.") || c.equals("dev.runnel.Go");
  }

  /** The live goroutines, a weakly consistent copy. */
  public static List<Goroutine> all() {
    return LIVE.snapshot();
  }

  /** Goroutines started and not yet returned. */
  public static int live() {
    return LIVE.size();
  }

  /** The id the next goroutine will get minus one: goroutines with larger ids started later. */
  public static long lastId() {
    return IDS.get();
  }

  /** Whether creation stacks are recorded. */
  public static boolean recordsCreationStacks() {
    return recordCreationStacks;
  }

  /** Turns the recording of creation stacks on or off for goroutines started from now on. */
  public static void recordCreationStacks(boolean on) {
    recordCreationStacks = on;
  }

  /** The id of the current goroutine, or -1 if the current thread is not one. */
  public static long currentId() {
    Thread t = Thread.currentThread();
    return t.isVirtual() ? idOf(t.getName()) : -1;
  }

  /** The goroutine id in a thread name {@code goroutine-N}, or -1 for any other name. */
  public static long idOf(String threadName) {
    if (!threadName.startsWith(NAME_PREFIX)) {
      return -1;
    }
    try {
      return Long.parseLong(threadName, NAME_PREFIX.length(), threadName.length(), 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Installs the panic handler; null restores the default (print to stderr). */
  public static void setPanicHandler(Thread.UncaughtExceptionHandler handler) {
    panicHandler = handler;
  }

  /**
   * Reports an exception that escaped user code on {@code thread} as a panic, unless it is a
   * context's own error: Go's {@code return ctx.Err()} is a normal end.
   */
  public static void reportPanic(Thread thread, Throwable t) {
    if (!(t instanceof ContextCanceledException || t instanceof DeadlineExceededException)) {
      panic(thread, t);
    }
  }

  /** Reports an exception that escaped a goroutine: never lost, even if the handler throws. */
  public static void panic(Thread thread, Throwable t) {
    Thread.UncaughtExceptionHandler handler = panicHandler;
    if (handler != null) {
      try {
        handler.uncaughtException(thread, t);
        return;
      } catch (Throwable handlerFailure) {
        t.addSuppressed(handlerFailure);
      }
    }
    System.err.print(describePanic(thread, t));
    System.err.flush();
  }

  /** Go's shape: {@code panic: <exception>}, a blank line, {@code goroutine N [running]:}, stack. */
  public static String describePanic(Thread thread, Throwable t) {
    StringWriter out = new StringWriter();
    PrintWriter w = new PrintWriter(out);
    String name = thread.getName();
    String id = name.startsWith(NAME_PREFIX) ? name.substring(NAME_PREFIX.length()) : name;
    w.println("panic: " + t);
    w.println();
    w.println("goroutine " + id + " [running]:");
    t.printStackTrace(w);
    w.flush();
    return out.toString();
  }
}
