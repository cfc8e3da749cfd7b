package dev.runnel.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * One blocked goroutine: the park/unpark mechanism every blocking Runnel type shares.
 *
 * <p>A goroutine that must wait creates one {@code Waiter}, publishes it where the event it waits
 * for can find it (a channel's wait queue, or several queues for a select), and calls {@link
 * #await}. Whoever produces the event calls {@link #tryComplete} with a token; exactly one
 * completion or cancellation wins, decided by a CAS on the result. The winner of a completion then
 * calls {@link #wake}.
 *
 * <p>A subclass may carry the data of the operation it waits for (a channel's wait node does), so
 * that a blocked operation is a single object; {@link #of} makes a plain one.
 *
 * <p>The waiter is also the park blocker ({@code LockSupport.getBlocker(thread)} returns it), so a
 * goroutine dump can tell what every parked goroutine waits on ({@link #reason()}, {@link
 * #waitingOn()}), for free.
 */
public abstract class Waiter {

  /*
   * Implementation notes.
   *
   * result: null while waiting. Then, set once by CAS:
   *   - a completion token, installed by tryComplete (the completer, under the lock of the object
   *     the waiter is queued on). Writes the completer made before the CAS (a value stored in a
   *     wait node) happen-before the waiter's read of result that returns that token.
   *   - CANCELLED, installed by the waiting goroutine itself on interrupt or timeout.
   * The goroutine may spin or yield first (see below), then parks. It writes parked before its
   * first read of result in the park loop, and wake() unparks only once parked is set, so a
   * completion that lands during the spin costs no unpark. A wake after the goroutine stopped
   * waiting is harmless: park permits are sticky and every park sits in a loop that re-checks
   * result.
   *
   * Waiting policy, measured with the benchmarks (ADR 0004):
   *  - A virtual thread parks at once. Its partner is often queued on the same carrier and cannot
   *    run while it spins (an onSpinWait is ~50 ns on the reference machine; even 16 of them
   *    tripled a ping-pong round trip under load), and parking a virtual thread is an unmount, no
   *    system call. Channels and selects, which can tell when hand-offs have been arriving quickly,
   *    yield and spin first through HandOffProbe.
   *  - A platform thread spins up to 512 onSpinWait (about 10 us at 19 ns each on the reference
   *    machine) before it parks: parking it is a system call and a context switch, and its partner
   *    goroutine may first need its carrier woken. 64 spins made a platform thread's round trip
   *    with a goroutine 2.6-9.1 us; 512 (with the probe's skipped yield) 1.3-2.3 us, 256 2.2-3.7,
   *    1,024 no better than 512 (SynchronousQueue 0.7-1.5 us in the same runs).
   * Nothing spins on a single core.
   */

  /** Installed in {@link #result} by the owner when it gives up (interrupt or timeout). */
  private static final Object CANCELLED = new Object();

  /** What {@link #await} returns when the wait was interrupted; the flag has been cleared. */
  public static final Object INTERRUPTED = new Object();

  /** What {@link #await} returns when the deadline passed first. */
  public static final Object TIMED_OUT = new Object();

  /**
   * Installed by a {@link CancelScope} (another goroutine) when the context of the wait was
   * cancelled; {@link #await} returns it like any completion token.
   */
  public static final Object CONTEXT_DONE = new Object();

  private static final boolean MULTICORE = Runtime.getRuntime().availableProcessors() > 1;
  private static final int PLATFORM_SPINS =
      MULTICORE ? Integer.getInteger("dev.runnel.spins", 512) : 0;

  private static final VarHandle RESULT;

  /** The bits of {@link #parked} that say the wait has a deadline, and that it has begun. */
  private static final long TIMED = 1;
  private static final long PARKED = 2;

  static {
    try {
      RESULT = MethodHandles.lookup().findVarHandle(Waiter.class, "result", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Thread thread;
  private volatile Object result;
  /** Set before the completing CAS, so the CAS publishes it; plain, as it is only a hint. */
  private boolean byPlatform;
  /**
   * For goroutine dumps and the deadlock detector: 0 while the goroutine has not parked; then
   * System.nanoTime() at the park with its two lowest bits replaced: PARKED (so never 0) and
   * whether the wait has a deadline (TIMED). Three nanoseconds of precision for no extra field in
   * every wait node.
   */
  private volatile long parked;

  /** Creates a waiter for the current thread. */
  protected Waiter() {
    this.thread = Thread.currentThread();
  }

  /**
   * Creates a plain waiter for the current thread.
   *
   * @param reason why it waits, in Go's words
   * @param waitingOn the object it waits on (a select's cases, a mutex)
   * @return a new waiter
   */
  public static Waiter of(WaitReason reason, Object waitingOn) {
    return new Plain(reason, waitingOn);
  }

  /**
   * Why the goroutine waits, in Go's words.
   *
   * @return the wait reason
   */
  public abstract WaitReason reason();

  /**
   * What the goroutine waits on.
   *
   * @return the object, for goroutine dumps
   */
  public abstract Object waitingOn();

  /**
   * Completes this waiter.
   *
   * @param token what the waiter's {@link #await} will return
   * @return false if it was already completed or cancelled
   */
  public final boolean tryComplete(Object token) {
    if (result != null) {
      return false;
    }
    if (!Thread.currentThread().isVirtual()) {
      byPlatform = true; // a hint: published by the CAS below, harmless if the CAS fails
    }
    return RESULT.compareAndSet(this, null, token);
  }

  /**
   * Whether a platform thread completed this waiter: a hint for the next wait's probe (a racing
   * completer that lost may have set it too).
   *
   * @return true if a platform thread called {@link #tryComplete} while the waiter was waiting
   */
  public final boolean completedByPlatformThread() {
    return byPlatform;
  }

  /**
   * Whether the waiter is still waiting (neither completed nor cancelled).
   *
   * @return true while no completion or cancellation happened
   */
  public final boolean isWaiting() {
    return result == null;
  }

  /**
   * Whether {@code token} is what completed this waiter.
   *
   * @param token a completion token
   * @return true if this waiter was completed with exactly {@code token}
   */
  public final boolean isCompletedBy(Object token) {
    return result == token;
  }

  /**
   * Completes this waiter and wakes it, if it is still waiting.
   *
   * @param token what the waiter's {@link #await} will return
   */
  public final void completeAndWake(Object token) {
    if (tryComplete(token)) {
      wake();
    }
  }

  /**
   * Unparks the waiting goroutine if it has begun to park; call after a successful {@link
   * #tryComplete}. A goroutine still probing (spinning or yielding before its park) sees the
   * completion by itself, and an unpark would only cost a write to its thread's permit from
   * another core and leave a stale permit behind.
   */
  public final void wake() {
    // Dekker on two volatiles: await writes parked, then reads result; the completer has written
    // result (its CAS), then reads parked here. One of the two sees the other's write.
    if (parked != 0) {
      LockSupport.unpark(thread);
    }
  }

  /**
   * Busy-waits up to {@code spins} times for a completion, without parking or yielding.
   *
   * @param spins how many {@link Thread#onSpinWait()} rounds at most
   * @return the completion token, or null if there was none yet
   */
  public final Object spin(int spins) {
    Object r;
    for (int i = spins; i > 0; i--) {
      if ((r = result) != null) {
        return r;
      }
      Thread.onSpinWait();
    }
    return result;
  }

  /**
   * Waits until completed, interrupted or past the deadline.
   *
   * @param deadline a {@link System#nanoTime()} deadline, or {@code Long.MAX_VALUE} for none
   * @param interruptible whether an interrupt ends the wait; if not, the wait goes on and the
   *     interrupt flag stays set
   * @return the completion token; or {@link #INTERRUPTED} (flag cleared) or {@link #TIMED_OUT}
   *     after this waiter was cancelled, so that no completer can win any more. A completion that
   *     races an interrupt wins: the token is returned and the interrupt flag stays set.
   */
  public final Object await(long deadline, boolean interruptible) {
    Object r;
    if (!thread.isVirtual() && (r = spin(PLATFORM_SPINS)) != null) {
      return r;
    }
    boolean deferredInterrupt = false;
    long timed = deadline == Long.MAX_VALUE ? 0 : TIMED;
    parked = (System.nanoTime() & ~(TIMED | PARKED)) | PARKED | timed;
    while ((r = result) == null) {
      if (thread.isInterrupted()) {
        if (!interruptible) {
          deferredInterrupt = Thread.interrupted(); // park returns at once while the flag is set
        } else if (RESULT.compareAndSet(this, null, CANCELLED)) {
          Thread.interrupted();
          return INTERRUPTED;
        }
      } else if (deadline == Long.MAX_VALUE) {
        LockSupport.park(this);
      } else {
        long remaining = deadline - System.nanoTime();
        if (remaining > 0) {
          LockSupport.parkNanos(this, remaining);
        } else if (RESULT.compareAndSet(this, null, CANCELLED)) {
          r = TIMED_OUT;
          break;
        }
      }
    }
    if (deferredInterrupt) {
      thread.interrupt();
    }
    return r;
  }

  /**
   * As {@link #await(long, boolean)}, also ending when {@code scope} is cancelled.
   *
   * @param deadline as for {@link #await(long, boolean)}
   * @param interruptible as for {@link #await(long, boolean)}
   * @param scope the context's scope, or null for none
   * @return as for {@link #await(long, boolean)}, or {@link #CONTEXT_DONE}
   */
  public final Object await(long deadline, boolean interruptible, CancelScope scope) {
    if (scope == null) {
      return await(deadline, interruptible);
    }
    Object registration = scope.watch(this);
    try {
      return await(deadline, interruptible);
    } finally {
      scope.unwatch(registration);
    }
  }

  /**
   * A {@link System#nanoTime()} deadline {@code timeout} from now, for {@link #await}.
   *
   * @param timeout how long to wait at most
   * @return the deadline; 0 when {@code timeout} is zero or negative ("do not block"); {@code
   *     Long.MAX_VALUE} ("no deadline") when it is too long to represent
   */
  public static long deadlineAfter(Duration timeout) {
    long nanos;
    try {
      nanos = timeout.toNanos();
    } catch (ArithmeticException overflow) {
      return timeout.isNegative() ? 0 : Long.MAX_VALUE;
    }
    if (nanos <= 0) {
      return 0;
    }
    long deadline = System.nanoTime() + nanos;
    return deadline == 0 || deadline == Long.MAX_VALUE ? deadline - 1 : deadline;
  }

  /**
   * The thread that waits.
   *
   * @return the waiting thread
   */
  public final Thread thread() {
    return thread;
  }

  /**
   * When the goroutine parked.
   *
   * @return the {@link System#nanoTime()} of the park, or 0 if it has not parked yet
   */
  public final long parkedSince() {
    return parked & ~(TIMED | PARKED);
  }

  /**
   * Whether the wait has a deadline (a timeout), so that it ends by itself.
   *
   * @return true for a timed wait; false for an untimed one, or before the park
   */
  public final boolean isTimed() {
    return (parked & TIMED) != 0;
  }

  @Override
  public String toString() {
    return "Waiter[" + reason().goName() + " on " + waitingOn() + "]";
  }

  /** A waiter that carries nothing but what it waits on. */
  private static final class Plain extends Waiter {
    private final WaitReason reason;
    private final Object waitingOn;

    Plain(WaitReason reason, Object waitingOn) {
      this.reason = reason;
      this.waitingOn = waitingOn;
    }

    @Override
    public WaitReason reason() {
      return reason;
    }

    @Override
    public Object waitingOn() {
      return waitingOn;
    }
  }
}
