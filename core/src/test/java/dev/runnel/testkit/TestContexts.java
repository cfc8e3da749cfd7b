package dev.runnel.testkit;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;

/** Contexts that tests of cancellable operations start from. */
public final class TestContexts {

  private TestContexts() {}

  /** A context that is cancelled already. */
  public static CancelContext cancelled() {
    CancelContext ctx = Context.withCancel(Context.background());
    ctx.cancel();
    return ctx;
  }
}
