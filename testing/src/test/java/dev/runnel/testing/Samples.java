package dev.runnel.testing;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.runnel.debug.GoroutineDump;
import dev.runnel.debug.GoroutineInfo;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/** Runs {@link Sample} classes in a nested Jupiter engine, and helpers their tests share. */
final class Samples {

  /** The configuration parameter that enables {@link Sample} classes. */
  static final String PARAMETER = "dev.runnel.testing.samples";

  /** How long a helper waits for a goroutine to reach a state: generous, for a loaded machine. */
  static final Duration PATIENCE = Duration.ofSeconds(10);

  private Samples() {}

  /** The {@code @EnabledIf} condition of {@link Sample}. */
  static boolean inSampleRun(ExtensionContext context) {
    return context.getConfigurationParameter(PARAMETER).isPresent();
  }

  /**
   * Runs {@code sample} in the Jupiter engine, with this module's junit-platform.properties (so
   * under the autodetected leak check, as every test here).
   */
  static EngineExecutionResults run(Class<?> sample) {
    return EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(sample))
        .enableImplicitConfigurationParameters(true) // junit-platform.properties: autodetection
        .configurationParameter(PARAMETER, "true")
        .execute();
  }

  /** The failure of the one failed event among {@code events}. */
  static Throwable onlyFailure(Events events) {
    List<Event> failed = events.failed().list();
    if (failed.size() != 1) {
      throw new AssertionError("expected one failed event, got " + failed);
    }
    return failed.get(0)
        .getPayload(TestExecutionResult.class)
        .flatMap(TestExecutionResult::getThrowable)
        .orElseThrow();
  }

  /** The display name of the one failed test among {@code events}. */
  static String onlyFailedTest(Events events) {
    onlyFailure(events);
    return events.failed().list().get(0).getTestDescriptor().getDisplayName();
  }

  /**
   * Waits until a goroutine started after {@code mark} is blocked in {@code state} (Go's wait
   * reason, {@code chan receive}); fails after {@link #PATIENCE}.
   */
  static GoroutineInfo awaitState(long mark, String state) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() - deadline < 0) {
      for (GoroutineInfo g : GoroutineDump.takeStartedAfter(mark).goroutines()) {
        if (g.state().equals(state)) {
          return g;
        }
      }
      Thread.sleep(1); // polling a dump: there is no event to wait for
    }
    throw new AssertionError("no goroutine reached [" + state + "]:\n"
        + GoroutineDump.takeStartedAfter(mark));
  }
}
