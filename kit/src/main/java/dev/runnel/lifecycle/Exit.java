package dev.runnel.lifecycle;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;

/**
 * How an {@link App}'s run ended: what began the shutdown, and every failure on the way.
 *
 * <p>The {@linkplain #status() exit status} follows the shell's conventions:
 *
 * <table>
 *   <caption>Exit status</caption>
 *   <tr><th>how it ended</th><th>status</th></tr>
 *   <tr><td>any failure (a hook or a service failed to start, failed while running, failed to
 *       stop or did not stop in its share of the shutdown time)</td><td>1</td></tr>
 *   <tr><td>otherwise, a signal began the shutdown</td><td>128 + the signal's number: 130 for
 *       SIGINT, 143 for SIGTERM, what a shell reports for a process killed by it</td></tr>
 *   <tr><td>otherwise ({@link App#stop()}, a running service that returned, the JVM's
 *       shutdown)</td><td>0</td></tr>
 * </table>
 *
 * <p>A failure wins over the signal: an orchestrator that sent SIGTERM learns from status 1 that
 * the shutdown was not clean.
 *
 * @param reason what began the shutdown
 * @param signal the signal's name without {@code SIG} ({@code "INT"}, {@code "TERM"}) when the
 *     reason is {@link Reason#SIGNAL}; null otherwise
 * @param failures every failure, in the order they happened; each names the service or hook and
 *     the phase, with what the user's code threw as its cause
 */
public record Exit(Reason reason, String signal, List<ExecutionException> failures) {

  /** What began an app's shutdown. */
  public enum Reason {
    /** {@link App#stop()} was called, the thread running the app was interrupted, or a running
     * service returned on its own. */
    STOPPED,
    /** SIGINT or SIGTERM arrived. */
    SIGNAL,
    /** A hook or a service failed while starting or running. */
    FAILED,
    /** The JVM began to shut down (where the app could not handle signals itself, a signal; or
     * {@code System.exit} called elsewhere): the JVM chooses the exit status. */
    SHUTDOWN
  }

  /**
   * Checks the record.
   *
   * @throws IllegalArgumentException if {@code signal} is not {@code "INT"} or {@code "TERM"}
   *     exactly when the reason is {@link Reason#SIGNAL}, or the reason is {@link Reason#FAILED}
   *     and there is no failure
   */
  public Exit {
    Objects.requireNonNull(reason, "reason");
    failures = List.copyOf(failures);
    if ((reason == Reason.SIGNAL) != (signal != null)) {
      throw new IllegalArgumentException(
          "lifecycle: a signal goes with reason SIGNAL only: " + reason + ", " + signal);
    }
    if (signal != null && signalNumber(signal) < 0) {
      throw new IllegalArgumentException("lifecycle: not a signal the app handles: " + signal);
    }
    if (reason == Reason.FAILED && failures.isEmpty()) {
      throw new IllegalArgumentException("lifecycle: reason FAILED without a failure");
    }
  }

  /**
   * The process exit status for this outcome (the table above).
   *
   * @return 0, 1, or 128 + the signal's number
   */
  public int status() {
    if (!failures.isEmpty()) {
      return 1;
    }
    return reason == Reason.SIGNAL ? 128 + signalNumber(signal) : 0;
  }

  /**
   * The first failure.
   *
   * @return the first of {@link #failures()}, or null if there was none
   */
  public ExecutionException failure() {
    return failures.isEmpty() ? null : failures.get(0);
  }

  /** POSIX's numbers for the signals an app handles, or -1. */
  static int signalNumber(String signal) {
    return switch (signal) {
      case "INT" -> 2;
      case "TERM" -> 15;
      default -> -1;
    };
  }
}
