package dev.runnel.testing;

import com.sun.tools.attach.VirtualMachine;
import java.time.Duration;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Prints the goroutine dump of another running JVM, with no change to that program: attaches to
 * it, starts its local management agent (what {@code jcmd <pid> ManagementAgent.start_local}
 * does) and calls the {@code dev.runnel:type=Goroutines} MXBean that Runnel registers at the first
 * goroutine start.
 *
 * <pre>
 * java -cp runnel-testing.jar dev.runnel.testing.GoroutineDumpTool PID [--json]
 * ./run dump PID [--json]
 * </pre>
 *
 * <p>Exit status 0 on success, 1 if the process cannot be reached or runs no Runnel goroutines
 * yet, 2 on bad arguments, 3 if this Java runtime lacks the {@code jdk.attach} or {@code
 * java.management} module (a jlink image without them, or a module path run that does not add
 * them: {@code --add-modules jdk.attach,java.management}).
 */
public final class GoroutineDumpTool {

  private static final String MBEAN = "dev.runnel:type=Goroutines";
  private static final Duration REGISTRATION_WAIT = Duration.ofSeconds(5);

  /** The modules the tool needs, each with a class it uses; optional for the rest of the module. */
  private static final String[][] NEEDED = {
    {"jdk.attach", "com.sun.tools.attach.VirtualMachine"},
    {"java.management", "javax.management.remote.JMXConnectorFactory"},
  };

  private GoroutineDumpTool() {}

  /**
   * Runs the tool.
   *
   * @param args the process id, and {@code --json} for JSON
   */
  public static void main(String[] args) {
    if (args.length < 1 || args.length > 2 || (args.length == 2 && !args[1].equals("--json"))) {
      System.err.println("usage: GoroutineDumpTool PID [--json]");
      System.exit(2);
    }
    String missing = missingModule();
    if (missing != null) {
      System.err.println(
          "GoroutineDumpTool needs the " + missing + " module, which this Java runtime ("
              + System.getProperty("java.home") + ") does not provide: run it with a full JDK's"
              + " java, or add --add-modules jdk.attach,java.management on a module path.");
      System.exit(3);
    }
    try {
      System.out.print(dump(args[0], args.length == 2));
      System.out.flush();
    } catch (Exception e) {
      System.err.println("cannot dump the goroutines of process " + args[0] + ": " + e);
      System.exit(1);
    }
  }

  /**
   * The goroutine dump of the JVM with process id {@code pid}.
   *
   * @param pid the process id
   * @param json whether to return JSON instead of text
   * @return the dump
   * @throws Exception if the process cannot be attached to, or has not started Runnel
   * @throws UnsupportedOperationException if this runtime lacks {@code jdk.attach} or {@code
   *     java.management}
   */
  public static String dump(String pid, boolean json) throws Exception {
    String missing = missingModule();
    if (missing != null) {
      throw new UnsupportedOperationException(
          "GoroutineDumpTool needs the " + missing + " module, which this Java runtime lacks");
    }
    VirtualMachine vm = VirtualMachine.attach(pid);
    try {
      String address = vm.startLocalManagementAgent();
      try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
        MBeanServerConnection server = connector.getMBeanServerConnection();
        ObjectName name = new ObjectName(MBEAN);
        long deadline = System.nanoTime() + REGISTRATION_WAIT.toNanos();
        for (; ; ) {
          try {
            return (String) server.invoke(name, json ? "dumpJson" : "dump", null, null);
          } catch (InstanceNotFoundException notYet) {
            // registered on a background thread at the first goroutine start
            if (System.nanoTime() - deadline > 0) {
              throw new IllegalStateException(
                  "no " + MBEAN + " MXBean: has the program started a goroutine?", notYet);
            }
            Thread.sleep(50);
          }
        }
      }
    } finally {
      vm.detach();
    }
  }

  /** The first module the tool needs that this runtime cannot load, or null. */
  private static String missingModule() {
    for (String[] needed : NEEDED) {
      try {
        Class.forName(needed[1], false, GoroutineDumpTool.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        return needed[0];
      }
    }
    return null;
  }
}
