package dev.runnel.debug;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.PlatformManagedObject;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deadlock detector's last check on virtual threads that Runnel did not start ({@code
 * Thread.ofVirtual()}, a virtual-thread executor), which no public API lists: the JDK's own thread
 * dump does ({@code HotSpotDiagnosticMXBean.dumpThreads}, JSON, with {@code jdk.trackAllThreads}
 * on, its default). One such thread that is not parked in a Runnel wait without a timeout could
 * still wake a goroutine, so it vetoes the report. Taken only when everything else looks
 * deadlocked; a few milliseconds.
 */
final class VirtualThreadCensus {

  private static final Pattern THREAD = Pattern.compile("\"tid\"\\s*:\\s*\"?(\\d+)\"?");
  private static final String IN_RUNNEL_WAIT = "dev.runnel.internal.Waiter.await(";
  private static final String UNTIMED_PARK = "java.util.concurrent.locks.LockSupport.park(";

  private VirtualThreadCensus() {}

  /**
   * Whether a thread outside {@code known} (the goroutines and platform threads already judged)
   * may still act: one not parked in a Runnel wait without a timeout, in the JDK's thread dump.
   * False if the dump cannot be taken (no {@code jdk.management}): the rule then covers only the
   * threads it can see, as documented.
   */
  static boolean othersMayAct(Set<Long> known) {
    String dump = jdkThreadDump();
    if (dump == null) {
      return false;
    }
    Matcher m = THREAD.matcher(dump);
    int start = -1;
    long tid = -1;
    while (true) {
      boolean found = m.find();
      if (start >= 0 && !known.contains(tid)) {
        String entry = dump.substring(start, found ? m.start() : dump.length());
        if (!(entry.contains(IN_RUNNEL_WAIT) && entry.contains(UNTIMED_PARK))
            && isVirtual(entry)
            && !isJdkMachinery(entry)) {
          return true;
        }
      }
      if (!found) {
        return false;
      }
      start = m.start();
      tid = Long.parseLong(m.group(1));
    }
  }

  /**
   * Whether a dump entry is a virtual thread's: platform threads are judged by the detector
   * itself (daemon ones do not count), and its own platform thread is in the dump too.
   */
  private static boolean isVirtual(String entry) {
    return entry.contains("\"virtual\": true")
        || entry.contains("\"virtual\":true")
        || entry.contains("java.lang.VirtualThread.run(");
  }

  private static final Pattern FRAME = Pattern.compile("\"([^\"]*\\([^\"]*\\))\"");

  /**
   * Whether every frame of a dump entry is in a JDK module ({@code java.base/...}): the JDK's own
   * virtual threads, such as the I/O pollers, which only wake threads blocked in I/O.
   */
  private static boolean isJdkMachinery(String entry) {
    int stack = entry.indexOf("\"stack\"");
    if (stack < 0) {
      return false;
    }
    Matcher frames = FRAME.matcher(entry).region(stack, entry.length());
    boolean any = false;
    while (frames.find()) {
      String frame = frames.group(1).replace("\\/", "/");
      int slash = frame.indexOf('/');
      String module = slash < 0 ? "" : frame.substring(0, slash);
      if (!(module.startsWith("java.") || module.startsWith("jdk."))) {
        return false;
      }
      any = true;
    }
    return any;
  }

  /** The JDK's thread dump as JSON, or null if this runtime cannot give it. */
  private static String jdkThreadDump() {
    Path dir = null;
    Path file = null;
    try {
      Class<?> bean = Class.forName("com.sun.management.HotSpotDiagnosticMXBean");
      Class<?> format =
          Class.forName("com.sun.management.HotSpotDiagnosticMXBean$ThreadDumpFormat");
      @SuppressWarnings({"unchecked", "rawtypes"})
      Object json = Enum.valueOf((Class) format, "JSON");
      Object mx = ManagementFactory.getPlatformMXBean(bean.asSubclass(PlatformManagedObject.class));
      Method dumpThreads = bean.getMethod("dumpThreads", String.class, format);
      dir = Files.createTempDirectory("runnel-deadlock-check");
      file = dir.resolve("threads.json");
      dumpThreads.invoke(mx, file.toString(), json);
      return Files.readString(file);
    } catch (ReflectiveOperationException | RuntimeException | IOException | LinkageError e) {
      return null;
    } finally {
      try {
        if (file != null) {
          Files.deleteIfExists(file);
        }
        if (dir != null) {
          Files.deleteIfExists(dir);
        }
      } catch (IOException ignored) {
        // a temporary file left behind is harmless
      }
    }
  }
}
