package dev.runnel.debug;

import java.util.List;
import java.util.Objects;

/**
 * What the {@link DeadlockDetector} found: every goroutine the program depends on, blocked for good.
 *
 * @param dump the blocked goroutines and threads (threads that are not goroutines, such as {@code
 *     main}, appear as {@code thread "main" [chan receive]:})
 * @param threads the blocked threads, for a handler that wants to end them (a test interrupts them
 *     so that they throw and the test fails instead of hanging)
 */
public record DeadlockReport(GoroutineDump dump, List<Thread> threads) {

  /** Go's first line. */
  public static final String MESSAGE = "fatal error: all goroutines are asleep - deadlock!";

  /** Checks the components and copies the list. */
  public DeadlockReport {
    Objects.requireNonNull(dump, "dump");
    threads = List.copyOf(threads);
  }

  /**
   * The report as Go prints it: {@link #MESSAGE}, a blank line, the dump.
   *
   * @return the text
   */
  @Override
  public String toString() {
    return MESSAGE + "\n\n" + dump;
  }
}
