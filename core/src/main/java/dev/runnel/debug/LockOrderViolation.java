package dev.runnel.debug;

import java.util.List;
import java.util.Objects;

/**
 * Two Runnel locks taken in both orders: a potential deadlock, found by the {@link
 * LockOrderDetector} whether or not it deadlocked this time. If {@code first} and {@code second}
 * are the same lock, a goroutine took a lock it already held (Runnel's mutexes are not reentrant: that
 * goroutine deadlocks itself).
 *
 * @param first the lock held, by class and identity ({@code Mutex@1b6d3586})
 * @param second the lock being taken while holding {@code first}
 * @param earlierGoroutine the name of the thread that earlier took {@code first} while holding {@code second}
 * @param earlierStack its stack when it did (empty for a relock)
 * @param goroutine the name of the thread taking {@code second} now
 * @param stack its stack now
 */
public record LockOrderViolation(
    String first,
    String second,
    String earlierGoroutine,
    List<StackTraceElement> earlierStack,
    String goroutine,
    List<StackTraceElement> stack) {

  /** Checks the components and copies the lists. */
  public LockOrderViolation {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(second, "second");
    earlierStack = List.copyOf(earlierStack);
    stack = List.copyOf(stack);
  }

  /**
   * Whether a goroutine is taking a lock it holds already.
   *
   * @return true for a relock, false for two locks in both orders
   */
  public boolean isRelock() {
    return first.equals(second);
  }

  /**
   * The report, with both stacks:
   *
   * <pre>
   * potential deadlock: inconsistent lock order
   * goroutine 9 locks Mutex@2 while holding Mutex@1:
   * 	at ...
   * goroutine 7 locked Mutex@1 while holding Mutex@2:
   * 	at ...
   * </pre>
   *
   * @return the text, ending with a newline
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (isRelock()) {
      sb.append("potential deadlock: ").append(ThreadInspector.label(goroutine)).append(" locks ")
          .append(second)
          .append(", which it already holds:\n");
      frames(sb, stack);
      return sb.toString();
    }
    sb.append("potential deadlock: inconsistent lock order\n");
    sb.append(ThreadInspector.label(goroutine)).append(" locks ").append(second)
        .append(" while holding ").append(first)
        .append(":\n");
    frames(sb, stack);
    sb.append(ThreadInspector.label(earlierGoroutine)).append(" locked ").append(first)
        .append(" while holding ")
        .append(second).append(":\n");
    frames(sb, earlierStack);
    return sb.toString();
  }

  private static void frames(StringBuilder sb, List<StackTraceElement> frames) {
    for (StackTraceElement f : frames) {
      sb.append("\tat ").append(f).append('\n');
    }
  }
}
