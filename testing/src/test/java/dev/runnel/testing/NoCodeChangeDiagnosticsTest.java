package dev.runnel.testing;

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
 * The diagnostics a running program gets without a code change, on a child JVM running {@link
 * StuckProgram}: the deadlock detector from {@code -Ddev.runnel.detectDeadlocks=true} (and {@code
 * =exit}, which halts the program with Go's status 2), the dump on
 * {@code -Ddev.runnel.dumpSignal=USR2} and {@code kill -USR2}, and {@link GoroutineDumpTool}
 * through the MXBean registered at the first goroutine start.
 */
@Timeout(120)
class NoCodeChangeDiagnosticsTest {

  private static final long PATIENCE_SECONDS = 30;

  private Process child;
  private final BlockingQueue<String> out = new LinkedBlockingQueue<>();
  private final StringBuffer err = new StringBuffer();

  @AfterEach
  void stopChild() throws InterruptedException {
    if (child != null) {
      child.destroyForcibly();
      child.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }
  }

  private void start(String... properties) throws IOException {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(javaBin);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(List.of(properties));
    command.add(StuckProgram.class.getName());
    child = new ProcessBuilder(command).start();
    pump(child.getInputStream(), line -> out.add(line));
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

  private void awaitStarted() throws InterruptedException {
    assertThat(out.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).as("child output").isEqualTo("started");
  }

  private void awaitErr(String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
    while (!err.toString().contains(text)) {
      assertThat(System.nanoTime() - deadline).as("stderr so far:\n%s", err).isNegative();
      assertThat(child.isAlive()).as("child alive; stderr:\n%s", err).isTrue();
      Thread.sleep(20); // polling another process's output: there is no event to wait for
    }
  }

  @Test
  void theDeadlockDetectorFromASystemPropertyReportsTheStuckProgram() throws Exception {
    start("-Ddev.runnel.detectDeadlocks=true");
    awaitStarted();
    awaitErr("fatal error: all goroutines are asleep - deadlock!");
    assertThat(err.toString())
        .contains("thread \"main\" [chan receive")
        .contains("goroutine 1 [chan receive")
        .contains("StuckProgram.main");
  }

  @Test
  void withExitTheDetectorHaltsTheStuckProgramWithStatus2AsGoDoes() throws Exception {
    start("-Ddev.runnel.detectDeadlocks=exit");
    awaitStarted();
    assertThat(child.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS)).as("child exited").isTrue();
    assertThat(child.exitValue()).isEqualTo(2);
    awaitErrOfEndedChild("fatal error: all goroutines are asleep - deadlock!");
    assertThat(err.toString()).contains("goroutine 1 [chan receive"); // ", N seconds]" once slow
  }

  /** The child's stderr, once the pump has read it all: the child has ended. */
  private void awaitErrOfEndedChild(String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
    while (!err.toString().contains(text)) {
      assertThat(System.nanoTime() - deadline).as("stderr so far:\n%s", err).isNegative();
      Thread.sleep(20); // the pump thread reads the rest of the pipe: no event to wait for
    }
  }

  @Test
  void aSignalPrintsTheDumpAndTheToolReadsItThroughJmx() throws Exception {
    start("-Ddev.runnel.dumpSignal=USR2");
    awaitStarted();
    String dump = GoroutineDumpTool.dump(Long.toString(child.pid()), false);
    assertThat(dump).contains("goroutine 1 [chan receive").contains("StuckProgram.lambda$main$0");
    assertThat(GoroutineDumpTool.dump(Long.toString(child.pid()), true))
        .startsWith("{\"takenAt\":")
        .contains("\"state\":\"chan receive\"");
    Process kill = new ProcessBuilder("kill", "-USR2", Long.toString(child.pid())).start();
    assertThat(kill.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
    awaitErr("SIGUSR2: goroutine dump");
    awaitErr("goroutine 1 [chan receive");
  }
}
