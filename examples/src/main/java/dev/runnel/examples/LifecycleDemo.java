package dev.runnel.examples;

import dev.runnel.Channel;
import dev.runnel.Received;
import dev.runnel.Select;
import dev.runnel.lifecycle.App;
import dev.runnel.lifecycle.Exit;
import dev.runnel.lifecycle.Service;
import dev.runnel.time.Ticker;
import dev.runnel.time.Time;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An application that owns its services ({@link App}): a ticker produces events into a channel
 * and a consumer handles them. The consumer starts first, so it stops last: on shutdown the ticker
 * stops and closes the channel, and the consumer drains it, so no event is lost.
 *
 * <p>With no argument the consumer asks the app to stop after three events, and the program prints
 * how the run ended. With {@code --until-signal} it runs until SIGINT or SIGTERM and exits with
 * the app's status (130 or 143); a second signal during the shutdown exits at once.
 */
public final class LifecycleDemo {

  private LifecycleDemo() {}

  public static void main(String[] args) {
    boolean untilSignal = args.length > 0 && args[0].equals("--until-signal");
    Channel<String> events = Channel.make(64);
    AtomicInteger produced = new AtomicInteger();
    App app = new App().shutdownTimeout(Duration.ofSeconds(10));
    app.service(
            Service.running(
                "consumer",
                ctx -> {
                  int handled = 0;
                  for (String event : events) { // ends when the ticker closes the channel
                    handled++;
                    if (handled == 3 && !untilSignal) {
                      System.out.println("consumer: 3 events handled, asking the app to stop");
                      app.stop();
                    }
                  }
                  System.out.println(
                      "consumer: channel drained, every event handled: "
                          + (handled == produced.get()));
                }))
        .service(
            Service.running(
                "ticker",
                ctx -> {
                  Ticker ticker = Time.newTicker(Duration.ofMillis(20));
                  System.out.println("ticker: started");
                  try {
                    boolean[] running = {true};
                    Select tick =
                        Select.select()
                            .onReceive(
                                ticker.c(),
                                t -> {
                                  if (events.trySend("tick " + produced.get())) {
                                    produced.incrementAndGet();
                                  }
                                })
                            .onReceiveOk(ctx.done(), (Received<?> r) -> running[0] = false);
                    while (running[0]) {
                      tick.run();
                    }
                  } finally {
                    ticker.stop();
                    System.out.println("ticker: stopped, closing the channel");
                    events.close();
                  }
                }))
        .afterStop(ctx -> System.out.println("after stop: flushed"));
    if (untilSignal) {
      app.runAndExit();
    }
    Exit exit = app.run();
    System.out.println("exit: " + exit.reason() + ", status " + exit.status());
  }
}
