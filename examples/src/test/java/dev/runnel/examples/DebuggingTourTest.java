package dev.runnel.examples;

import static org.junit.jupiter.api.Assertions.assertLinesMatch;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each debugging tool reports its bug as a user would see it, and the tour cleans up after. The
 * tour runs in a JVM of its own: its deadlock is "all goroutines are asleep", which the detector
 * can tell only where {@code main} is the program's one platform thread, not beside a test runner.
 */
class DebuggingTourTest {

  @Test
  @Timeout(120)
  void eachToolReportsItsBug() throws Exception {
    List<String> out = ProgramOutput.ofOwnJvm(DebuggingTour.class, 90);

    assertLinesMatch(
        List.of(
            "== 1. Go.dump() of a goroutine nobody listens to",
            ">> the dump >>",
            "goroutine \\d+ \\[chan send\\]:",
            ">> its stack >>",
            "== 2. LockOrderDetector",
            "",
            "potential deadlock: inconsistent lock order",
            ">> the two orders >>",
            "== 3. LongWaitDetector (threshold 200 ms)",
            "",
            "long wait: goroutine \\d+ has waited \\d+ ms for .*",
            ">> the waiter and the holder >>",
            "== 4. DeadlockDetector",
            "",
            "fatal error: all goroutines are asleep - deadlock!",
            ">> main and the two goroutines >>",
            "main: interrupted by the deadlock handler",
            "main: closed both channels; both goroutines have returned"),
        out);
  }
}
