package dev.runnel.lifecycle;

import java.io.IOException;
import java.time.Duration;

/**
 * The program {@link AppSignalTest} runs in a JVM of its own: an app with a running service and a
 * start/stop service, printing each step on standard output. The argument picks the variant:
 * {@code clean} (every stop is prompt), {@code stuck} (the second service's stop never returns,
 * so only a second signal ends the process), {@code fail} (the second service fails to start),
 * {@code hook} (signals through the shutdown-hook fallback).
 */
final class SignalChild {

  private SignalChild() {}

  public static void main(String[] args) {
    String variant = args[0];
    App app = new App().shutdownTimeout(Duration.ofSeconds(60));
    if (variant.equals("hook")) {
      app.signalsByShutdownHook();
    }
    app.service(
            Service.running(
                "consumer",
                ctx -> {
                  ctx.done().receive();
                  say("stop consumer");
                }))
        .service(
            Service.of(
                "http",
                ctx -> {
                  if (variant.equals("fail")) {
                    throw new IOException("port 8080 in use");
                  }
                  say("start http");
                },
                ctx -> {
                  say("stop http");
                  if (variant.equals("stuck")) {
                    ctx.done().receive(); // then still does not return
                    say("http ignores its deadline");
                    Thread.sleep(Long.MAX_VALUE);
                  }
                }))
        .service(Service.of("ready", ctx -> say("ready"), ctx -> {}))
        .afterStop(ctx -> say("after stop"));
    app.runAndExit();
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
