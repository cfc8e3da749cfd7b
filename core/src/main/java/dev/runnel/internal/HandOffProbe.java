package dev.runnel.internal;

/**
 * Adaptive waiting for virtual threads (ADR 0004): one per channel and per select builder.
 *
 * <p>A hand-off usually completes within a few microseconds when the partner is queued on this
 * goroutine's own carrier (a yield lets it run here, at once) or is running on another carrier
 * (a short spin catches its answer). Parking instead costs two thread switches, and on an idle
 * machine usually a wake-up of the other carrier's OS thread as well, which is what makes a
 * parked hand-off slow. But when no partner is coming soon (a goroutine blocked for long, the
 * million blocked on one channel), spinning burns a core and a yield makes the frozen stack take
 * a second chunk (about 100 bytes per blocked goroutine).
 *
 * <p>{@link #await} therefore probes: it yields once (so a partner queued on this carrier runs
 * first; spinning before the yield would keep it from running; skipped when the last wait here was
 * completed by a platform thread, which no yield lets run), then spins up to {@value
 * #DEFAULT_SPINS} times (about 2.4 us on the reference machine, enough to cover the other
 * carrier's wake-up), then parks. After {@value #MISSES} probes in a row that caught nothing, the
 * next {@value #BACKOFF} waits park at once, then probing resumes; while one probe runs,
 * goroutines that arrive at the same object park at once (the million blocked on one channel
 * would otherwise all yield to each other, and 35% of them took a second stack chunk). A single
 * miss does not stop
 * the probing: the old rule (stop after one miss) locked a ping-pong pair into parking on both
 * sides, the slow regime, from one late answer on. The score is racy on purpose: a lost update
 * only costs one probe more or less. Platform threads skip the probe: {@link Waiter#await} spins
 * for them.
 */
public final class HandOffProbe {

  private static final boolean ENABLED =
      Boolean.parseBoolean(System.getProperty("dev.runnel.adaptiveWait", "true"));
  private static final int DEFAULT_SPINS = 128;
  private static final int SPINS =
      Runtime.getRuntime().availableProcessors() > 1
          ? Integer.getInteger("dev.runnel.probeSpins", DEFAULT_SPINS)
          : 0;
  private static final int MISSES = 4;
  private static final int BACKOFF = 32;

  /** 0..MISSES-1: probe on the next wait (the misses in a row); negative: park at once. */
  private int score;

  /**
   * Whether the last wait here was completed by a platform thread (a main or test thread feeding
   * goroutines), which runs on no carrier: a yield cannot let it run, so the next probe only spins.
   */
  private boolean partnerIsPlatform;

  /**
   * Waits for {@code waiter} to complete, probing first unless recent probes here kept missing.
   * The probe is a few microseconds at most, so {@code scope} is watched only for the park: a
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
        score = -BACKOFF; // while this probe runs, others arriving here park at once
        if (!partnerIsPlatform) {
          Thread.yield();
        }
        t = waiter.spin(SPINS);
        score = t != null ? 0 : s + 1 < MISSES ? s + 1 : -BACKOFF;
      }
    }
    if (t == null) {
      t = waiter.await(deadline, true, scope);
    }
    partnerIsPlatform = waiter.completedByPlatformThread();
    return t;
  }
}
