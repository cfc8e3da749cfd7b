package dev.runnel.retry;

import dev.runnel.context.Context;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** Joins failures into one thrown exception, as Go's {@code errors.Join} joins errors. */
final class Failures {

  private Failures() {}

  /**
   * {@code primary} with each of {@code others}, then {@code extra}, added as suppressed: each
   * instance once, never {@code primary} itself, and nothing added to the caller's shared {@code
   * ctx.err()} instance.
   */
  static <X extends Throwable> X join(
      X primary, Iterable<? extends Throwable> others, Throwable extra, Context ctx) {
    if (primary == ctx.err()) {
      return primary;
    }
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.add(primary);
    for (Throwable t : others) {
      if (seen.add(t)) {
        primary.addSuppressed(t);
      }
    }
    if (extra != null && seen.add(extra)) {
      primary.addSuppressed(extra);
    }
    return primary;
  }
}
