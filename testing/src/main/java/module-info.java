/**
 * Runnel's test support: a check that a test leaves no goroutine behind, usable from any test
 * framework ({@link dev.runnel.testing.GoroutineLeaks}) and as a JUnit 5 extension ({@link
 * dev.runnel.testing.CheckGoroutineLeaks}), and {@link dev.runnel.testing.GoroutineDumpTool}, the
 * goroutine dump of another running JVM.
 */
module dev.runnel.testing {
  requires transitive dev.runnel.core;
  requires transitive org.junit.jupiter.api;
  // GoroutineDumpTool only, so optional: the module resolves on a runtime without them (a jlink
  // image), where the tool alone fails, with a sentence.
  requires static java.management; // the JMX client
  requires static jdk.attach; // attaching to another JVM

  exports dev.runnel.testing;
}
