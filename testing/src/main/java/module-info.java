/**
 * Runnel's test support: a check that a test leaves no goroutine behind, usable from any test
 * framework ({@link dev.runnel.testing.GoroutineLeaks}) and as a JUnit 5 extension ({@link
 * dev.runnel.testing.CheckGoroutineLeaks}).
 */
module dev.runnel.testing {
  requires transitive dev.runnel.core;
  requires transitive org.junit.jupiter.api;

  exports dev.runnel.testing;
}
