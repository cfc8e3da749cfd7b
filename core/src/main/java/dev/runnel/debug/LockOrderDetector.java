package dev.runnel.debug;

import dev.runnel.internal.LockTracker;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Opt-in detection of inconsistent lock order between Runnel locks ({@code Mutex}, and {@code
 * RWMutex} for reading and writing), as go-deadlock does for Go: a potential deadlock is reported
 * the first time two locks are seen taken in both orders, with both stacks, even if the program
 * did not deadlock this time.
 *
 * <p>While enabled, every lock operation records which locks each goroutine holds (any goroutine
 * may unlock, as in Go: an unlock releases the unlocking goroutine's hold if it has one, else the
 * oldest). Taking lock B while holding A records the order A→B with the stack, the first time; if
 * B→A was recorded before, the handler gets a {@link LockOrderViolation}, once per pair. Taking a
 * lock the same goroutine already holds is reported too. Only blocking lock calls add orders
 * ({@code tryLock} cannot deadlock); locks taken by {@code tryLock} still count as held.
 *
 * <p>Cost: while off, each lock and unlock reads one volatile boolean (a plain load on x86) and
 * branches; while on, each lock and unlock takes a global lock for the bookkeeping, and a new
 * order takes a stack trace (BENCHMARKS.md has the numbers). For tests and development. The
 * system property {@code dev.runnel.detectLockOrder=true} enables it at startup, printing reports
 * to standard error.
 */
public final class LockOrderDetector {

  private static final Switch SWITCH = new Switch();

  private LockOrderDetector() {}

  /** Enables detection, printing reports to standard error. */
  public static void enable() {
    enable(v -> System.err.print(v));
  }

  /**
   * Enables detection, replacing any earlier handler. Locks already held when it is enabled are
   * not known to it.
   *
   * @param handler receives each violation, in the goroutine about to take the second lock,
   *     before it blocks; it must not take Runnel locks itself
   */
  public static void enable(Consumer<? super LockOrderViolation> handler) {
    Objects.requireNonNull(handler, "handler");
    SWITCH.on(
        () -> {
          LockTracker.Listener listener =
              (first, second, earlierThread, earlierStack, thread, stack) ->
              handler.accept(
                  new LockOrderViolation(
                      ThreadInspector.name(first),
                      ThreadInspector.name(second),
                      earlierThread,
                      ThreadInspector.trim(earlierStack, false),
                      thread,
                      ThreadInspector.trim(stack, false)));
          LockTracker.start(listener);
          return () -> LockTracker.stop(listener);
        });
  }

  /** Disables detection and forgets the orders seen. */
  public static void disable() {
    SWITCH.off();
  }

  /**
   * Whether detection is enabled.
   *
   * @return true if enabled
   */
  public static boolean isEnabled() {
    return SWITCH.isOn();
  }
}
