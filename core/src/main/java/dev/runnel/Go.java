package dev.runnel;

import dev.runnel.debug.GoroutineDump;
import dev.runnel.internal.Goroutines;
import java.util.Objects;

/**
 * Go's {@code go} statement: starts goroutines, and reports on them.
 *
 * <p>A goroutine is a virtual thread named {@code goroutine-<id>}, ids counting up from 1. Like a
 * Go program, a JVM does not wait for goroutines at exit (virtual threads are daemons): wait for
 * them with a channel, a {@code WaitGroup} or an {@code ErrGroup}.
 *
 * <p><b>Panics.</b> An exception that escapes a goroutine is a panic, and is never lost: by default
 * it is printed to standard error in Go's shape,
 *
 * <pre>
 * panic: java.lang.IllegalStateException: boom
 *
 * goroutine 7 [running]:
 * java.lang.IllegalStateException: boom
 *     at ...
 * </pre>
 *
 * and {@link #setPanicHandler} routes panics elsewhere (a logger, a test that fails on them).
 * Go: a panic that escapes a goroutine crashes the whole program; here the goroutine ends, the
 * panic is reported and the program goes on. A handler that wants Go's behaviour can call {@code
 * Runtime.halt}.
 *
 * <p><b>Ended by a context.</b> A {@code ContextCanceledException} or {@code
 * DeadlineExceededException} (a context's {@code err()}) that escapes a goroutine is a normal end,
 * not a panic: it is what Go writes as {@code return ctx.Err()}, and it is how a worker that calls
 * {@code ch.receive(ctx)} or {@code Time.sleep(ctx, d)} stops when its context ends. Every other
 * exception, {@code InterruptedException} included, is a panic.
 *
 * <p><b>No preemption.</b> Virtual threads are not preempted: a goroutine runs on its carrier
 * thread until it blocks (a channel operation, a lock, a sleep, I/O) or ends. Go preempts a
 * goroutine that runs for long without blocking; the JVM does not. So goroutines that never block,
 * such as a loop of {@code tryLock}/{@code unlock}, {@code trySend} or {@code Thread.yield()}, can
 * hold every carrier (one per core by default), and then a goroutine started later does not run at
 * all: not even to see that its context's deadline passed. Block instead of polling (use {@code
 * lock()}, {@code send}, {@code Select.run} rather than a try-loop); give long computations
 * platform threads or an executor of their own; or raise the number of carriers with {@code
 * -Djdk.virtualThreadScheduler.parallelism=N}. No Runnel type relies on preemption for what it
 * documents: fairness, writer preference, starvation mode, FIFO grants and deadlines hold for
 * goroutines that get to run.
 *
 * <p>Memory consistency effects: actions before {@code Go.go(f)} happen-before {@code f} starts
 * ({@link Thread#start}). The end of a goroutine happens-before nothing by itself, as
 * in Go.
 *
 * {@snippet :
 * Channel<String> done = Channel.make();
 * Go.go(() -> done.send("finished"));
 * System.out.println(done.receive());
 * }
 */
public final class Go {

  private Go() {}

  /**
   * Starts {@code f} in a new goroutine: Go's {@code go f()}.
   *
   * @param f the goroutine's body
   * @throws NullPointerException if {@code f} is null
   */
  public static void go(GoFunc f) {
    Goroutines.start(f);
  }

  /**
   * The number of goroutines started by Runnel that have not yet returned: Go's {@code
   * runtime.NumGoroutine()}, without the main goroutine or Runnel's service threads. It counts
   * the goroutine that follows a context Runnel cannot look into (a child of such a context needs
   * one, as in Go) until that child or its parent ends.
   *
   * @return the number of live goroutines
   */
  public static int numGoroutine() {
    return Goroutines.live();
  }

  /**
   * What every goroutine is doing, as text in the shape of Go's goroutine traceback ({@code
   * goroutine 7 [chan receive, 3 minutes]:}, what it waits on, its stack, where it was started).
   * {@link GoroutineDump#take()} gives the same as records and JSON.
   *
   * @return the dump; empty if no goroutine is alive
   */
  public static String dump() {
    return GoroutineDump.take().toString();
  }

  /**
   * The current goroutine's id.
   *
   * @return the id (from 1, in start order), or -1 if the caller is not a goroutine
   */
  public static long goroutineId() {
    return Goroutines.currentId();
  }

  /**
   * Reports {@code failure} as a panic of the current goroutine, as if it had escaped it, without
   * ending it: for code that runs many user functions on one goroutine (a worker of a pool) and
   * must neither lose a failure nor die of it. Goes to the panic handler ({@link
   * #setPanicHandler}), or is printed in Go's shape. A context's own error is not a panic (see
   * above) and is not reported.
   *
   * @param failure what the user function threw
   * @throws NullPointerException if {@code failure} is null
   */
  public static void reportPanic(Throwable failure) {
    Goroutines.reportPanic(Thread.currentThread(), Objects.requireNonNull(failure, "failure"));
  }

  /**
   * Routes panics (exceptions escaping goroutines) to {@code handler}, process-wide; {@code null}
   * restores the default, which prints them to standard error. If the handler itself throws, the
   * panic is printed with the handler's exception attached, so it is still not lost.
   *
   * @param handler receives the goroutine's thread and the exception; null for the default
   */
  public static void setPanicHandler(Thread.UncaughtExceptionHandler handler) {
    Goroutines.setPanicHandler(handler);
  }
}
