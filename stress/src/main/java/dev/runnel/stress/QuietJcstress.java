package dev.runnel.stress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs jcstress as {@code mvn verify} does, and prints a summary instead of its console: jcstress
 * writes some thousand lines (its probing of the JVM, including a JVM error message for an option
 * that JDK 15+ removed, progress lines, every interesting test's full table), which go to a file.
 * A failure is never hidden: when a test fails, or jcstress itself does, this prints jcstress's
 * whole "RUN RESULTS" section (or the end of the file) and exits with status 1.
 *
 * <pre>
 * java -cp CLASSPATH dev.runnel.stress.QuietJcstress OUTPUT_FILE [jcstress options]
 * </pre>
 *
 * <p>jcstress runs in a JVM of its own, on this JVM's class path.
 */
public final class QuietJcstress {

  /** jcstress's count line: "(Results: 92 planned; 92 passed, 0 failed, ...)". */
  private static final Pattern RESULTS =
      Pattern.compile(
          "\\(Results: (\\d+) planned; (\\d+) passed, (\\d+) failed, (\\d+) soft errs,"
              + " (\\d+) hard errs\\)");

  private QuietJcstress() {}

  /**
   * Runs jcstress.
   *
   * @param args the file for jcstress's console output, then jcstress's options
   * @throws IOException if the output file cannot be written or read
   * @throws InterruptedException if interrupted while jcstress runs
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length < 1) {
      System.err.println("usage: QuietJcstress OUTPUT_FILE [jcstress options]");
      System.exit(2);
    }
    Path output = Path.of(args[0]);
    Files.createDirectories(output.toAbsolutePath().getParent());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("org.openjdk.jcstress.Main");
    command.addAll(List.of(args).subList(1, args.length));

    System.out.println("jcstress " + String.join(" ", command.subList(5, command.size())));
    System.out.println("  (its console output goes to " + output + ")");
    long start = System.nanoTime();
    Process jcstress =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    int exit = jcstress.waitFor();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
    Matcher last = null;
    for (String line : lines) {
      Matcher m = RESULTS.matcher(line);
      if (m.find()) {
        last = m;
      }
    }
    boolean allPassed =
        exit == 0
            && last != null
            && last.group(1).equals(last.group(2))
            && last.group(3).equals("0")
            && last.group(5).equals("0");
    if (allPassed) {
      System.out.printf(
          "jcstress: %s of %s test runs passed (%s soft errors) in %d s; report in %s%n",
          last.group(2), last.group(1), last.group(4), took.toSeconds(), reportDirectory(args));
      return;
    }
    System.out.println("jcstress FAILED (exit status " + exit + "); from " + output + ":");
    int from = lines.indexOf("RUN RESULTS:");
    for (String line : lines.subList(from >= 0 ? from : Math.max(0, lines.size() - 100),
        lines.size())) {
      System.out.println(line);
    }
    System.exit(1);
  }

  /** The report directory given to jcstress ({@code -r DIR}), or its default. */
  private static String reportDirectory(String[] args) {
    for (int i = 1; i < args.length - 1; i++) {
      if (args[i].equals("-r")) {
        return args[i + 1] + "/index.html";
      }
    }
    return "results/index.html";
  }
}
