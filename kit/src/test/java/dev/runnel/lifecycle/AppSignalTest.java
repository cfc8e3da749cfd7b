package dev.runnel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Signals reach a real process: {@link SignalChild} in a JVM of its own gets SIGTERM or SIGINT
 * and stops its services in reverse order, exits 143 or 130; a second signal during a stuck
 * shutdown exits at once; a start failure exits 1. Every step waits for the child's own output
 * line (no sleeps), with generous limits for a loaded machine.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AppSignalTest {

  private static final long PATIENCE_SECONDS = 60;

  private Process child;
  private final BlockingQueue<String> out = new LinkedBlockingQueue<>();
  private final List<String> outSeen = new ArrayList<>();
  private final StringBuffer err = new StringBuffer();

  @AfterEach
  void killChild() throws InterruptedException {
    if (child != null) {
      child.destroyForcibly();
      child.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }
  }

  /**
   * A shell starts a background job with SIGINT ignored, an ignored signal stays ignored across
   * exec, and a JVM that starts with SIGINT ignored keeps ignoring it (as any Unix program
   * should). CI may run this suite that way, so the child gets both signals back at their default
   * through coreutils' {@code env --default-signal}, where it has it.
   */
  private static final List<String> DEFAULT_SIGNALS = defaultSignalsPrefix();

  private static List<String> defaultSignalsPrefix() {
    List<String> prefix = List.of("env", "--default-signal=INT,TERM");
    try {
      Process probe = new ProcessBuilder(concat(prefix, List.of("true"))).start();
      return probe.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS) && probe.exitValue() == 0
          ? prefix
          : List.of();
    } catch (IOException | InterruptedException e) {
      return List.of();
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Whether this JVM ignores SIGINT or SIGTERM, which its children then inherit. */
  private static boolean signalsIgnoredHere() {
    try {
      for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("SigIgn:")) {
          long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
          return (mask & ((1L << 1) | (1L << 14))) != 0; // signals 2 (INT) and 15 (TERM)
        }
      }
    } catch (IOException | RuntimeException unreadable) {
      // not Linux: assume the default dispositions
    }
    return false;
  }

  private void start(String variant) throws IOException {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        DEFAULT_SIGNALS.isEmpty() && signalsIgnoredHere(),
        "this JVM ignores SIGINT or SIGTERM and no env --default-signal can undo it for a child");
    child =
        new ProcessBuilder(
                concat(
                    DEFAULT_SIGNALS,
                    List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        SignalChild.class.getName(),
                        variant)))
            .start();
    pump(child.getInputStream(), out::add);
    pump(child.getErrorStream(), line -> err.append(line).append('\n'));
  }

  private static void pump(InputStream in, Consumer<String> sink) {
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  sink.accept(line);
                }
              } catch (IOException closed) {
                // the child ended
              }
            });
  }

  /** Waits for the child to print {@code line}, keeping every line before it. */
  private void awaitLine(String line) throws InterruptedException {
    while (true) {
      String next = out.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
      assertThat(next).as("child output after %s; stderr:%n%s", outSeen, err).isNotNull();
      outSeen.add(next);
      if (next.equals(line)) {
        return;
      }
    }
  }

  private int awaitExit() throws InterruptedException {
    assertThat(child.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS))
        .as("child exited; output %s; stderr:%n%s", outSeen, err)
        .isTrue();
    return child.exitValue();
  }

  /** Every line the child printed, once it has exited and its output is drained. */
  private List<String> allOutput() throws InterruptedException {
    while (true) {
      String next = out.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
      if (next == null || next.equals("after stop")) {
        if (next != null) {
          outSeen.add(next);
        }
        return outSeen;
      }
      outSeen.add(next);
    }
  }

  private void kill(String signal) throws Exception {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid()))
            .redirectErrorStream(true)
            .start();
    assertThat(kill.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  @Test
  void sigtermStopsTheServicesInReverseOrderAndExits143() throws Exception {
    start("clean");
    awaitLine("ready");
    kill("TERM"); // not Process.destroy(): it closes the child's output pipes
    assertThat(awaitExit()).isEqualTo(143);
    assertThat(allOutput())
        .containsExactly(
            "start http", "ready", "stop http", "stop consumer", "after stop");
    assertThat(err.toString()).contains("lifecycle: SIGTERM: shutting down");
  }

  @Test
  void sigintStopsTheServicesAndExits130() throws Exception {
    start("clean");
    awaitLine("ready");
    kill("INT");
    assertThat(awaitExit()).isEqualTo(130);
    assertThat(allOutput())
        .containsExactly(
            "start http", "ready", "stop http", "stop consumer", "after stop");
  }

  @Test
  void aSecondSignalDuringAStuckShutdownExitsAtOnceWithItsStatus() throws Exception {
    start("stuck");
    awaitLine("ready");
    kill("TERM");
    awaitLine("stop http"); // the shutdown has begun, and http's stop will not return for 60 s
    kill("INT");
    assertThat(awaitExit()).isEqualTo(130);
    assertThat(outSeen).doesNotContain("stop consumer", "after stop");
    assertThat(err.toString()).contains("lifecycle: SIGINT during shutdown: exiting with 130");
  }

  @Test
  void aStartFailureStopsWhatStartedAndExits1() throws Exception {
    start("fail");
    assertThat(awaitExit()).isEqualTo(1);
    assertThat(allOutput()).containsExactly("stop consumer", "after stop");
    assertThat(err.toString())
        .contains("java.util.concurrent.ExecutionException: lifecycle: service http failed to start")
        .contains("port 8080 in use");
  }

  @Test
  void withTheShutdownHookFallbackSigtermStillStopsEveryServiceInOrder() throws Exception {
    start("hook");
    awaitLine("ready");
    kill("TERM");
    assertThat(awaitExit()).isEqualTo(143); // the JVM's own status for SIGTERM
    assertThat(allOutput())
        .containsExactly(
            "start http", "ready", "stop http", "stop consumer", "after stop");
  }
}
