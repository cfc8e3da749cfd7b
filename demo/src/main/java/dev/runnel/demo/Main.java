package dev.runnel.demo;

import dev.runnel.Go;
import dev.runnel.lifecycle.Exit;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;

/**
 * {@code ./run demo [--seconds N] [--serve] [--dir PATH]}: runs the service on localhost, drives it
 * with the built-in load for N seconds (20 by default), shuts it down in order and prints the
 * summary. With {@code --serve} the server keeps serving after the load until Ctrl-C. Ctrl-C at
 * any time shuts down in order too. The exit status is 0 when nothing was lost, 1 otherwise (or
 * when a part failed), 130 after Ctrl-C, 2 for bad arguments.
 */
public final class Main {

  private Main() {}

  /**
   * Runs the demo.
   *
   * @param args the flags above
   * @throws Exception if the demo could not start or stop
   */
  public static void main(String[] args) throws Exception {
    DemoConfig config;
    try {
      config = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println("usage: ./run demo [--seconds N] [--serve] [--dir PATH]");
      System.exit(2);
      return;
    }
    PrintStream out = System.out;
    Demo demo = new Demo(config, out, isTerminal());
    if (config.serve()) {
      Go.go(() -> hint(demo, out));
    }
    Exit exit = demo.run(true, ctx -> {
      out.printf("Runnel demo: serving on %s (POST /v1/payloads, GET /metrics); files in %s%n",
          demo.uri(), demo.dataDir());
      out.printf("Load: 4 shops, 1 greedy and 1 sloppy client for %d s; storage fails %.0f%% of"
          + " writes and has a %d ms outage every %d s.%n",
          config.load().toSeconds(), config.failureRate() * 100,
          config.outageLength().toMillis(), config.outageEvery().toSeconds());
    });
    for (ExecutionException f : exit.failures()) {
      f.printStackTrace();
    }
    Summary summary = demo.summary();
    summary.print(out);
    if (demo.deleteTemporaryData()) {
      out.println("(the temporary directory is deleted; --dir PATH keeps the files)");
    }
    if (exit.reason() != Exit.Reason.SHUTDOWN) {
      System.exit(exit.status() != 0 ? exit.status() : summary.clean() ? 0 : 1);
    }
  }

  /** Once the load is over and the server goes on: how to talk to it. */
  private static void hint(Demo demo, PrintStream out) throws InterruptedException {
    demo.serving().receiveOk();
    out.printf("%nLoad done; serving on %s until Ctrl-C. Try:%n"
        + "  curl -si -H 'X-Client-Id: me' -d '{\"payloads\":[{\"id\":\"1\",\"data\":\"hi\"}]}'"
        + " %s/v1/payloads%n  curl -s %s/metrics | grep runnel_%n",
        demo.uri(), demo.uri(), demo.uri());
  }

  /** The configuration the flags ask for; IllegalArgumentException says which flag is wrong. */
  static DemoConfig parse(String[] args) {
    DemoConfig config = DemoConfig.defaults();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--serve" -> config = config.withServe(true);
        case "--seconds" -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("demo: --seconds needs a number");
          }
          long n;
          try {
            n = Long.parseLong(args[++i]);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("demo: --seconds needs a number: " + args[i]);
          }
          if (n < 0 || n > 86_400) {
            throw new IllegalArgumentException("demo: --seconds must be in [0, 86400]: " + n);
          }
          config = config.withLoad(Duration.ofSeconds(n));
        }
        case "--dir" -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("demo: --dir needs a path");
          }
          config = config.withStorage(Path.of(args[++i]), config.storage());
        }
        default -> throw new IllegalArgumentException("demo: unknown argument: " + args[i]);
      }
    }
    return config;
  }

  /** Whether standard output is a terminal ({@code Console.isTerminal} where the JDK has it). */
  private static boolean isTerminal() {
    var console = System.console();
    if (console == null) {
      return false;
    }
    try {
      Method m = console.getClass().getMethod("isTerminal");
      return (Boolean) m.invoke(console);
    } catch (ReflectiveOperationException | RuntimeException olderJdk) {
      return true; // before JDK 22 a console exists only for a terminal
    }
  }
}
