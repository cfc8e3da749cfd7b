package dev.runnel.demo;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.Select;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./run demo [--seconds N] [--serve] [--dir PATH]}: runs the service on localhost, drives it
 * with the built-in load for N seconds (20 by default), shuts it down in order and prints the
 * summary. With {@code --serve} the server keeps serving after the load until Ctrl-C. The exit
 * status is 0 when nothing was lost, 1 otherwise, 2 for bad arguments.
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
    demo.start();
    out.printf("Runnel demo: serving on %s (POST /v1/payloads, GET /metrics); files in %s%n",
        demo.uri(), demo.dataDir());
    out.printf("Load: 4 shops, 1 greedy and 1 sloppy client for %d s; storage fails %.0f%% of"
        + " writes and has a %d ms outage every %d s.%n",
        config.load().toSeconds(), config.failureRate() * 100,
        config.outageLength().toMillis(), config.outageEvery().toSeconds());

    Channel<Void> interrupted = Channel.make();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      interrupted.close();
      try {
        finished.await(30, TimeUnit.SECONDS); // the summary is printed before the JVM exits
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    Summary summary;
    try {
      if (config.serve()) {
        demo.awaitLoad();
        out.printf("%nLoad done; serving on %s until Ctrl-C. Try:%n"
            + "  curl -si -H 'X-Client-Id: me' -d '{\"payloads\":[{\"id\":\"1\",\"data\":\"hi\"}]}'"
            + " %s/v1/payloads%n  curl -s %s/metrics | grep runnel_%n",
            demo.uri(), demo.uri(), demo.uri());
        interrupted.receive();
      } else {
        awaitLoadOrSignal(demo, interrupted);
      }
      out.println("\nShutting down: load, HTTP intake, upload pool (drain), event reporter...");
      summary = demo.stop();
      summary.print(out);
    } finally {
      finished.countDown();
    }
    if (interrupted.tryReceive() == null) { // not closed: the JVM is not shutting down
      Runtime.getRuntime().removeShutdownHook(hook);
      System.exit(summary.clean() ? 0 : 1);
    }
  }

  /** Returns when the load has run its time or the JVM is asked to stop. */
  private static void awaitLoadOrSignal(Demo demo, Channel<Void> interrupted)
      throws InterruptedException {
    Channel<Void> loadDone = Channel.make();
    Go.go(() -> {
      try {
        demo.awaitLoad();
      } finally {
        loadDone.close();
      }
    });
    Select.select()
        .onReceive(loadDone, v -> { })
        .onReceive(interrupted, v -> { })
        .run();
  }

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
