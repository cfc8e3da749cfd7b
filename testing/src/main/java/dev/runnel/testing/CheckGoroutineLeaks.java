package dev.runnel.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fails a JUnit 5 test that leaves a goroutine behind: every goroutine started during the test
 * (from the test's {@code @BeforeEach} methods on) must have returned when it ends (after its
 * {@code @AfterEach} methods), within a short retry budget; see {@link GoroutineLeaks}.
 *
 * <p>On a class, the check applies to every test in it, its subclasses and its {@code @Nested}
 * classes; on a method, to that test. A method's annotation replaces its class's. With {@link
 * #perClass()} the check runs once, after the whole class: goroutines a {@code @BeforeAll} method
 * starts may live across its tests as long as {@code @AfterAll} stops them.
 *
 * <p>A test that fails and leaks reports both: the leak is added to the test's failure as a
 * suppressed exception. Tests that run concurrently (JUnit's parallel mode) see each other's
 * goroutines: run leak-checked classes one test at a time.
 *
 * <p>Go: {@code defer goleak.VerifyNone(t)} in a test, or {@code goleak.VerifyTestMain(m)} for a
 * package; the ignore attributes are goleak's {@code IgnoreTopFunction} and {@code
 * IgnoreAnyFunction}.
 *
 * {@snippet :
 * @CheckGoroutineLeaks(ignoreTopFunctions = "com.example.Cache.evictLoop")
 * class CacheTest {
 *   @Test
 *   void getStartsNoGoroutineThatOutlivesIt() { ... }
 * }
 * }
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(GoroutineLeakExtension.class)
public @interface CheckGoroutineLeaks {

  /**
   * Regular expressions; goroutines whose thread name matches one in full are not leaks ({@link
   * LeakOptions#ignoreNames}).
   *
   * @return the regexes; none by default
   */
  String[] ignoreNames() default {};

  /**
   * Fully qualified {@code class.method} names; goroutines whose innermost frame is one of them
   * are not leaks ({@link LeakOptions#ignoreTopFunctions}).
   *
   * @return the functions; none by default
   */
  String[] ignoreTopFunctions() default {};

  /**
   * Methods, classes or packages; goroutines with a frame in one of them are not leaks ({@link
   * LeakOptions#ignoreStackContaining}).
   *
   * @return the functions; none by default
   */
  String[] ignoreStackContaining() default {};

  /**
   * Whether to check, beside goroutines, the virtual threads that Runnel did not start ({@link
   * LeakOptions#includeAllVirtualThreads()}).
   *
   * @return false (the default) for goroutines only
   */
  boolean allVirtualThreads() default false;

  /**
   * Whether to check once after the whole class instead of after each test. Read from the class
   * only.
   *
   * @return false (the default) to check after each test, true to check after the class
   */
  boolean perClass() default false;

  /**
   * How long, in milliseconds, the check waits in all for goroutines to end before it reports
   * them ({@link LeakOptions#withRetryBudget}); negative for {@link
   * LeakOptions#DEFAULT_RETRY_BUDGET}.
   *
   * @return the retry budget in milliseconds; -1 (the default budget) by default
   */
  long retryMillis() default -1;
}
