package dev.runnel.testing;

import dev.runnel.debug.DeadlockDetector;
import dev.runnel.debug.DeadlockReport;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link DetectDeadlocks}. Before each test it enables the {@code
 * DeadlockDetector} (the test thread counts: a test blocked in {@code wg.await()} or {@code
 * receive()} is part of the deadlock), not counting JUnit's timeout watcher thread. When a
 * deadlock is reported, it interrupts every blocked thread, so the test thread's wait throws (or
 * returns, if the goroutines' end releases it first) and the deadlocked goroutines end; the test
 * then fails with an {@link AssertionError} whose message is the report. After the test the
 * detector is disabled and the test thread's interrupt status cleared.
 *
 * <p>The detector is process-wide: do not use this extension with tests that run concurrently.
 */
public final class DeadlockExtension
    implements BeforeEachCallback, AfterEachCallback, TestExecutionExceptionHandler {

  /** JUnit's {@code @Timeout} thread: non-daemon, it would otherwise prevent every report. */
  private static final String JUNIT_TIMEOUT_WATCHER = "junit-jupiter-timeout-watcher";

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(DeadlockExtension.class);

  /** Creates the extension; JUnit does, through {@link DetectDeadlocks}. */
  public DeadlockExtension() {}

  @Override
  public void beforeEach(ExtensionContext context) {
    long interval =
        AnnotationSupport.findAnnotation(context.getElement(), DetectDeadlocks.class)
            .or(() -> AnnotationSupport.findAnnotation(context.getTestClass(), DetectDeadlocks.class))
            .map(DetectDeadlocks::intervalMillis)
            .orElse(50L);
    AtomicReference<DeadlockReport> found = new AtomicReference<>();
    context.getStore(NAMESPACE).put(DeadlockReport.class, found);
    ignoreJUnitTimeoutWatcher();
    DeadlockDetector.enable(
        Duration.ofMillis(interval),
        report -> {
          if (found.compareAndSet(null, report)) {
            report.threads().forEach(Thread::interrupt);
          }
        });
  }

  /** Stops the detector counting JUnit's {@code @Timeout} thread, for every JUnit-side user. */
  static void ignoreJUnitTimeoutWatcher() {
    DeadlockDetector.ignoreThreads(t -> t.getName().equals(JUNIT_TIMEOUT_WATCHER));
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable thrown)
      throws Throwable {
    DeadlockReport report = reportOf(context);
    if (report != null) {
      AssertionError failure = new AssertionError(report.toString(), thrown);
      throw failure;
    }
    throw thrown;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    DeadlockDetector.disable();
    DeadlockReport report = reportOf(context);
    if (report != null) {
      Thread.interrupted(); // ours, if the test's wait ended otherwise: not for the next test
    }
    if (report != null && context.getExecutionException().isEmpty()) {
      // the test swallowed the interrupt and passed: the deadlock still fails it
      throw new AssertionError(report.toString());
    }
  }

  @SuppressWarnings("unchecked")
  private static DeadlockReport reportOf(ExtensionContext context) {
    AtomicReference<DeadlockReport> found =
        context.getStore(NAMESPACE).get(DeadlockReport.class, AtomicReference.class);
    return found == null ? null : found.get();
  }
}
