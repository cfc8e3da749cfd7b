package dev.runnel.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.debug.TestGoroutines.Started;
import dev.runnel.testkit.Threads;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Getting a dump out of a running program: the MXBean through the platform MBean server, and the
 * dump on a signal. No {@code @Timeout} (see {@link DeadlockDetectorTest}): waits are bounded.
 */
class DiagnosticsTest {

  private final TestGoroutines goroutines = new TestGoroutines();

  @AfterEach
  void cleanUp() throws InterruptedException {
    goroutines.interruptAll();
    goroutines.joinAll();
  }

  private static Object invoke(String operation) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    return server.invoke(new ObjectName(Diagnostics.MBEAN_NAME), operation, null, null);
  }

  @Test
  void mbeanDumpsShowABlockedGoroutine() throws Exception {
    Diagnostics.registerMBean();
    Diagnostics.registerMBean(); // a second registration is harmless
    Channel<Integer> never = Channel.make();
    Started blocked = goroutines.goBlocked(never::receive);
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = new ObjectName(Diagnostics.MBEAN_NAME);

    assertThat(server.isRegistered(name)).isTrue();
    assertThat((String) invoke("dump")).contains("goroutine " + blocked.id() + " [chan receive");
    assertThat((String) invoke("dumpJson")).contains("chan receive").contains("" + blocked.id());
    assertThat((Integer) server.getAttribute(name, "GoroutineCount")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void mbeanCheckDeadlockReportsBlockedGoroutinesAndIsEmptyWhileOneRuns() throws Exception {
    TestGoroutines.assumeDeadlocksCanBeSeen();
    DeadlockDetectorTest.awaitNoPendingTimer();
    Diagnostics.registerMBean();
    Channel<Integer> never = Channel.make();
    Started blocked = goroutines.goBlocked(never::receive);
    AtomicBoolean spin = new AtomicBoolean(true);
    Started spinner =
        goroutines.go(
            () -> {
              while (spin.get()) {
                Thread.onSpinWait();
              }
            });

    assertThat((String) invoke("checkDeadlock")).as("while one runs").isEmpty();

    spin.set(false);
    spinner.thread().join(Threads.PATIENCE);
    // the MBean runs on the calling (test) thread, which does not count
    assertThat((String) invoke("checkDeadlock"))
        .startsWith(DeadlockReport.MESSAGE + "\n\n")
        .contains("goroutine " + blocked.id() + " [chan receive]:");
  }

  @Test
  void dumpOnSignalPrintsTheDumpToStandardError() throws Exception {
    Diagnostics.dumpOnSignal("USR2");
    Channel<Integer> never = Channel.make();
    Started blocked = goroutines.goBlocked(never::receive);
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Process kill =
          new ProcessBuilder("kill", "-USR2", Long.toString(ProcessHandle.current().pid()))
              .redirectErrorStream(true)
              .start();
      assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
      assertThat(kill.exitValue()).isZero();
      Threads.eventually(
          "the dump is printed",
          () -> captured.toString(StandardCharsets.UTF_8).contains("[chan receive"));
    } finally {
      System.setErr(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .startsWith("SIGUSR2: goroutine dump\n\n")
        .contains("goroutine " + blocked.id() + " [chan receive");
  }

  @Test
  void dumpOnSignalRefusesSignalsTheJvmUsesAndUnknownNames() {
    assertThatThrownBy(() -> Diagnostics.dumpOnSignal("KILL"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Diagnostics.dumpOnSignal("QUIT"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Diagnostics.dumpOnSignal("NOSUCHSIGNAL"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Diagnostics.dumpOnSignal(null))
        .isInstanceOf(NullPointerException.class);
  }
}
