package dev.runnel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.context.Context;
import dev.runnel.context.DeadlineExceededException;
import dev.runnel.time.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An app's life in-process: order, failures, stop(), hooks and the shares of the shutdown time. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AppTest {

  private final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();

  private static App app() {
    return new App().handleSignals(false);
  }

  /** A service that records its start and stop. */
  private Service recorded(String name) {
    return Service.of(name, ctx -> events.add("start " + name), ctx -> events.add("stop " + name));
  }

  /** Runs {@code app} in a goroutine; its exit arrives on the channel. */
  private static Channel<Exit> runInBackground(App app) {
    Channel<Exit> exit = Channel.make(1);
    Go.go(() -> exit.send(app.run()));
    return exit;
  }

  /** A service that says when it has started. */
  private static Service signalling(Channel<String> started, String name) {
    return Service.of(name, ctx -> started.send(name), ctx -> {});
  }

  @Test
  void startsInOrderStopsInReverseAndRunsTheHooksAroundThem() throws Exception {
    Channel<String> started = Channel.make(1);
    Map<String, Context> contexts = new ConcurrentHashMap<>();
    App app =
        app()
            .beforeStart(ctx -> events.add("before"))
            .service(recorded("a"))
            .service(
                Service.of(
                    "b",
                    ctx -> {
                      contexts.put("b", ctx);
                      events.add("start b");
                    },
                    ctx -> {
                      // b's own context has ended; a's work goes on until its turn
                      events.add("stop b, own done " + (contexts.get("b").err() != null));
                      events.add("stop b, a done " + (contexts.get("a").err() != null));
                    }))
            .service(
                Service.of(
                    "a'",
                    ctx -> contexts.put("a", ctx),
                    ctx -> events.add("stop a'")))
            .service(recorded("c"))
            .service(signalling(started, "last"))
            .afterStop(ctx -> events.add("after"));
    Channel<Exit> exit = runInBackground(app);
    assertThat(started.receive()).isEqualTo("last");
    assertThat(events).containsExactly("before", "start a", "start b", "start c");
    app.stop();
    Exit e = exit.receive();
    assertThat(events)
        .containsExactly(
            "before",
            "start a",
            "start b",
            "start c",
            "stop c",
            "stop a'",
            "stop b, own done true",
            "stop b, a done true",
            "stop a",
            "after");
    assertThat(e.reason()).isEqualTo(Exit.Reason.STOPPED);
    assertThat(e.failures()).isEmpty();
    assertThat(e.status()).isZero();
  }

  @Test
  void aServiceKeepsItsContextUntilItsOwnTurnToStop() throws Exception {
    Channel<String> started = Channel.make(1);
    Map<String, Context> contexts = new ConcurrentHashMap<>();
    App app =
        app()
            .service(Service.of("first", ctx -> contexts.put("first", ctx), ctx -> {}))
            .service(
                Service.of(
                    "second",
                    ctx -> started.send("second"),
                    ctx -> events.add("first live " + (contexts.get("first").err() == null))));
    Channel<Exit> exit = runInBackground(app);
    started.receive();
    app.stop();
    exit.receive();
    assertThat(events).containsExactly("first live true");
    assertThat(contexts.get("first").err()).isNotNull();
  }

  @Test
  void aStartFailureStopsTheStartedServicesInReverseAndIsReported() {
    IOException boom = new IOException("port in use");
    App app =
        app()
            .service(recorded("a"))
            .service(recorded("b"))
            .service(
                Service.of(
                    "c",
                    ctx -> {
                      events.add("start c");
                      throw boom;
                    },
                    ctx -> events.add("stop c")))
            .service(recorded("d"))
            .afterStop(ctx -> events.add("after"));
    Exit e = app.run();
    assertThat(events).containsExactly("start a", "start b", "start c", "stop b", "stop a", "after");
    assertThat(e.reason()).isEqualTo(Exit.Reason.FAILED);
    assertThat(e.status()).isEqualTo(1);
    assertThat(e.failures()).hasSize(1);
    assertThat(e.failure()).hasMessage("lifecycle: service c failed to start").hasCause(boom);
  }

  @Test
  void aRunningServiceThatFailsStopsTheOthersAndTheRunReportsIt() throws Exception {
    Channel<String> started = Channel.make(1);
    Channel<String> go = Channel.make();
    IllegalStateException boom = new IllegalStateException("consumer lost its broker");
    App app =
        app()
            .service(
                Service.running(
                    "ticker",
                    ctx -> {
                      ctx.done().receive();
                      events.add("ticker saw its context end");
                    }))
            .service(
                Service.running(
                    "consumer",
                    ctx -> {
                      go.receive();
                      throw boom;
                    }))
            .service(recorded("http"))
            .service(signalling(started, "last"));
    Channel<Exit> exit = runInBackground(app);
    started.receive(); // everything has started
    go.send("fail now");
    Exit e = exit.receive();
    assertThat(events).containsExactly("start http", "stop http", "ticker saw its context end");
    assertThat(e.reason()).isEqualTo(Exit.Reason.FAILED);
    assertThat(e.status()).isEqualTo(1);
    assertThat(e.failures()).hasSize(1); // reported once, not again by its stop
    assertThat(e.failure()).hasMessage("lifecycle: service consumer failed").hasCause(boom);
  }

  @Test
  void aRunningServiceThatReturnsOnItsOwnEndsTheRunCleanly() {
    App app =
        app()
            .service(recorded("a"))
            .service(Service.running("batch", ctx -> events.add("batch done")));
    Exit e = app.run();
    assertThat(events).containsExactly("start a", "batch done", "stop a");
    assertThat(e.reason()).isEqualTo(Exit.Reason.STOPPED);
    assertThat(e.status()).isZero();
  }

  @Test
  void aRunningServiceEndingWithAnErrorAfterItsStopIsReportedByTheStop() throws Exception {
    Channel<String> started = Channel.make(1);
    IOException flushFailed = new IOException("flush failed");
    App app =
        app()
            .service(
                Service.running(
                    "reporter",
                    ctx -> {
                      ctx.done().receive();
                      throw flushFailed;
                    }))
            .service(signalling(started, "last"));
    Channel<Exit> exit = runInBackground(app);
    started.receive();
    app.stop();
    Exit e = exit.receive();
    assertThat(e.reason()).isEqualTo(Exit.Reason.STOPPED);
    assertThat(e.status()).isEqualTo(1);
    assertThat(e.failure()).hasMessage("lifecycle: service reporter failed to stop");
    assertThat(e.failure()).hasCause(flushFailed);
  }

  @Test
  void aStopFailureIsReportedAndTheOthersStillStop() throws Exception {
    Channel<String> started = Channel.make(1);
    IOException boom = new IOException("close failed");
    App app =
        app()
            .service(recorded("a"))
            .service(
                Service.of(
                    "b",
                    ctx -> {},
                    ctx -> {
                      throw boom;
                    }))
            .service(signalling(started, "last"));
    Channel<Exit> exit = runInBackground(app);
    started.receive();
    app.stop();
    Exit e = exit.receive();
    assertThat(events).containsExactly("start a", "stop a");
    assertThat(e.reason()).isEqualTo(Exit.Reason.STOPPED);
    assertThat(e.status()).isEqualTo(1);
    assertThat(e.failure()).hasMessage("lifecycle: service b failed to stop").hasCause(boom);
  }

  @Test
  void stopBeforeRunStartsNothingButRunsTheAfterStopHooks() {
    App app = app().beforeStart(ctx -> events.add("before")).service(recorded("a"));
    app.afterStop(ctx -> events.add("after"));
    app.stop();
    app.stop(); // a second stop changes nothing
    Exit e = app.run();
    assertThat(events).containsExactly("after");
    assertThat(e.reason()).isEqualTo(Exit.Reason.STOPPED);
  }

  @Test
  void aFailingBeforeStartHookStartsNoServiceButTheAfterStopHooksRun() {
    IllegalStateException boom = new IllegalStateException("no config");
    App app =
        app()
            .beforeStart(
                ctx -> {
                  throw boom;
                })
            .service(recorded("a"))
            .afterStop(ctx -> events.add("after 1"))
            .afterStop(ctx -> events.add("after 2"));
    Exit e = app.run();
    assertThat(events).containsExactly("after 1", "after 2");
    assertThat(e.reason()).isEqualTo(Exit.Reason.FAILED);
    assertThat(e.failure()).hasMessage("lifecycle: a before-start hook failed").hasCause(boom);
  }

  @Test
  void aShutdownDuringAStartEndsThatStartsContextAndIsNoFailure() throws Exception {
    Channel<String> starting = Channel.make(1);
    App app =
        app()
            .service(recorded("a"))
            .service(
                Service.of(
                    "slow",
                    ctx -> {
                      starting.send("slow");
                      ctx.done().receive(); // waits for something that never comes
                      throw ctx.err();
                    },
                    ctx -> events.add("stop slow")))
            .service(recorded("never"));
    Channel<Exit> exit = runInBackground(app);
    starting.receive();
    app.stop();
    Exit e = exit.receive();
    assertThat(events).containsExactly("start a", "stop a"); // slow did not start: not stopped
    assertThat(e.reason()).isEqualTo(Exit.Reason.STOPPED);
    assertThat(e.failures()).isEmpty();
  }

  @Test
  void anInterruptOfTheRunningThreadStopsTheAppAndStaysSet() throws Exception {
    Channel<String> started = Channel.make(1);
    Channel<Thread> runner = Channel.make(1);
    Channel<Boolean> flagAfterRun = Channel.make(1);
    App app = app().service(recorded("a")).service(signalling(started, "last"));
    Channel<Exit> exit = Channel.make(1);
    Go.go(
        () -> {
          runner.send(Thread.currentThread());
          Exit e = app.run();
          flagAfterRun.send(Thread.interrupted());
          exit.send(e);
        });
    Thread t = runner.receive();
    started.receive();
    t.interrupt();
    Exit e = exit.receive();
    assertThat(flagAfterRun.receive()).isTrue();
    assertThat(events).containsExactly("start a", "stop a");
    assertThat(e.reason()).isEqualTo(Exit.Reason.STOPPED);
  }

  // ---------------------------------------------------------------- shares of the shutdown time

  @Test
  void eachStopGetsTheTimeLeftDividedByTheStopsLeftSoAFastStopPassesItsTimeOn() throws Exception {
    ManualClock clock = new ManualClock();
    Instant t0 = clock.now();
    Map<String, Instant> deadlines = new ConcurrentHashMap<>();
    Channel<String> started = Channel.make(1);
    Channel<String> bStopping = Channel.make(1);
    Channel<String> bMayReturn = Channel.make(1);
    App app =
        app()
            .clock(clock)
            .shutdownTimeout(Duration.ofSeconds(30))
            .service(Service.of("a", ctx -> {}, ctx -> deadlines.put("a", ctx.deadline().get())))
            .service(
                Service.of(
                    "b",
                    ctx -> {},
                    ctx -> {
                      deadlines.put("b", ctx.deadline().get());
                      bStopping.send("b");
                      bMayReturn.receive(); // the test moves the clock 5 s meanwhile
                    }))
            .service(Service.of("c", ctx -> {}, ctx -> deadlines.put("c", ctx.deadline().get())))
            .service(signalling(started, "last"));
    Channel<Exit> exit = runInBackground(app);
    started.receive();
    app.stop();
    bStopping.receive();
    clock.advance(Duration.ofSeconds(5));
    bMayReturn.send("go");
    Exit e = exit.receive();
    assertThat(e.failures()).isEmpty();
    // four stops share 30 s: last and c return at once, so b gets 30 / 2 and a what b left
    assertThat(deadlines.get("c")).isEqualTo(t0.plusMillis(30_000 / 3));
    assertThat(deadlines.get("b")).isEqualTo(t0.plusSeconds(15));
    assertThat(deadlines.get("a")).isEqualTo(t0.plusSeconds(30));
  }

  @Test
  void aStopThatOverrunsItsShareIsReportedAndTheNextServiceStillStops() throws Exception {
    ManualClock clock = new ManualClock();
    Channel<String> started = Channel.make(1);
    Channel<String> stuckStopping = Channel.make(1);
    Channel<String> release = Channel.make(1);
    Channel<String> stuckReturned = Channel.make(1);
    App app =
        app()
            .clock(clock)
            .shutdownTimeout(Duration.ofSeconds(20))
            .service(recorded("a"))
            .service(
                Service.of(
                    "stuck",
                    ctx -> started.send("stuck"),
                    ctx -> {
                      stuckStopping.send("stuck");
                      release.receive(); // ignores its deadline
                      stuckReturned.send("returned");
                    }))
            .afterStop(ctx -> events.add("after, deadline " + ctx.deadline().get()));
    Channel<Exit> exit = runInBackground(app);
    started.receive();
    Instant t0 = clock.now();
    app.stop();
    stuckStopping.receive();
    clock.advance(Duration.ofSeconds(7)); // past stuck's share: 20 s over three steps, 6.67 s
    Exit e = exit.receive();
    assertThat(e.status()).isEqualTo(1);
    assertThat(e.failure())
        .hasMessageStartingWith("lifecycle: service stuck did not stop within PT6.666666666S")
        .hasCauseInstanceOf(DeadlineExceededException.class);
    assertThat(events).containsExactly("start a", "stop a", "after, deadline " + t0.plusSeconds(20));
    release.send("go"); // the abandoned stop ends, so no goroutine is left
    assertThat(stuckReturned.receive()).isEqualTo("returned");
  }

  // ---------------------------------------------------------------- misuse and the exit record

  @Test
  void anAppRunsOnceAndIsConfiguredBeforeItRuns() {
    App app = app();
    app.stop();
    app.run();
    assertThatThrownBy(app::run)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("lifecycle: the app has already been run");
    assertThatThrownBy(() -> app.service(recorded("late")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> app.afterStop(ctx -> {})).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void badArgumentsAreRefusedWithAMessage() {
    assertThatThrownBy(() -> app().service(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> app().shutdownTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lifecycle: negative shutdown timeout: PT-1S");
    assertThatThrownBy(() -> Service.of("x", null, ctx -> {}))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("start");
    assertThatThrownBy(() -> Service.running(null, ctx -> {}))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name");
  }

  @Test
  void aRunningServiceStartsOnce() throws Exception {
    Service s = Service.running("loop", ctx -> ctx.done().receive());
    Context ctx = Context.background();
    s.start(ctx);
    try {
      assertThatThrownBy(() -> s.start(ctx))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("lifecycle: service loop started twice");
    } finally {
      s.stop(ctx); // ends the body: no goroutine is left
    }
    assertThat(s.name()).isEqualTo("loop");
  }

  @Test
  void theExitStatusFollowsTheShellsConventions() {
    ExecutionException f = new ExecutionException("lifecycle: x", new IOException());
    assertThat(new Exit(Exit.Reason.STOPPED, null, List.of()).status()).isZero();
    assertThat(new Exit(Exit.Reason.SHUTDOWN, null, List.of()).status()).isZero();
    assertThat(new Exit(Exit.Reason.SIGNAL, "INT", List.of()).status()).isEqualTo(130);
    assertThat(new Exit(Exit.Reason.SIGNAL, "TERM", List.of()).status()).isEqualTo(143);
    assertThat(new Exit(Exit.Reason.SIGNAL, "TERM", List.of(f)).status()).isEqualTo(1);
    assertThat(new Exit(Exit.Reason.FAILED, null, List.of(f)).status()).isEqualTo(1);
    assertThat(new Exit(Exit.Reason.FAILED, null, List.of(f)).failure()).isSameAs(f);
    assertThatThrownBy(() -> new Exit(Exit.Reason.FAILED, null, new ArrayList<>()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lifecycle: reason FAILED without a failure");
    assertThatThrownBy(() -> new Exit(Exit.Reason.SIGNAL, "HUP", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lifecycle: not a signal the app handles: HUP");
    assertThatThrownBy(() -> new Exit(Exit.Reason.STOPPED, "INT", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
