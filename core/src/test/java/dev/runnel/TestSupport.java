package dev.runnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.internal.Waiter;
import dev.runnel.testkit.Threads;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Helpers shared by the channel, select and goroutine tests. The generic thread helpers live in
 * {@link Threads}.
 */
final class TestSupport {

  /** How long a helper waits for something that must happen before it fails the test. */
  static final Duration PATIENCE = Threads.PATIENCE;

  /** What a blocked operation (a send, a receive, a select) saw when an interrupt raced it. */
  record Outcome(boolean completed, Object value, boolean flagAfterwards) {}

  /**
   * Every delivered value was received exactly once: no duplicates, nothing lost, nothing
   * invented.
   */
  static <T> void assertReceivedExactlyOnce(int round, List<T> received, Set<T> delivered) {
    Set<T> unique = new HashSet<>(received);
    assertThat(unique).as("round %d: duplicates", round).hasSameSizeAs(received);
    assertThat(unique).as("round %d: received = delivered", round).isEqualTo(delivered);
  }

  private TestSupport() {}

  /** Waits until {@code t} is parked on a Runnel {@link Waiter}: {@link Threads#awaitParked}. */
  static Waiter awaitParked(Thread t) {
    return Threads.awaitParked(t);
  }

  /** Waits, with a bounded deadline, until {@code condition} holds: {@link Threads#eventually}. */
  static void eventually(String what, BooleanSupplier condition) {
    Threads.eventually(what, condition);
  }

  /** Whether {@code ch} has no queued wait nodes at all (nothing stale left behind). */
  static boolean noWaiters(Channel<?> ch) {
    ch.core.checkInvariants(); // every test that asks this also checks the channel's own rules
    return queuedReceivers(ch) == 0 && queuedSenders(ch) == 0;
  }

  /** The number of nodes in {@code ch}'s receive queue, live or stale. */
  static int queuedReceivers(Channel<?> ch) {
    return queued(ch, false);
  }

  /** The number of nodes in {@code ch}'s send queue, live or stale. */
  static int queuedSenders(Channel<?> ch) {
    return queued(ch, true);
  }

  private static int queued(Channel<?> ch, boolean senders) {
    return ch.core.queued(senders);
  }
}
