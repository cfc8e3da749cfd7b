package dev.runnel.lifecycle;

import dev.runnel.ReceiveChannel;
import dev.runnel.kit.internal.Uninterruptibly;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;

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
 *
 * <p>{@code sun.misc.Signal} is reached by reflection, so that the build has no warning about an
 * internal API (javac cannot suppress it) and a JDK without it falls back.
 */
final class Signals {

  private static final String[] NAMES = {"INT", "TERM"};

  /** The handlers before ours, one per name; null for the shutdown-hook way. */
  private final Object[] previous;
  private final Thread hook;

  private Signals(Object[] previous, Thread hook) {
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
                  Uninterruptibly.await(finished::receive);
                });
    Runtime.getRuntime().addShutdownHook(hook);
    return new Signals(null, hook);
  }

  private static Signals handleDirectly(Consumer<String> handler) {
    Object mine =
        Proxy.newProxyInstance(
            Sun.HANDLER.getClassLoader(),
            new Class<?>[] {Sun.HANDLER},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "handle" -> {
                    handler.accept((String) Sun.GET_NAME.invoke(args[0]));
                    yield null;
                  }
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> "lifecycle signal handler";
                });
    Object[] previous = new Object[NAMES.length];
    int i = 0;
    try {
      for (; i < NAMES.length; i++) {
        previous[i] = Sun.handle(NAMES[i], mine);
      }
    } catch (RuntimeException refused) {
      while (--i >= 0) {
        Sun.handle(NAMES[i], previous[i]);
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
      Sun.handle(NAMES[i], previous[i]);
    }
  }

  /**
   * {@code sun.misc.Signal} by reflection. Where the JDK has none, loading this class fails with
   * an {@link ExceptionInInitializerError} (a {@link LinkageError}).
   */
  private static final class Sun {
    static final Class<?> SIGNAL;
    static final Class<?> HANDLER;
    static final Method HANDLE;
    static final Method GET_NAME;

    static {
      try {
        SIGNAL = Class.forName("sun.misc.Signal");
        HANDLER = Class.forName("sun.misc.SignalHandler");
        HANDLE = SIGNAL.getMethod("handle", SIGNAL, HANDLER);
        GET_NAME = SIGNAL.getMethod("getName");
      } catch (ReflectiveOperationException e) {
        throw new UnsupportedOperationException("lifecycle: this JDK has no sun.misc.Signal", e);
      }
    }

    /** {@code Signal.handle(new Signal(name), handler)}: returns the previous handler. */
    static Object handle(String name, Object handler) {
      try {
        Object signal = SIGNAL.getConstructor(String.class).newInstance(name);
        return HANDLE.invoke(null, signal, handler);
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r; // IllegalArgumentException: the JVM or the OS keeps this signal (-Xrs)
        }
        throw new IllegalStateException("lifecycle: cannot handle SIG" + name, e.getCause());
      } catch (ReflectiveOperationException e) {
        throw new UnsupportedOperationException("lifecycle: cannot handle SIG" + name, e);
      }
    }
  }
}
