package dev.runnel.debug;

import dev.runnel.internal.Goroutines;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.PlatformManagedObject;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Virtual threads that Runnel did not start ({@code Thread.ofVirtual()}, a virtual-thread
 * executor), which no public API lists: the JDK's own thread dump does ({@code
 * HotSpotDiagnosticMXBean.dumpThreads}, JSON, with {@code jdk.trackAllThreads} on, its default);
 * a few milliseconds per dump. The JDK's own virtual threads (the I/O pollers) are left out.
 *
 * <p>Two uses: the deadlock detector's last check (one such thread that is not parked in a Runnel
 * wait without a timeout could still wake a goroutine, so it vetoes the report), and the wide mode
 * of a leak check, which reports such threads created after its mark.
 */
final class VirtualThreadCensus {

  private static final Pattern THREAD = Pattern.compile("\"tid\"\\s*:\\s*\"?(\\d+)\"?");
  private static final Pattern FRAME = Pattern.compile("\"([^\"]*\\([^\"]*\\))\"");
  private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
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
    for (Entry e : virtualThreads(jdkThreadDump())) {
      if (!known.contains(e.tid())
          && !(e.text().contains(IN_RUNNEL_WAIT) && e.text().contains(UNTIMED_PARK))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The live virtual threads created after the thread with id {@code threadId}, other than
   * goroutines (named {@code goroutine-N}; the registry describes them better), as dump entries:
   * id -1, the JDK's name or {@code virtual thread #<tid>}, a state read off the stack, and the
   * stack trimmed as for goroutines. Empty if the JDK's dump cannot be taken.
   */
  static List<GoroutineInfo> createdAfter(long threadId) {
    List<GoroutineInfo> found = new ArrayList<>();
    for (Entry e : virtualThreads(jdkThreadDump())) {
      if (e.tid() > threadId) {
        GoroutineInfo info = e.describe();
        if (Goroutines.idOf(info.name()) < 0) {
          found.add(info);
        }
      }
    }
    return found;
  }

  /** One thread of the JDK's dump: its id and the JSON text of its entry. */
  private record Entry(long tid, String text) {

    GoroutineInfo describe() {
      Matcher name = NAME.matcher(text);
      String n = name.find() && !name.group(1).isEmpty() ? name.group(1) : "";
      List<StackTraceElement> stack = stack();
      boolean parked = !stack.isEmpty() && stack.get(0).getMethodName().startsWith("park");
      String state = parked ? "waiting" : "running";
      for (StackTraceElement f : stack) {
        if (f.getClassName().equals("java.lang.Thread") && f.getMethodName().equals("sleep")) {
          state = "sleep";
        }
      }
      return new GoroutineInfo(
          -1,
          n.isEmpty() ? "virtual thread #" + tid : n,
          state,
          Duration.ZERO,
          null,
          "",
          List.of(),
          ThreadInspector.trim(stack.toArray(StackTraceElement[]::new), parked));
    }

    /** The frames, innermost first; {@code module/class.method(File.java:12)} each. */
    private List<StackTraceElement> stack() {
      List<StackTraceElement> frames = new ArrayList<>();
      int at = text.indexOf("\"stack\"");
      if (at < 0) {
        return frames;
      }
      Matcher m = FRAME.matcher(text).region(at, text.length());
      while (m.find()) {
        String f = m.group(1).replace("\\/", "/");
        int open = f.indexOf('(');
        String qualified = f.substring(0, open);
        int slash; // class loader and module prefixes; a hidden class's name has a slash too
        while ((slash = qualified.indexOf('/')) > 0
            && !qualified.substring(0, slash).contains("$$")) {
          qualified = qualified.substring(slash + 1);
        }
        int dot = qualified.lastIndexOf('.');
        String where = f.substring(open + 1, f.length() - 1);
        int colon = where.lastIndexOf(':');
        int line = -1;
        String file = where;
        if (colon > 0) {
          file = where.substring(0, colon);
          line = Integer.parseInt(where.substring(colon + 1));
        } else if (where.equals("Native Method")) {
          file = null;
          line = -2;
        }
        frames.add(
            new StackTraceElement(
                qualified.substring(0, Math.max(dot, 0)), qualified.substring(dot + 1), file, line));
      }
      return frames;
    }
  }

  /** The virtual threads of a JSON dump, other than the JDK's own; none for a null dump. */
  private static List<Entry> virtualThreads(String dump) {
    List<Entry> entries = new ArrayList<>();
    if (dump == null) {
      return entries;
    }
    Matcher m = THREAD.matcher(dump);
    int start = -1;
    long tid = -1;
    while (true) {
      boolean found = m.find();
      if (start >= 0) {
        String entry = dump.substring(start, found ? m.start() : dump.length());
        if (isVirtual(entry) && !isJdkMachinery(entry)) {
          entries.add(new Entry(tid, entry));
        }
      }
      if (!found) {
        return entries;
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
