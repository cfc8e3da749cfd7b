package dev.runnel.breaker;

/** The last {@code size} outcomes, in a ring of bytes. */
final class CountWindow extends OutcomeWindow {

  private final byte[] ring;

  /** The slot the next outcome goes to; once {@code calls == ring.length}, the oldest outcome. */
  private int next;

  CountWindow(int size) {
    ring = new byte[size];
  }

  @Override
  void record(long now, int outcome) {
    if (calls == ring.length) {
      add(ring[next], -1);
    }
    ring[next] = (byte) outcome;
    add(outcome, 1);
    next = next + 1 == ring.length ? 0 : next + 1;
  }

  @Override
  void expire(long now) {}

  @Override
  boolean saturatedClean() {
    return calls == ring.length && failures == 0 && slow == 0;
  }

  @Override
  void clear() {
    calls = failures = slow = 0;
    next = 0;
  }
}
