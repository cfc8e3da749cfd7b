package dev.runnel.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an example's {@code main} with {@code System.out} captured, for the smoke tests. */
final class ProgramOutput {

  /** An example's entry point. */
  interface Program {
    void run() throws Exception;
  }

  private ProgramOutput() {}

  /**
   * Runs {@code program} and returns the lines it printed to {@code System.out}. The tests run
   * one at a time (the goroutine-leak check needs it), so nothing else prints meanwhile; every
   * example waits for its own goroutines before {@code main} returns.
   */
  static List<String> of(Program program) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      try {
        program.run();
      } finally {
        System.setOut(original);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  /**
   * Runs {@code main} in a JVM of its own, on this JVM's class path, and returns the lines it
   * printed; fails if it does not exit with status 0 within {@code timeoutSeconds}. For a program
   * that needs a JVM whose only platform thread is {@code main}, as a deadlock detector does.
   */
  static List<String> ofOwnJvm(Class<?> main, long timeoutSeconds) throws Exception {
    Path output = Files.createTempFile(main.getSimpleName(), ".out");
    try {
      Process java =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  main.getName())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      boolean ended = java.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      if (!ended) {
        java.destroyForcibly().waitFor();
      }
      List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
      if (!ended || java.exitValue() != 0) {
        throw new AssertionError(
            main.getSimpleName()
                + (ended ? " exited with status " + java.exitValue() : " did not end within "
                    + timeoutSeconds + " s")
                + ":\n" + String.join("\n", lines));
      }
      return lines;
    } finally {
      Files.delete(output);
    }
  }
}
