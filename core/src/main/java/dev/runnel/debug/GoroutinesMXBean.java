package dev.runnel.debug;

/**
 * The goroutine dump as a JMX MXBean, registered as {@value Diagnostics#MBEAN_NAME} in the
 * platform MBean server: reachable from JConsole, Java Mission Control or any JMX client once the
 * JVM's management agent runs ({@code jcmd <pid> ManagementAgent.start_local}), with no change to
 * the program.
 */
public interface GoroutinesMXBean {

  /**
   * The goroutine dump as text: {@code Go.dump()}.
   *
   * @return the dump
   */
  String dump();

  /**
   * The goroutine dump as JSON: {@link GoroutineDump#toJson()}.
   *
   * @return the JSON text
   */
  String dumpJson();

  /**
   * Checks for a global deadlock now ({@link DeadlockDetector#check()}).
   *
   * @return the report, or the empty string if there is none
   */
  String checkDeadlock();

  /**
   * The number of live goroutines: {@code Go.numGoroutine()}.
   *
   * @return the count
   */
  int getGoroutineCount();
}
