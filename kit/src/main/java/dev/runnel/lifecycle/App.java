package dev.runnel.lifecycle;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.Received;
import dev.runnel.Select;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * An application that owns its services: it starts them in order, runs them as a group under one
 * root context, and stops them in reverse order when a signal, {@link #stop()} or a failure ends
 * the run; {@link #run()} returns only when every service has stopped, and says how it ended.
 *
 * <p>The life of a run:
 *
 * <ol>
 *   <li>the {@link #beforeStart} hooks run in order, with the root context;
 *   <li>the services {@link Service#start start} in the order they were added, each given a
 *       context of its own that lives until its turn to stop. If service <i>k</i> fails to start,
 *       none after it starts, and services <i>k-1</i> to 0 are stopped;
 *   <li>the app waits until the root context is cancelled, by the first of: SIGINT or SIGTERM,
 *       {@link #stop()}, an interrupt of the thread in {@code run()}, a failure, or a {@link
 *       Service#running running} service that returns;
 *   <li>the started services {@link Service#stop stop} in reverse start order, one at a time,
 *       each within its share of the shutdown time (below), then the {@link #afterStop} hooks run
 *       in order, also each within its share. They run whatever ended the run, even when a
 *       before-start hook failed;
 *   <li>{@code run()} returns the {@link Exit}: its reason, its failures, and the process
 *       {@linkplain Exit#status() exit status}.
 * </ol>
 *
 * <p><b>The shutdown time and each one's share.</b> The shutdown has one deadline, {@link
 * #shutdownTimeout} (15 s by default, {@code fx}'s default, well inside Kubernetes' 30 s grace
 * period) after it begins. Each stop and after-stop hook in turn gets the time left until that
 * deadline divided by the number of stops and hooks left, itself included: with 30 s and three
 * services, the first gets 10 s; if it takes 1 s, the second gets 14.5 s, so a fast stop leaves
 * its time to those after it. The share is the deadline of the context the stop gets. A stop
 * still running at the end of its share is reported as a failure ({@code did not stop within})
 * and left running: the app goes on, so one stuck service does not keep the others from stopping.
 * Once the deadline has passed, the remaining stops are still called, with a context that is
 * already done.
 *
 * <p><b>Signals.</b> While {@code run()} runs, the app handles SIGINT and SIGTERM (unless {@link
 * #handleSignals handleSignals(false)}): the first cancels the root context and starts the
 * shutdown; a signal after the shutdown began, for whatever reason, exits the process at once
 * with {@code Runtime.halt(128 + signal number)}, the status a shell reports for a process killed
 * by it, as a Go program gets when a second signal finds the default action restored. When {@code
 * run()} returns, the previous handlers are back. The app takes the signals from the JVM with
 * {@code sun.misc.Signal}; where the JVM refuses ({@code -Xrs}), a shutdown hook holds the JVM's
 * shutdown until the services have stopped, the reason is {@link Exit.Reason#SHUTDOWN}, and a
 * second signal is ignored by the JVM. A process started with a signal ignored (a shell's
 * background job ignores SIGINT, {@code nohup} SIGHUP) keeps ignoring it, as the JVM does; Go's
 * {@code signal.Notify} would take it back.
 *
 * <p><b>No goroutine outlives the run.</b> The app's own goroutines (one per stop and hook being
 * waited for, one per running service) have ended when {@code run()} returns, unless a stop did
 * not return in its share. A service that ties its work to the context {@code start} gives it,
 * and stops within its share, leaves nothing behind either.
 *
 * <p>Configure the app from one thread before {@code run()}; a configuring call after it began
 * throws {@link IllegalStateException}, and so does a second {@code run()}. {@link #stop()} may be
 * called from any thread at any time.
 *
 * <p>Memory consistency effects: actions before adding a service or hook happen-before it runs;
 * the actions of each start, stop and hook happen-before the next one begins; actions before
 * {@link #stop()} happen-before the stops it causes; the actions of every stop and hook that
 * returned in time happen-before {@code run()} returns.
 *
 * <p>Go: {@code signal.NotifyContext} with an {@code errgroup} (a failure cancels the group), the
 * shape {@code go-kratos}' {@code App}, {@code oklog/run}'s {@code Group} and {@code fx}'s {@code
 * App.Run} give it; stops in reverse order as {@code fx}'s {@code OnStop} hooks run. Java: the
 * role of Spring's {@code SmartLifecycle} phases and of a JVM shutdown hook, without giving up a
 * second signal.
 *
 * {@snippet :
 * public static void main(String[] args) {
 *   new App()
 *       .service(Service.running("consumer", ctx -> consumer.run(ctx)))
 *       .service(Service.of("http", ctx -> server.start(), ctx -> server.shutdown(ctx)))
 *       .afterStop(ctx -> log.flush())
 *       .runAndExit(); // exit status 0, 1, 130 or 143
 * }
 * }
 */
public final class App {

  /** The context key under which a service's context carries {@link #serviceEnded}. */
  static final Object ENDED_KEY =
      new Object() {
        @Override
        public String toString() {
          return "lifecycle.ended";
        }
      };

  private static final int NEW = 0;
  private static final int RUNNING = 1;
  private static final int DONE = 2;

  private final List<Service> services = new ArrayList<>();
  private final List<Hook> beforeStart = new ArrayList<>();
  private final List<Hook> afterStop = new ArrayList<>();
  private Duration shutdownTimeout = Duration.ofSeconds(15);
  private Clock clock = Clock.system();
  private boolean handleSignals = true;
  private boolean signalsByShutdownHook;

  private final AtomicInteger state = new AtomicInteger(NEW);
  /** Cancelled when the shutdown begins; the parent of everything the run starts. */
  private final CancelContext root = Context.withCancel(Context.background());
  /** What began the shutdown: the first trigger wins. */
  private final AtomicReference<Trigger> trigger = new AtomicReference<>();
  private final ConcurrentLinkedQueue<ExecutionException> failures = new ConcurrentLinkedQueue<>();
  /** The context of the service being started, which a trigger cancels; null between starts. */
  private volatile CancelContext starting;
  /** Closed when run has finished: the shutdown hook waits for it. */
  private final Channel<Object> finished = Channel.make();

  private record Trigger(Exit.Reason reason, String signal) {}

  /** Creates an app with no services, a 15 s shutdown timeout, the system clock and signals. */
  public App() {}

  // ---------------------------------------------------------------- configuration

  /**
   * Adds a service; services start in the order they are added and stop in reverse.
   *
   * @param service the service
   * @return this app
   * @throws IllegalStateException if the app has been run
   */
  public App service(Service service) {
    Objects.requireNonNull(service, "service");
    checkNew();
    services.add(service);
    return this;
  }

  /**
   * Adds a hook that runs before any service starts, after the hooks added before it. If it
   * fails, no service starts and the run ends with {@link Exit.Reason#FAILED}.
   *
   * @param hook the hook, given the root context
   * @return this app
   * @throws IllegalStateException if the app has been run
   */
  public App beforeStart(Hook hook) {
    Objects.requireNonNull(hook, "hook");
    checkNew();
    beforeStart.add(hook);
    return this;
  }

  /**
   * Adds a hook that runs after every service has stopped, after the hooks added before it, with
   * its share of the shutdown time; it runs however the run ended.
   *
   * @param hook the hook, given a context done at the end of its share
   * @return this app
   * @throws IllegalStateException if the app has been run
   */
  public App afterStop(Hook hook) {
    Objects.requireNonNull(hook, "hook");
    checkNew();
    afterStop.add(hook);
    return this;
  }

  /**
   * Sets how long the whole shutdown (every stop and after-stop hook) may take.
   *
   * @param timeout the time from the shutdown's start to its deadline; 15 s by default
   * @return this app
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws IllegalStateException if the app has been run
   */
  public App shutdownTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("lifecycle: negative shutdown timeout: " + timeout);
    }
    checkNew();
    shutdownTimeout = timeout;
    return this;
  }

  /**
   * Sets the clock that times the shutdown and the contexts the app gives out, so tests can use
   * a {@link dev.runnel.time.ManualClock}.
   *
   * @param clock the clock; the system clock by default
   * @return this app
   * @throws IllegalStateException if the app has been run
   */
  public App clock(Clock clock) {
    Objects.requireNonNull(clock, "clock");
    checkNew();
    this.clock = clock;
    return this;
  }

  /**
   * Sets whether the run handles SIGINT and SIGTERM (the class comment says how).
   *
   * @param on true by default; false for an app embedded in a program that handles them itself
   * @return this app
   * @throws IllegalStateException if the app has been run
   */
  public App handleSignals(boolean on) {
    checkNew();
    handleSignals = on;
    return this;
  }

  /** Takes signals through a shutdown hook even where they could be handled: for tests. */
  App signalsByShutdownHook() {
    checkNew();
    signalsByShutdownHook = true;
    return this;
  }

  private void checkNew() {
    if (state.get() != NEW) {
      throw new IllegalStateException("lifecycle: the app has already been run");
    }
  }

  // ---------------------------------------------------------------- running

  /**
   * Asks the app to shut down, as a signal would, and returns at once: {@link #run()} stops the
   * services and returns. Before the run, the run then starts no service; after the shutdown
   * began, it does nothing.
   */
  public void stop() {
    fire(Exit.Reason.STOPPED, null);
  }

  /**
   * Runs the app: starts the services, waits for the shutdown to begin, stops them, and returns
   * how it ended. Can be called once.
   *
   * @return how the run ended
   * @throws IllegalStateException if the app has already been run
   */
  public Exit run() {
    if (!state.compareAndSet(NEW, RUNNING)) {
      throw new IllegalStateException("lifecycle: the app has already been run");
    }
    boolean interrupted = false;
    Signals signals = null;
    try {
      if (handleSignals) {
        signals = Signals.install(this::onSignal, finished, signalsByShutdownHook);
      }
      Context base = Context.withClock(root, clock);
      List<Started> started = new ArrayList<>();
      startAll(base, started);
      while (root.err() == null) {
        try {
          root.done().receive();
        } catch (InterruptedException e) {
          interrupted = true;
          stop();
        }
      }
      interrupted |= stopAll(started);
      Trigger t = trigger.get();
      return new Exit(t.reason(), t.signal(), new ArrayList<>(failures));
    } finally {
      if (signals != null) {
        signals.restore();
      }
      state.set(DONE);
      finished.close();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Runs the app and exits the process with its {@linkplain Exit#status() status}, after printing
   * its failures to standard error: the whole of a {@code main} method. Where the JVM itself is
   * shutting down ({@link Exit.Reason#SHUTDOWN}), returns instead, since {@code System.exit}
   * would then block forever; the JVM exits with its own status.
   *
   * @throws IllegalStateException if the app has already been run
   */
  public void runAndExit() {
    Exit exit = run();
    for (ExecutionException f : exit.failures()) {
      f.printStackTrace(); // its message names the service and the phase
    }
    if (exit.reason() != Exit.Reason.SHUTDOWN) {
      System.exit(exit.status());
    }
  }

  private record Started(Service service, CancelContext ctx) {}

  private void startAll(Context base, List<Started> started) {
    for (Hook h : beforeStart) {
      if (root.err() != null) {
        return;
      }
      try {
        h.run(base);
      } catch (Throwable t) {
        if (!(t instanceof CancellationException && root.err() != null)) {
          fail(new ExecutionException("lifecycle: a before-start hook failed", t));
        }
        return;
      }
    }
    BiConsumer<String, Throwable> ended = this::serviceEnded;
    for (Service s : services) {
      CancelContext own = Context.withCancel(Context.withoutCancel(base));
      starting = own;
      if (root.err() != null) { // pairs with fire: it cancels root, then reads starting
        starting = null;
        own.cancel();
        return;
      }
      try {
        s.start(Context.withValue(own, ENDED_KEY, ended));
      } catch (Throwable t) {
        own.cancel();
        if (!(t instanceof CancellationException && root.err() != null)) {
          fail(new ExecutionException("lifecycle: service " + s.name() + " failed to start", t));
        }
        return;
      } finally {
        starting = null;
      }
      started.add(new Started(s, own));
    }
  }

  /**
   * Stops the started services in reverse order, then runs the after-stop hooks, each within its
   * share of the shutdown time. Returns whether the thread was interrupted meanwhile.
   */
  private boolean stopAll(List<Started> started) {
    long deadline = clock.nanoTime() + shutdownTimeout.toNanos();
    Context timing = Context.withClock(Context.background(), clock);
    int left = started.size() + afterStop.size();
    boolean interrupted = false;
    for (int i = started.size() - 1; i >= 0; i--, left--) {
      Started s = started.get(i);
      s.ctx().cancel();
      String name = s.service().name();
      interrupted |=
          bounded(
              timing,
              deadline,
              left,
              "service " + name + " failed to stop",
              "service " + name + " did not stop within ",
              s.service()::stop);
    }
    for (int i = 0; i < afterStop.size(); i++, left--) {
      interrupted |= bounded(
              timing,
              deadline,
              left,
              "an after-stop hook failed",
              "an after-stop hook did not end within ",
              afterStop.get(i));
    }
    return interrupted;
  }

  /**
   * Runs {@code step} in a goroutine with a context done at the end of its share, and waits for
   * it until then; records its failure, or that it did not end in time. Returns whether the
   * thread was interrupted meanwhile.
   */
  private boolean bounded(
      Context timing, long deadline, int left, String failed, String late, Hook step) {
    Duration share = Duration.ofNanos(Math.max(0, (deadline - clock.nanoTime()) / left));
    CancelContext ctx = Context.withTimeout(timing, share);
    Channel<Object> outcome = Channel.make(1); // never blocks the step, even if abandoned
    Go.go(
        () -> {
          Object got = RETURNED;
          try {
            step.run(ctx);
          } catch (Throwable t) {
            got = t;
          }
          outcome.send(got);
        });
    boolean interrupted = false;
    try {
      Object got;
      while (true) {
        try {
          got = awaitOutcome(outcome, ctx);
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the shutdown goes on; run() restores the flag
        }
      }
      if (got == null) {
        fail(new ExecutionException("lifecycle: " + late + share, ctx.err()));
      } else if (got != RETURNED) {
        fail(new ExecutionException("lifecycle: " + failed, (Throwable) got));
      }
      return interrupted;
    } finally {
      ctx.cancel();
    }
  }

  /** What a step sent when it returned normally: a channel cannot carry null. */
  private static final Object RETURNED = new Object();

  /** The step's outcome, or null if {@code ctx} ended first. */
  private static Object awaitOutcome(Channel<Object> outcome, Context ctx)
      throws InterruptedException {
    Object[] got = new Object[1];
    try {
      Select.select().onReceive(outcome, v -> got[0] = v).run(ctx);
      return got[0];
    } catch (CancellationException late) {
      Received<Object> r = outcome.tryReceive(); // both may be ready at once: the outcome wins
      return r == null ? null : r.value();
    }
  }

  private void serviceEnded(String name, Throwable failure) {
    if (failure != null) {
      fail(new ExecutionException("lifecycle: service " + name + " failed", failure));
    } else {
      fire(Exit.Reason.STOPPED, null);
    }
  }

  private void fail(ExecutionException failure) {
    failures.add(failure);
    fire(Exit.Reason.FAILED, null);
  }

  /** Begins the shutdown if it has not begun; returns whether this call began it. */
  private boolean fire(Exit.Reason reason, String signal) {
    if (!trigger.compareAndSet(null, new Trigger(reason, signal))) {
      return false;
    }
    root.cancel();
    CancelContext s = starting; // pairs with startAll: it writes starting, then reads root
    if (s != null) {
      s.cancel();
    }
    return true;
  }

  private void onSignal(String signal) {
    if (signal == null) {
      fire(Exit.Reason.SHUTDOWN, null);
      return;
    }
    if (fire(Exit.Reason.SIGNAL, signal)) {
      System.err.println(
          "lifecycle: SIG" + signal + ": shutting down (a second signal exits at once)");
      return;
    }
    int status = 128 + Exit.signalNumber(signal);
    System.err.println("lifecycle: SIG" + signal + " during shutdown: exiting with " + status);
    System.err.flush();
    Runtime.getRuntime().halt(status);
  }

  @Override
  public String toString() {
    return "App" + services.stream().map(Service::name).toList();
  }
}
