package dev.runnel.internal;

import dev.runnel.GoFunc;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The goroutine runtime: ids, the live count, and panic reporting. Every Runnel type that runs user
 * code on a goroutine of its own ({@code Go.go}, later WaitGroup.go, ErrGroup.go, timer callbacks)
 * starts it through {@link #start}.
 */
public final class Goroutines {

  /** Thread names are this prefix and the goroutine id. */
  public static final String NAME_PREFIX = "goroutine-";

  private static final AtomicLong IDS = new AtomicLong();
  private static final LongAdder LIVE = new LongAdder();
  private static volatile Thread.UncaughtExceptionHandler panicHandler;

  private Goroutines() {}

  /** Starts {@code body} on a new virtual thread named {@code goroutine-<id>}; returns it. */
  public static Thread start(GoFunc body) {
    Objects.requireNonNull(body, "goroutine body");
    long id = IDS.incrementAndGet();
    LIVE.increment();
    try {
      return Thread.ofVirtual().name(NAME_PREFIX + id).start(new Task(body));
    } catch (Throwable t) { // the thread could not start: it is not live
      LIVE.decrement();
      throw t;
    }
  }

  /**
   * A goroutine's body with its panic reporting: one object and one stack frame per goroutine, as
   * a blocked goroutine's footprint is a benchmarked target.
   */
  private record Task(GoFunc body) implements Runnable {
    @Override
    public void run() {
      try {
        body.run();
      } catch (Throwable t) {
        panic(Thread.currentThread(), t);
      } finally {
        LIVE.decrement();
      }
    }
  }

  /** Goroutines started and not yet returned. */
  public static int live() {
    return LIVE.intValue();
  }

  /** The id of the current goroutine, or -1 if the current thread is not one. */
  public static long currentId() {
    Thread t = Thread.currentThread();
    String name = t.getName();
    if (!t.isVirtual() || !name.startsWith(NAME_PREFIX)) {
      return -1;
    }
    try {
      return Long.parseLong(name, NAME_PREFIX.length(), name.length(), 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Installs the panic handler; null restores the default (print to stderr). */
  public static void setPanicHandler(Thread.UncaughtExceptionHandler handler) {
    panicHandler = handler;
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
