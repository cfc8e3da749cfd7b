package dev.runnel.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Marks a sample test class that only {@link Samples#run} executes: a normal test run (surefire,
 * an IDE) skips it, as its tests are meant to fail.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@EnabledIf("dev.runnel.testing.Samples#inSampleRun")
@interface Sample {}
