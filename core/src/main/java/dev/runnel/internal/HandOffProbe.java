package dev.runnel.internal;

/**
 * Adaptive waiting for virtual threads (ADR 0004): one per channel and per select builder.
 *
 * <p>A hand-off usually completes within a few hundred nanoseconds when the partner is running on
 * another carrier (spin to catch it) or is queued on this goroutine's own carrier (yield once to
 * let it run). Either way a park would cost two thread switches more. But when no partner is coming
 * soon (a goroutine blocked for long, the million blocked on one channel), spinning burns a core and
 * a yield makes the frozen stack take a second chunk (about 100 bytes per blocked goroutine).
 *
 * <p>{@link #await} therefore probes (spins, then yields once) only while the last probe on this
 * object caught its hand-off; after a failed probe the next {@value #BACKOFF} waits park at once. A
 * probe counts as failed until it succeeds, so goroutines that arrive while one probes (its yield
 * runs them) park instead of probing too. The score is racy on purpose: a lost update only costs
 * one probe more or less. Platform threads skip the probe: {@link Waiter#await} spins for them.
 */
public final class HandOffProbe {

  private static final boolean ENABLED =
      Boolean.parseBoolean(System.getProperty("dev.runnel.adaptiveWait", "true"));
  private static final int SPINS =
      Runtime.getRuntime().availableProcessors() > 1
          ? Integer.getInteger("dev.runnel.probeSpins", 16)
          : 0;
  private static final int BACKOFF = 32;

  /** >= 0: probe on the next wait; negative: park at once, counting up to the next probe. */
  private int score;

  /**
   * Waits for {@code waiter} to complete, probing first when recent probes here paid off. The
   * probe is a few hundred nanoseconds at most, so {@code scope} is watched only for the park: a
   * cancellation during the probe completes the waiter as soon as the watch begins.
   *
   * @param waiter the current thread's waiter, already published
   * @param deadline as for {@link Waiter#await}
   * @param scope a context's scope, or null
   * @return as for {@link Waiter#await(long, boolean, CancelScope)}, interruptibly
   */
  public Object await(Waiter waiter, long deadline, CancelScope scope) {
    Object t = null;
    if (ENABLED && waiter.thread().isVirtual()) {
      int s = score;
      if (s < 0) {
        score = s + 1;
      } else {
        score = -BACKOFF;
        if ((t = waiter.spin(SPINS)) == null) {
          Thread.yield();
          t = waiter.spin(0);
        }
        if (t != null) {
          score = 0;
        }
      }
    }
    return t != null ? t : waiter.await(deadline, true, scope);
  }
}
