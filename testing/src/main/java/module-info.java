/**
 * Runnel's test support: a check that a test leaves no goroutine behind, usable from any test
 * framework ({@link dev.runnel.testing.GoroutineLeaks}) and as a JUnit 5 extension ({@link
 * dev.runnel.testing.CheckGoroutineLeaks}), and {@link dev.runnel.testing.GoroutineDumpTool}, the
 * goroutine dump of another running JVM.
 */
module dev.runnel.testing {
  requires transitive dev.runnel.core;
  requires transitive org.junit.jupiter.api;
  requires java.management; // GoroutineDumpTool: the JMX client
  requires jdk.attach; // GoroutineDumpTool: attaching to another JVM

  exports dev.runnel.testing;
}
