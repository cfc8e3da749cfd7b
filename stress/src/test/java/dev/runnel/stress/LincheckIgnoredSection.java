package dev.runnel.stress;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Runs code outside the analysis of Lincheck's general-purpose model checker (a history check,
 * which Lincheck would otherwise trace step by step), or plainly when Lincheck is not there. The
 * entry points are Lincheck internals on the boot class path, looked up reflectively: see
 * docs/adr/0003-linearizability-tool.md.
 */
final class LincheckIgnoredSection {

  private static final MethodHandle ENTER;
  private static final MethodHandle LEAVE;

  static {
    MethodHandle enter = null;
    MethodHandle leave = null;
    try {
      Class<?> injections = Class.forName("sun.nio.ch.lincheck.Injections");
      MethodType v = MethodType.methodType(void.class);
      enter = MethodHandles.publicLookup().findStatic(injections, "enterIgnoredSection", v);
      leave = MethodHandles.publicLookup().findStatic(injections, "leaveIgnoredSection", v);
    } catch (ReflectiveOperationException | LinkageError e) {
      // not under Lincheck: run plainly
    }
    ENTER = enter;
    LEAVE = leave;
  }

  private LincheckIgnoredSection() {}

  static void run(Runnable r) {
    if (ENTER == null) {
      r.run();
      return;
    }
    invoke(ENTER);
    try {
      r.run();
    } finally {
      invoke(LEAVE);
    }
  }

  private static void invoke(MethodHandle h) {
    try {
      h.invokeExact();
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }
}
