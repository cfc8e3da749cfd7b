package dev.runnel.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;

/** Heap measurements shared by the footprint programs, {@link BlockedGoroutines} and {@link
 * TimerMemory}. */
final class HeapProbe {

  private HeapProbe() {}

  /** The heap in use after full GCs: the least of a few readings, each after System.gc(). */
  static long heapUsedAfterGc() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** The live-object class histogram (forces a full GC): class name to {instances, bytes}. */
  static Map<String, long[]> histogram() throws Exception {
    String text =
        (String)
            ManagementFactory.getPlatformMBeanServer()
                .invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram",
                    new Object[] {new String[0]},
                    new String[] {String[].class.getName()});
    Map<String, long[]> classes = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":")) { // "  1:  instances  bytes  class (module)"
        classes.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
      }
    }
    return classes;
  }

  /**
   * The classes with at least {@code n/2} new instances between two histograms, per {@code unit}
   * (one of the {@code n} things measured), largest first, with their total.
   */
  static String breakdown(
      String name, Map<String, long[]> before, Map<String, long[]> after, int n, String unit) {
    StringBuilder sb = new StringBuilder(name).append(":\n");
    long total = 0;
    List<Map.Entry<String, long[]>> rows = new ArrayList<>();
    for (var e : after.entrySet()) {
      long[] b = before.getOrDefault(e.getKey(), new long[2]);
      long[] d = {e.getValue()[0] - b[0], e.getValue()[1] - b[1]};
      if (d[0] >= n / 2) {
        rows.add(Map.entry(e.getKey(), d));
      }
    }
    rows.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
    for (var row : rows) {
      long[] d = row.getValue();
      total += d[1];
      sb.append(
          String.format(
              "  %-50s %6.2f per " + unit + " %,8.1f B%n",
              row.getKey(), (double) d[0] / n, (double) d[1] / n));
    }
    String pad = "%" + (11 + unit.length()) + "s"; // the width of "%6.2f per <unit>"
    sb.append(
        String.format("  %-50s " + pad + " %,8.1f B%n", "total of these", "", (double) total / n));
    return sb.toString();
  }
}
