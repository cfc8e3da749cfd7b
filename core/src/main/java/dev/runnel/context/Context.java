package dev.runnel.context;

import dev.runnel.ReceiveChannel;
import dev.runnel.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * A deadline, a cancellation signal and request-scoped values, carried across API boundaries and
 * goroutines: Go's {@code context.Context}.
 *
 * <p>Contexts form a tree. The root is {@link #background()} (or {@link #todo()}); each {@code
 * withX} derives a child. Cancelling a context cancels all its descendants, never its ancestors:
 * its {@link #done()} channel closes, {@link #err()} becomes a {@link ContextCanceledException} or
 * a {@link DeadlineExceededException}, and {@link #cause()} tells why. A child's deadline is never
 * later than its parent's.
 *
 * <table>
 *   <caption>Deriving contexts</caption>
 *   <tr><th>Go</th><th>here</th></tr>
 *   <tr><td>{@code WithCancel}, {@code WithCancelCause}</td><td>{@link #withCancel}, {@link
 *       #withCancelCause}</td></tr>
 *   <tr><td>{@code WithTimeout}, {@code WithTimeoutCause}</td><td>{@link #withTimeout}, {@link
 *       #withTimeoutCause}</td></tr>
 *   <tr><td>{@code WithDeadline}, {@code WithDeadlineCause}</td><td>{@link #withDeadline}, {@link
 *       #withDeadlineCause}</td></tr>
 *   <tr><td>{@code WithValue}, {@code WithoutCancel}</td><td>{@link #withValue}, {@link
 *       #withoutCancel}</td></tr>
 *   <tr><td>{@code AfterFunc}, {@code Cause}</td><td>{@link #afterFunc}, {@link #cause()}</td></tr>
 * </table>
 *
 * <p>The blocking operations of Runnel take a context as their first argument, as Go functions
 * do, and throw {@code ctx.err()} when it ends the wait: {@code ch.send(ctx, v)}, {@code
 * ch.receive(ctx)}, {@code mutex.lock(ctx)}, {@code wg.await(ctx)}, {@code cond.await(ctx)},
 * {@code Time.sleep(ctx, d)}. {@link #interruptOnCancel} extends cancellation to code that only
 * understands interrupts.
 *
 * <p>Memory consistency effects: actions before a cancellation (a {@code cancel}, or a deadline
 * passing) happen-before {@code done()} is observed closed and {@code err()} is observed non-null,
 * in the cancelled context and in every descendant; a value stored by {@code withValue} is visible
 * to every goroutine the derived context is passed to.
 *
 * <p>Contexts implemented outside Runnel are accepted everywhere. One that wraps a Runnel context,
 * delegating {@code done()} and {@code value} to it (as a Go struct embeds a {@code
 * context.Context}), is looked through to that context, as Go's {@code WithCancel} looks through
 * such a parent: cancelling the wrapped context cancels the wrapper's children, and wakes the
 * calls blocked with the wrapper, before {@code cancel} returns. Any other context that can be
 * cancelled is watched through its {@code done()} channel by a goroutine, as in Go: {@link
 * dev.runnel.Go#numGoroutine} counts it, and it ends with the child, the {@code afterFunc} or the
 * call that needed it, or when that context is done.
 *
 * <p>Go: the same semantics. {@code done()} is never null ({@link #background()}'s never closes);
 * {@code err()} and {@code cause()} are null while the context is live, and {@code err()} returns
 * the same instance on every call once set; keys compare with {@code equals}. Deadlines are timed
 * by the clock set with {@link #withClock}, the system clock by default. Deriving a context from a
 * null parent throws {@link NullPointerException} with Go's panic text, {@code "cannot create
 * context from nil parent"}. Chains of any depth work: no method walks a chain by recursion.
 *
 * {@snippet :
 * try (CancelContext ctx = Context.withTimeout(Context.background(), Duration.ofSeconds(1))) {
 *   String result = results.receive(ctx); // throws DeadlineExceededException after 1 s
 * }
 * }
 */
public interface Context {

  /**
   * The empty root context: never cancelled, no deadline, no values. Go's {@code
   * context.Background()}.
   *
   * @return the background context
   */
  static Context background() {
    return EmptyContext.BACKGROUND;
  }

  /**
   * An empty root context for code that has not decided which context to use yet: Go's {@code
   * context.TODO()}.
   *
   * @return the TODO context
   */
  static Context todo() {
    return EmptyContext.TODO;
  }

  /**
   * A child that is cancelled when its {@code cancel} is called or the parent is cancelled,
   * whichever comes first: Go's {@code context.WithCancel}.
   *
   * @param parent the parent
   * @return the child, to cancel (or close) when its work is done
   */
  static CancelContext withCancel(Context parent) {
    CancelCtx c = new CancelCtx(Contexts.requireParent(parent), null);
    c.propagate();
    return c;
  }

  /**
   * As {@link #withCancel}: Go's {@code context.WithCancelCause}, whose cancel function takes a
   * cause; here every {@link CancelContext} has {@link CancelContext#cancel(Throwable)}.
   *
   * @param parent the parent
   * @return the child
   */
  static CancelContext withCancelCause(Context parent) {
    return withCancel(parent);
  }

  /**
   * A child whose deadline is {@code deadline} or the parent's, whichever is earlier: Go's {@code
   * context.WithDeadline}. If that time has passed, the child is done at once.
   *
   * @param parent the parent
   * @param deadline when the child is cancelled with {@link DeadlineExceededException}
   * @return the child, to cancel (or close) when its work is done, releasing its timer
   */
  static CancelContext withDeadline(Context parent, Instant deadline) {
    return withDeadlineCause(parent, deadline, null);
  }

  /**
   * As {@link #withDeadline}, with the {@link #cause()} to report when the deadline passes: Go's
   * {@code context.WithDeadlineCause}.
   *
   * @param parent the parent
   * @param deadline when the child is cancelled
   * @param cause the cause reported on expiry; null for the error itself
   * @return the child
   */
  static CancelContext withDeadlineCause(Context parent, Instant deadline, Throwable cause) {
    Contexts.requireParent(parent);
    Objects.requireNonNull(deadline, "deadline");
    Optional<Instant> current = parent.deadline();
    if (current.isPresent() && current.get().isBefore(deadline)) {
      return withCancel(parent); // the parent's deadline comes first and is inherited
    }
    CancelCtx c = new CancelCtx(parent, deadline);
    c.propagate();
    c.startTimer(Contexts.clock(parent), cause);
    return c;
  }

  /**
   * {@code withDeadline(parent, now + timeout)}: Go's {@code context.WithTimeout}.
   *
   * @param parent the parent
   * @param timeout how long from now until the child is cancelled
   * @return the child, to cancel (or close) when its work is done, releasing its timer
   */
  static CancelContext withTimeout(Context parent, Duration timeout) {
    return withTimeoutCause(parent, timeout, null);
  }

  /**
   * {@code withDeadlineCause(parent, now + timeout, cause)}: Go's {@code
   * context.WithTimeoutCause}.
   *
   * @param parent the parent
   * @param timeout how long from now until the child is cancelled
   * @param cause the cause reported on expiry; null for the error itself
   * @return the child
   */
  static CancelContext withTimeoutCause(Context parent, Duration timeout, Throwable cause) {
    Clock clock = Contexts.clock(Contexts.requireParent(parent));
    Instant deadline;
    try {
      deadline = clock.now().plus(timeout);
    } catch (ArithmeticException | java.time.DateTimeException beyondInstant) {
      deadline = timeout.isNegative() ? Instant.MIN : Instant.MAX;
    }
    return withDeadlineCause(parent, deadline, cause);
  }

  /**
   * A child that carries {@code key -> value} and otherwise behaves as the parent: Go's {@code
   * context.WithValue}. Use it for request-scoped data, not for optional parameters.
   *
   * @param parent the parent
   * @param key the key; compared with {@code equals}. Prefer a private key type, so that packages
   *     cannot collide.
   * @param value the value; may be null
   * @return the child
   * @throws NullPointerException if {@code parent} or {@code key} is null, with Go's texts
   *     ("cannot create context from nil parent", "nil key")
   */
  static Context withValue(Context parent, Object key, Object value) {
    Contexts.requireParent(parent);
    Objects.requireNonNull(key, "nil key");
    return new ValueContext(parent, key, value);
  }

  /**
   * A child that keeps the parent's values but is never cancelled and has no deadline: Go's
   * {@code context.WithoutCancel}, for work that must outlive the request that started it.
   *
   * @param parent the parent
   * @return the child
   */
  static Context withoutCancel(Context parent) {
    return new WithoutCancelContext(Contexts.requireParent(parent));
  }

  /**
   * A child whose deadlines (and those of its descendants) are timed by {@code clock}, so tests
   * can drive them with a {@link dev.runnel.time.ManualClock}.
   *
   * @param parent the parent
   * @param clock the clock for {@code withTimeout} and {@code withDeadline} below this context
   * @return the child
   */
  static Context withClock(Context parent, Clock clock) {
    Contexts.requireParent(parent);
    Objects.requireNonNull(clock, "clock");
    return withValue(parent, Contexts.CLOCK_KEY, clock);
  }

  /**
   * The clock that times deadlines under {@code ctx}: the one set by the nearest {@link
   * #withClock} above it, or {@link Clock#system()}. Code that waits for time on behalf of a caller
   * (a retry's backoff, a pool's idle timeout) takes its clock from the caller's context this way,
   * so a test that sets a {@link dev.runnel.time.ManualClock} drives all of it. Go has no such
   * lookup; its tests inject clocks by hand.
   *
   * @param ctx the context
   * @return its clock, never null
   */
  static Clock clockOf(Context ctx) {
    return Contexts.clock(Objects.requireNonNull(ctx, "ctx"));
  }

  /**
   * Runs {@code f} in its own goroutine once {@code ctx} is done (at once if it is already): Go's
   * {@code context.AfterFunc}. Each call is independent.
   *
   * @param ctx the context
   * @param f the function
   * @return the link, whose {@link AfterFunc#stop()} prevents the call if it has not started
   */
  static AfterFunc afterFunc(Context ctx, Runnable f) {
    Contexts.requireParent(ctx);
    Objects.requireNonNull(f, "f");
    return AfterFuncNode.start(ctx, f);
  }

  /**
   * Runs a blocking call that only understands interrupts so that {@code ctx}'s cancellation
   * interrupts it: the bridge from contexts to {@code BlockingQueue.take()}, {@code
   * Thread.sleep}, interruptible I/O and the like.
   *
   * <p>If the context is cancelled while the call runs, the calling thread is interrupted; if the
   * call then throws {@link InterruptedException}, this method throws {@code ctx.err()} instead.
   * Either way the interrupt this method caused is cleared before it returns or throws, and the
   * interrupt status the thread had on entry is restored, so no interrupt leaks into later code.
   * An interrupt from elsewhere that arrives while the context is being cancelled cannot be told
   * apart from the bridge's own and is consumed with it (the call ends with {@code ctx.err()}).
   *
   * @param <T> what the call returns
   * @param <X> the checked exception it throws besides {@link InterruptedException}
   * @param ctx the context
   * @param call the blocking call
   * @return what the call returned
   * @throws CancellationException {@code ctx.err()} if the context was done before the call, or
   *     its cancellation interrupted the call
   * @throws X what the call throws
   * @throws InterruptedException if the call was interrupted by someone else
   */
  static <T, X extends Exception> T interruptOnCancel(Context ctx, Interruptible<T, X> call)
      throws X, InterruptedException {
    return InterruptBridge.call(ctx, call);
  }

  /**
   * When this context will be cancelled because of its deadline: Go's {@code ctx.Deadline()}.
   *
   * @return the deadline, or empty if none is set
   */
  Optional<Instant> deadline();

  /**
   * A channel that is closed when this context is cancelled: Go's {@code ctx.Done()}. Use it in a
   * {@link dev.runnel.Select}. Never null; a context that can never be cancelled returns a
   * channel that is never ready.
   *
   * @return the done channel, the same one on every call
   */
  ReceiveChannel<?> done();

  /**
   * Why this context is done: Go's {@code ctx.Err()}.
   *
   * @return null while it is not; then a {@link ContextCanceledException} or a {@link
   *     DeadlineExceededException}, the same instance on every call
   */
  CancellationException err();

  /**
   * The cause of this context's cancellation: Go's {@code context.Cause(ctx)}.
   *
   * @return null while it is live; the cause given to {@code cancel(cause)} or to {@code
   *     withDeadlineCause}/{@code withTimeoutCause} by the first cancellation of this context or
   *     an ancestor; otherwise {@link #err()}
   */
  Throwable cause();

  /**
   * The value for {@code key} in this context or its nearest ancestor that has one: Go's {@code
   * ctx.Value(key)}.
   *
   * @param key the key, compared with {@code equals}
   * @return the value, or null if none
   */
  Object value(Object key);
}
