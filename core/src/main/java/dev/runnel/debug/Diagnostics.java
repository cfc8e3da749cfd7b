package dev.runnel.debug;

import dev.runnel.internal.Goroutines;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Ways to get a goroutine dump out of a running program without changing its code.
 *
 * <ul>
 *   <li>The {@link GoroutinesMXBean} {@value #MBEAN_NAME}, registered in the platform MBean server
 *       when the first goroutine starts (unless {@code -Ddev.runnel.mbean=false}). {@code jcmd
 *       <pid> ManagementAgent.start_local} then makes it reachable from JConsole or JMC without a
 *       restart.
 *   <li>A signal: with {@code -Ddev.runnel.dumpSignal=USR2}, {@code kill -USR2 <pid>} prints the
 *       dump to standard error, as {@code SIGQUIT} does for a Go program. {@link #dumpOnSignal}
 *       does the same from code.
 *   <li>The detectors, from system properties read when the first goroutine starts: {@code
 *       dev.runnel.detectDeadlocks=true} (or {@code =exit}, to halt with status 2 as Go does),
 *       {@code dev.runnel.detectLockOrder=true}, {@code
 *       dev.runnel.longWait=PT5S}, and {@code dev.runnel.creationStacks=true}.
 * </ul>
 */
public final class Diagnostics {

  /** The object name of the {@link GoroutinesMXBean}. */
  public static final String MBEAN_NAME = "dev.runnel:type=Goroutines";

  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private Diagnostics() {}

  /**
   * Registers the {@link GoroutinesMXBean}, if it is not registered yet.
   *
   * @throws IllegalStateException if JMX refuses it
   */
  public static void registerMBean() {
    try {
      ManagementFactory.getPlatformMBeanServer()
          .registerMBean(new GoroutinesBean(), new ObjectName(MBEAN_NAME));
    } catch (InstanceAlreadyExistsException alreadyThere) {
      // registered by an earlier call
    } catch (JMException e) {
      throw new IllegalStateException("cannot register " + MBEAN_NAME, e);
    }
  }

  /**
   * Prints the goroutine dump to standard error whenever the process receives {@code signal}.
   *
   * @param signal a signal name without {@code SIG}, such as {@code USR2}; the JVM refuses the
   *     ones it uses itself ({@code QUIT}, and on some platforms {@code USR1})
   * @throws IllegalArgumentException if the JVM refuses the signal
   * @throws UnsupportedOperationException if this JDK has no {@code sun.misc.Signal}
   */
  public static void dumpOnSignal(String signal) {
    Objects.requireNonNull(signal, "signal");
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object sig = signalClass.getConstructor(String.class).newInstance(signal);
      Object handler =
          Proxy.newProxyInstance(
              handlerClass.getClassLoader(),
              new Class<?>[] {handlerClass},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "handle" -> {
                      System.err.print(
                          "SIG" + signal + ": goroutine dump\n\n" + GoroutineDump.take());
                      System.err.flush();
                      yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "dump on SIG" + signal;
                  });
      signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, sig, handler);
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      throw new UnsupportedOperationException("this JDK has no sun.misc.Signal", e);
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException("cannot handle SIG" + signal, e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot handle SIG" + signal, e);
    }
  }

  /**
   * Applies the system properties above, once, when the first goroutine starts (called by the
   * runtime; later calls do nothing). The MBean is registered on a separate thread, as the
   * platform MBean server takes tens of milliseconds to start.
   */
  public static void startFromProperties() {
    if (!STARTED.compareAndSet(false, true)) {
      return;
    }
    try {
      String deadlocks = System.getProperty("dev.runnel.detectDeadlocks", "");
      if (deadlocks.equalsIgnoreCase("exit")) {
        DeadlockDetector.enableExiting();
      } else if (Boolean.parseBoolean(deadlocks)) {
        DeadlockDetector.enable();
      }
      if (Boolean.getBoolean("dev.runnel.detectLockOrder")) {
        LockOrderDetector.enable();
      }
      String longWait = System.getProperty("dev.runnel.longWait");
      if (longWait != null) {
        LongWaitDetector.enable(Duration.parse(longWait));
      }
      String signal = System.getProperty("dev.runnel.dumpSignal");
      if (signal != null) {
        dumpOnSignal(signal);
      }
      if (!"false".equals(System.getProperty("dev.runnel.mbean"))) {
        Thread.ofPlatform()
            .daemon()
            .name("runnel-mbean-registration")
            .start(Diagnostics::registerQuietly);
      }
    } catch (RuntimeException e) { // a bad property must not stop the goroutine from starting
      System.err.println("runnel: diagnostics not started: " + e);
    }
  }

  private static void registerQuietly() {
    try {
      registerMBean();
    } catch (RuntimeException | LinkageError e) {
      // no JMX in this runtime (java.management absent): nothing to register
    }
  }

  /** The MXBean's implementation. */
  private static final class GoroutinesBean implements GoroutinesMXBean {
    @Override
    public String dump() {
      return GoroutineDump.take().toString();
    }

    @Override
    public String dumpJson() {
      return GoroutineDump.take().toJson();
    }

    @Override
    public String checkDeadlock() {
      return DeadlockDetector.check().map(DeadlockReport::toString).orElse("");
    }

    @Override
    public int getGoroutineCount() {
      return Goroutines.live();
    }
  }
}
