package dev.runnel.breaker;

import dev.runnel.breaker.CircuitBreaker.State;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One period of a breaker in one state: the immutable state word that the permission check reads
 * with one volatile load, plus the half-open period's probe counters. A transition installs a new
 * phase with the next epoch, so a result carrying an older epoch is recognised as late.
 */
final class Phase {

  final State state;

  /** Counts transitions since the breaker was built; a permit is the epoch it was given in. */
  final long epoch;

  /** When this phase began, in breaker nanos. */
  final long since;

  /** {@code OPEN}: when the wait ends, in breaker nanos; otherwise unused. */
  final long openUntil;

  /** Re-openings from half-open since the breaker was last closed: the exponent of the wait. */
  final int reopenings;

  /** Whether every call is permitted without looking further (closed, disabled, metrics-only). */
  final boolean permitsAll;

  /**
   * {@code HALF_OPEN}: probe slots taken (CAS, never above the bound; decremented when a probe's
   * outcome is ignored). Null in other states.
   */
  private final AtomicInteger probesTaken;

  /** {@code HALF_OPEN}: probes completed with a recorded outcome, and of those failed and slow. */
  int probesDone; // guarded by the breaker's lock, as the two below

  int probeFailures;
  int probeSlow;

  Phase(State state, long epoch, long since, long openUntil, int reopenings) {
    this.state = state;
    this.epoch = epoch;
    this.since = since;
    this.openUntil = openUntil;
    this.reopenings = reopenings;
    this.permitsAll =
        state == State.CLOSED || state == State.DISABLED || state == State.METRICS_ONLY;
    this.probesTaken = state == State.HALF_OPEN ? new AtomicInteger() : null;
  }

  /** Takes a probe slot if fewer than {@code bound} are taken; lock-free. */
  boolean takeProbe(int bound) {
    for (int n = probesTaken.get(); n < bound; n = probesTaken.get()) {
      if (probesTaken.compareAndSet(n, n + 1)) {
        return true;
      }
    }
    return false;
  }

  /** Gives a probe slot back (its outcome was ignored); never below zero, whatever the misuse. */
  void releaseProbe() {
    for (int n = probesTaken.get(); n > 0; n = probesTaken.get()) {
      if (probesTaken.compareAndSet(n, n - 1)) {
        return;
      }
    }
  }
}
