package dev.runnel.testing;

import java.lang.reflect.AnnotatedElement;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link CheckGoroutineLeaks}: marks the last goroutine and thread
 * before a test (or class) and runs {@link GoroutineLeaks#verifyNone(GoroutineLeaks.Mark,
 * LeakOptions)} after it.
 *
 * <p>Three ways to use it:
 *
 * <ul>
 *   <li>declaratively, with {@link CheckGoroutineLeaks} on a test class or method, whose attributes
 *       give the ignore rules, the retry budget and the mode (per test or per class);
 *   <li>programmatically, with options built in code (predicates, for one):
 *       {@snippet :
 *       @RegisterExtension
 *       static GoroutineLeakExtension leaks =
 *           GoroutineLeakExtension.withOptions(LeakOptions.defaults().ignore(g -> g.name().endsWith("-daemon")));
 *       }
 *       Such an instance takes over from a declarative or autodetected one on the same class: only
 *       it checks, with its options and mode ({@link #perClass()});
 *   <li>for every test of a module, through JUnit's extension autodetection: put {@code
 *       junit.jupiter.extensions.autodetection.enabled=true} in {@code
 *       src/test/resources/junit-platform.properties} and the line {@code
 *       dev.runnel.testing.GoroutineLeakExtension} in {@code
 *       src/test/resources/META-INF/services/org.junit.jupiter.api.extension.Extension}. Tests then
 *       run under the default options (per test, nothing ignored), or under their {@link
 *       CheckGoroutineLeaks} annotation where they have one. This module ships no such file in its
 *       jar: each project opts in.
 * </ul>
 *
 * <p>Per test, the mark is taken in {@code beforeEach}, before the test's {@code @BeforeEach}
 * methods, and the check runs in {@code afterEach}, after its {@code @AfterEach} methods. Per class,
 * in {@code beforeAll} and {@code afterAll}, around the class's {@code @BeforeAll} and {@code
 * @AfterAll} methods. A failed check throws {@link AssertionError} from the callback; JUnit reports
 * it as the test's failure, or as a suppressed exception of the test's own failure. Tests that run
 * concurrently (JUnit's parallel mode) see each other's goroutines.
 *
 * <p>Memory consistency effects: as {@link GoroutineLeaks}.
 *
 * <p>Go: {@code goleak.VerifyNone(t)} deferred in each test, or {@code goleak.VerifyTestMain(m)}.
 */
public final class GoroutineLeakExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  /** Shared by all instances: where a programmatic instance announces itself. */
  private static final Namespace SHARED = Namespace.create(GoroutineLeakExtension.class);

  private static final String PROGRAMMATIC = "programmatic";

  /** The options given in code, or null for a declarative or autodetected instance. */
  private final LeakOptions options;

  /** Whether a programmatic instance checks per class; unused when {@link #options} is null. */
  private final boolean perClass;

  /**
   * The declarative instance: options and mode from {@link CheckGoroutineLeaks} where present, the
   * defaults otherwise. JUnit calls this for {@code @ExtendWith} and autodetection.
   */
  public GoroutineLeakExtension() {
    this(null, false);
  }

  private GoroutineLeakExtension(LeakOptions options, boolean perClass) {
    this.options = options;
    this.perClass = perClass;
  }

  /**
   * An instance for {@code @RegisterExtension} that checks after each test with {@code options},
   * ignoring any {@link CheckGoroutineLeaks} annotation.
   *
   * @param options ignore rules and retry budget
   * @return the extension
   * @throws NullPointerException if {@code options} is null
   */
  public static GoroutineLeakExtension withOptions(LeakOptions options) {
    return new GoroutineLeakExtension(Objects.requireNonNull(options, "options"), false);
  }

  /**
   * This programmatic instance's options, checking once after the whole class instead of after
   * each test; register it in a static field.
   *
   * @return the per-class extension
   * @throws IllegalStateException if this is the declarative instance, whose mode comes from
   *     {@link CheckGoroutineLeaks#perClass()}
   */
  public GoroutineLeakExtension perClass() {
    if (options == null) {
      throw new IllegalStateException("perClass() applies to an instance made by withOptions");
    }
    return new GoroutineLeakExtension(options, true);
  }

  /**
   * Takes the class mark in per-class mode.
   *
   * @param context the class's context
   */
  @Override
  public void beforeAll(ExtensionContext context) {
    announce(context);
    if (perClass(context)) {
      store(context).put(Key.CLASS_MARK, GoroutineLeaks.markAll());
    }
  }

  /**
   * Checks the class in per-class mode.
   *
   * @param context the class's context
   * @throws AssertionError if goroutines started after the class mark are alive
   */
  @Override
  public void afterAll(ExtensionContext context) {
    GoroutineLeaks.Mark mark = store(context).remove(Key.CLASS_MARK, GoroutineLeaks.Mark.class);
    if (mark != null && active(context)) {
      GoroutineLeaks.verifyNone(mark, options(context));
    }
  }

  /**
   * Takes the test mark in per-test mode.
   *
   * @param context the test's context
   */
  @Override
  public void beforeEach(ExtensionContext context) {
    announce(context);
    if (!perClass(context)) {
      store(context).put(Key.TEST_MARK, GoroutineLeaks.markAll());
    }
  }

  /**
   * Checks the test in per-test mode.
   *
   * @param context the test's context
   * @throws AssertionError if goroutines started after the test mark are alive
   */
  @Override
  public void afterEach(ExtensionContext context) {
    GoroutineLeaks.Mark mark = store(context).remove(Key.TEST_MARK, GoroutineLeaks.Mark.class);
    if (mark != null && active(context)) {
      GoroutineLeaks.verifyNone(mark, options(context));
    }
  }

  /** The keys of an instance's own store. */
  private enum Key {
    CLASS_MARK,
    TEST_MARK
  }

  private ExtensionContext.Store store(ExtensionContext context) {
    return context.getStore(Namespace.create(GoroutineLeakExtension.class, this));
  }

  /** A programmatic instance tells declarative ones on the same class or test to stand aside. */
  private void announce(ExtensionContext context) {
    if (options != null) {
      context.getStore(SHARED).put(PROGRAMMATIC, Boolean.TRUE);
    }
  }

  /**
   * Whether this instance checks: a programmatic one always, a declarative one unless a
   * programmatic one announced itself here or in an enclosing context (all before-callbacks have
   * run by the time any after-callback asks).
   */
  private boolean active(ExtensionContext context) {
    return options != null || context.getStore(SHARED).get(PROGRAMMATIC) == null;
  }

  private boolean perClass(ExtensionContext context) {
    if (options != null) {
      return perClass;
    }
    for (Class<?> c = context.getTestClass().orElse(null); c != null; c = c.getEnclosingClass()) {
      Optional<CheckGoroutineLeaks> a = AnnotationSupport.findAnnotation(c, CheckGoroutineLeaks.class);
      if (a.isPresent()) {
        return a.get().perClass();
      }
    }
    return false;
  }

  private LeakOptions options(ExtensionContext context) {
    if (options != null) {
      return options;
    }
    return annotation(context).map(GoroutineLeakExtension::toOptions).orElse(LeakOptions.defaults());
  }

  /** The annotation on the test method, else on its class or an enclosing class. */
  private static Optional<CheckGoroutineLeaks> annotation(ExtensionContext context) {
    Optional<CheckGoroutineLeaks> onMethod =
        context.getTestMethod().flatMap(GoroutineLeakExtension::find);
    if (onMethod.isPresent()) {
      return onMethod;
    }
    for (Class<?> c = context.getTestClass().orElse(null); c != null; c = c.getEnclosingClass()) {
      Optional<CheckGoroutineLeaks> a = find(c);
      if (a.isPresent()) {
        return a;
      }
    }
    return Optional.empty();
  }

  private static Optional<CheckGoroutineLeaks> find(AnnotatedElement e) {
    return AnnotationSupport.findAnnotation(e, CheckGoroutineLeaks.class);
  }

  private static LeakOptions toOptions(CheckGoroutineLeaks a) {
    LeakOptions o = LeakOptions.defaults()
        .ignoreNames(a.ignoreNames())
        .ignoreTopFunctions(a.ignoreTopFunctions())
        .ignoreStackContaining(a.ignoreStackContaining());
    o = a.allVirtualThreads() ? o.includeAllVirtualThreads() : o;
    return a.retryMillis() < 0 ? o : o.withRetryBudget(Duration.ofMillis(a.retryMillis()));
  }
}
