package dev.runnel.lifecycle;

import dev.runnel.ReceiveChannel;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * An app's hold on SIGINT and SIGTERM while it runs, released by {@link #restore()}.
 *
 * <p>Two ways, chosen by {@link #install}:
 *
 * <ul>
 *   <li>{@code sun.misc.Signal} (module {@code jdk.unsupported}): the app's handler replaces the
 *       JVM's, which would start the shutdown hooks; every signal reaches the app, so a second one
 *       can force the exit. {@link #restore()} puts the previous handlers back, as Go's {@code
 *       signal.NotifyContext}'s stop function does.
 *   <li>where that is refused (the JVM runs with {@code -Xrs}, or the JDK has no {@code
 *       sun.misc.Signal}): a shutdown hook. A signal then starts the JVM's shutdown; the hook
 *       tells the app and waits until its run has ended, so the services are still stopped in
 *       order. The JVM ignores a second signal during its shutdown, and sets the exit status itself.
 * </ul>
 */
final class Signals {

  private static final String[] NAMES = {"INT", "TERM"};

  private final SignalHandler[] previous;
  private final Thread hook;

  private Signals(SignalHandler[] previous, Thread hook) {
    this.previous = previous;
    this.hook = hook;
  }

  /**
   * Sends every SIGINT and SIGTERM to {@code handler} as {@code "INT"} or {@code "TERM"}; where
   * signals cannot be handled (or {@code useHook}), sends null once when the JVM begins to shut
   * down, and holds the shutdown until {@code finished} is closed.
   */
  static Signals install(Consumer<String> handler, ReceiveChannel<?> finished, boolean useHook) {
    if (!useHook) {
      try {
        return handleDirectly(handler);
      } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError refused) {
        // -Xrs, or a JDK without sun.misc.Signal: fall back to the shutdown hook
      }
    }
    Thread hook =
        Thread.ofPlatform()
            .name("runnel-lifecycle-shutdown")
            .unstarted(
                () -> {
                  handler.accept(null);
                  awaitUninterruptibly(finished);
                });
    Runtime.getRuntime().addShutdownHook(hook);
    return new Signals(null, hook);
  }

  private static Signals handleDirectly(Consumer<String> handler) {
    SignalHandler mine = s -> handler.accept(s.getName());
    SignalHandler[] previous = new SignalHandler[NAMES.length];
    int i = 0;
    try {
      for (; i < NAMES.length; i++) {
        previous[i] = Signal.handle(new Signal(NAMES[i]), mine);
      }
    } catch (RuntimeException refused) {
      while (--i >= 0) {
        Signal.handle(new Signal(NAMES[i]), previous[i]);
      }
      throw refused;
    }
    return new Signals(previous, null);
  }

  /** Gives the signals back to whoever handled them before. */
  void restore() {
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it ends once the app's run has
      }
      return;
    }
    for (int i = 0; i < NAMES.length; i++) {
      Signal.handle(new Signal(NAMES[i]), previous[i]);
    }
  }

  /** Whether this uses a shutdown hook rather than handling signals itself. */
  boolean byShutdownHook() {
    return hook != null;
  }

  private static void awaitUninterruptibly(ReceiveChannel<?> ch) {
    boolean interrupted = false;
    while (true) {
      try {
        ch.receive();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
