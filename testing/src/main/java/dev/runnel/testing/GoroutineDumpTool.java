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
 * yet, 2 on bad arguments.
 */
public final class GoroutineDumpTool {

  private static final String MBEAN = "dev.runnel:type=Goroutines";
  private static final Duration REGISTRATION_WAIT = Duration.ofSeconds(5);

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
   */
  public static String dump(String pid, boolean json) throws Exception {
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
}
