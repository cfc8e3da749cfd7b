package dev.runnel.testing;

import dev.runnel.debug.DeadlockDetector;
import dev.runnel.debug.DeadlockReport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The deadlock detector over the whole suite (autodetected in this module's test run): it runs in
 * the background during every test class, and a report fails the class. Issue 6's "no false
 * positives under the sync and channel stress tests", checked on every test Runnel has, which
 * block, race, cancel and time out goroutines in every way the unit tests know. A report here is
 * either a test that really deadlocked its goroutines with the test thread waiting for good, or a
 * false positive: both are bugs.
 *
 * <p>Not watched: the detector's own tests ({@code dev.runnel.debug}), which enable and disable it
 * themselves and make deadlocks on purpose, and this package's tests, which run sample classes
 * that do the same.
 */
public final class DeadlockWatchExtension implements BeforeAllCallback, AfterAllCallback {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(DeadlockWatchExtension.class);

  /** Created by JUnit's extension autodetection. */
  public DeadlockWatchExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    if (!watched(context)) {
      return;
    }
    List<DeadlockReport> reports = new CopyOnWriteArrayList<>();
    context.getStore(NAMESPACE).put(List.class, reports);
    DeadlockExtension.ignoreJUnitTimeoutWatcher();
    DeadlockDetector.enable(Duration.ofMillis(25), reports::add);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (!watched(context)) {
      return;
    }
    DeadlockDetector.disable();
    @SuppressWarnings("unchecked")
    List<DeadlockReport> reports = context.getStore(NAMESPACE).get(List.class, List.class);
    if (reports != null && !reports.isEmpty()) {
      throw new AssertionError(
          "the deadlock detector reported during "
              + context.getRequiredTestClass().getName()
              + " ("
              + reports.size()
              + " report(s)); the first:\n"
              + reports.get(0));
    }
  }

  /** Top-level classes only: a {@code @Nested} class runs inside its outer class's watch. */
  private static boolean watched(ExtensionContext context) {
    Class<?> c = context.getRequiredTestClass();
    String name = c.getName();
    return c.getEnclosingClass() == null
        && !name.startsWith("dev.runnel.debug.")
        && !name.startsWith("dev.runnel.testing.");
  }
}
