package dev.runnel.debug;

import java.util.List;
import java.util.Objects;

/**
 * A goroutine that has waited for a Runnel lock longer than the {@link LongWaitDetector}'s
 * threshold, with whoever holds the lock.
 *
 * @param lock the lock, by class and identity ({@code Mutex@1b6d3586})
 * @param waiter the waiting goroutine (its state says how long it has waited)
 * @param holders the goroutines or threads holding the lock as they are now, with their stacks:
 *     one for a Mutex or a write-locked RWMutex, the readers of a read-locked one; empty if the
 *     holder took the lock before detection was enabled
 */
public record LongWait(String lock, GoroutineInfo waiter, List<GoroutineInfo> holders) {

  /** Checks the components and copies the list. */
  public LongWait {
    Objects.requireNonNull(lock, "lock");
    Objects.requireNonNull(waiter, "waiter");
    holders = List.copyOf(holders);
  }

  /**
   * The report: a line naming the lock and the wait, the waiter's block, then each holder's.
   *
   * @return the text, ending with a newline
   */
  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder("long wait: ")
            .append(ThreadInspector.label(waiter.name()))
            .append(" has waited ")
            .append(waiter.waiting().toMillis())
            .append(" ms for ")
            .append(lock)
            .append("\n\n")
            .append(waiter);
    if (holders.isEmpty()) {
      sb.append("\nheld by: unknown (locked before detection was enabled)\n");
    }
    for (GoroutineInfo h : holders) {
      sb.append("\nheld by:\n").append(h);
    }
    return sb.toString();
  }
}
