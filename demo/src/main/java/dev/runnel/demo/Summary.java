package dev.runnel.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a run did, counted after every part stopped, with the files on disk counted again.
 *
 * @param elapsed from start to the end of the shutdown
 * @param requests every request answered on {@code /v1/payloads}
 * @param accepted 202: queued for storage
 * @param badRequest 400: malformed JSON or the wrong shape
 * @param tooLarge 413: the body was over the limit
 * @param tooMany 429: the client was over its rate
 * @param unavailable 503: the job queue was full
 * @param otherStatus any other status (404, 405, 500)
 * @param serverErrors 500s among them: a bug, never bad input
 * @param acceptedPayloads the payloads of accepted requests
 * @param storedFiles payload files in the storage directory
 * @param parkedFiles payload files in the parking directory (storage gave up, or a shutdown could
 *     not start their job in time)
 * @param storageFailures writes that failed on purpose (the injected faults)
 * @param retries retries the storage policy made
 * @param breakerOpenings how many times the circuit breaker opened
 * @param eventsReported analytics events reported
 * @param eventLines lines in the events file
 * @param eventsReturned events the reporter's shutdown handed back undelivered
 * @param eventsDropped events dropped because the reporter's buffer was full
 * @param loadSent requests the load generator sent and got an answer to
 * @param loadFailed requests the load generator could not send
 * @param dataDir where the files are
 */
public record Summary(
    Duration elapsed,
    long requests,
    long accepted,
    long badRequest,
    long tooLarge,
    long tooMany,
    long unavailable,
    long otherStatus,
    long serverErrors,
    long acceptedPayloads,
    long storedFiles,
    long parkedFiles,
    long storageFailures,
    long retries,
    long breakerOpenings,
    long eventsReported,
    long eventLines,
    long eventsReturned,
    long eventsDropped,
    long loadSent,
    long loadFailed,
    Path dataDir) {

  /**
   * Whether every accepted payload is a file on disk and every event reported is a line in the
   * events file, handed back or counted as dropped.
   *
   * @return true if nothing was lost
   */
  public boolean payloadsAccountedFor() {
    return acceptedPayloads == storedFiles + parkedFiles;
  }

  /**
   * Whether every event reported is a line of the events file, handed back or counted dropped.
   *
   * @return true if no event was lost
   */
  public boolean eventsAccountedFor() {
    return eventsReported == eventLines + eventsReturned + eventsDropped;
  }

  /**
   * Whether nothing was lost and no request got a 500.
   *
   * @return true for a clean run
   */
  public boolean clean() {
    return payloadsAccountedFor() && eventsAccountedFor() && serverErrors == 0;
  }

  /**
   * Prints the summary.
   *
   * @param out where to
   */
  public void print(PrintStream out) {
    double secs = Math.max(0.001, elapsed.toMillis() / 1000.0);
    out.printf("%nSummary after %.1f s (files in %s)%n", secs, dataDir);
    out.printf("  requests     %,10d  (%,.0f per second)%n", requests, requests / secs);
    out.printf("    202 accepted            %,10d%n", accepted);
    out.printf("    400 bad JSON or shape   %,10d%n", badRequest);
    out.printf("    413 body too large      %,10d%n", tooLarge);
    out.printf("    429 client too fast     %,10d%n", tooMany);
    out.printf("    503 queue full          %,10d%n", unavailable);
    out.printf("    other (404/405/500)     %,10d  (500s: %d)%n", otherStatus, serverErrors);
    out.printf("  payloads accepted         %,10d  (%,.0f per minute)%n", acceptedPayloads,
        acceptedPayloads / secs * 60);
    out.printf("    files stored            %,10d%n", storedFiles);
    out.printf("    files parked            %,10d%n", parkedFiles);
    out.printf("    storage faults injected %,10d, retries %,d, breaker opened %,d times%n",
        storageFailures, retries, breakerOpenings);
    out.printf("  events reported           %,10d%n", eventsReported);
    out.printf("    lines in events file    %,10d%n", eventLines);
    out.printf("    handed back / dropped   %,10d / %,d%n", eventsReturned, eventsDropped);
    out.printf("  load: %,d answered, %,d failed to send%n", loadSent, loadFailed);
    out.printf("%s payloads: accepted %,d = stored %,d + parked %,d%n",
        payloadsAccountedFor() ? "OK  " : "LOST", acceptedPayloads, storedFiles, parkedFiles);
    out.printf("%s events: reported %,d = lines %,d + handed back %,d + dropped %,d%n",
        eventsAccountedFor() ? "OK  " : "LOST", eventsReported, eventLines, eventsReturned,
        eventsDropped);
  }
}
