package dev.runnel.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fails a test whose goroutines deadlock, with Go's {@code all goroutines are asleep - deadlock!}
 * report, instead of letting it hang until a timeout: enables the {@code DeadlockDetector} around
 * each test (see {@link DeadlockExtension}).
 *
 * {@snippet :
 * @DetectDeadlocks
 * class PipelineTest {
 *   @Test
 *   void drains() throws InterruptedException {
 *     wg.await(); // if every goroutine is stuck, fails here with the report and the dump
 *   }
 * }
 * }
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(DeadlockExtension.class)
public @interface DetectDeadlocks {

  /**
   * The detector's interval between checks, in milliseconds.
   *
   * @return the interval; 50 ms by default
   */
  long intervalMillis() default 50;
}
