package dev.runnel.stress;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An exhaustive linearizability check of a complete history of {@link dev.runnel.sync.Mutex} or
 * {@link dev.runnel.sync.RWMutex} operations against the plain sequential model of a lock: a writer
 * flag and a reader count (a {@code Mutex} uses only the flag).
 *
 * <p>A blocking acquire ({@link Kind#LOCK}, {@link Kind#READ_LOCK}) takes effect at one instant of
 * its interval at which the model lets it proceed; the {@code try} forms at an instant where the
 * model gives their result. A release of an unheld lock is {@link #THREW}. An {@code RWMutex} is
 * write-preferring (Go's documented behaviour): a {@code tryReadLock} may also fail while a
 * {@code lock()} is waiting, that is, while a {@code LOCK} that began before the {@code
 * tryReadLock} returned has not yet taken effect. The search places, one
 * by one, an operation that no other remaining operation returned before, if the model allows it
 * with its observed result; states already seen with the same remaining set are skipped. Histories
 * here are ten or so operations, so the search is instant.
 */
final class LockHistoryChecker {

  /** The result of a release that threw {@link IllegalMonitorStateException}. */
  static final String THREW = "THREW";

  enum Kind {
    LOCK,
    TRY_LOCK,
    /** {@code Mutex.lock(Duration.ZERO)}: tries once, like {@code tryLock}. */
    LOCK_ZERO,
    UNLOCK,
    READ_LOCK,
    TRY_READ_LOCK,
    READ_UNLOCK
  }

  /** One completed operation: its thread, kind, result, and its interval on a shared clock. */
  record Op(int thread, Kind kind, Object result, long invoked, long returned) {
    @Override
    public String toString() {
      return "t" + thread + " " + kind + " -> " + result + " [" + invoked + ", " + returned + "]";
    }
  }

  private LockHistoryChecker() {}

  static boolean isLinearizable(List<Op> history) {
    if (history.size() > 62) {
      throw new IllegalArgumentException("history too long for this checker: " + history.size());
    }
    return search(history, 0L, false, 0, new HashSet<>());
  }

  /**
   * Whether a {@code lock()} other than {@code op} is under way during {@code op}: it began before
   * {@code op} returned and has not taken effect yet.
   */
  private static boolean writerWaits(List<Op> h, long placed, Op op) {
    for (int i = 0; i < h.size(); i++) {
      Op o = h.get(i);
      if ((placed & (1L << i)) == 0 && o != op && o.kind() == Kind.LOCK
          && o.invoked() < op.returned()) {
        return true;
      }
    }
    return false;
  }

  private static boolean search(
      List<Op> h, long placed, boolean writer, int readers, Set<List<Object>> seen) {
    int n = h.size();
    if (Long.bitCount(placed) == n) {
      return true;
    }
    if (!seen.add(List.of(placed, writer, readers))) {
      return false;
    }
    long earliestReturn = Long.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      if ((placed & (1L << i)) == 0) {
        earliestReturn = Math.min(earliestReturn, h.get(i).returned());
      }
    }
    for (int i = 0; i < n; i++) {
      if ((placed & (1L << i)) != 0) {
        continue;
      }
      Op op = h.get(i);
      if (op.invoked() > earliestReturn) {
        continue; // some remaining operation returned before this one began
      }
      boolean w = writer;
      int r = readers;
      boolean legal;
      switch (op.kind()) {
        case LOCK -> {
          legal = !w && r == 0;
          w = true;
        }
        case TRY_LOCK, LOCK_ZERO -> {
          boolean free = !w && r == 0;
          legal = Boolean.valueOf(free).equals(op.result());
          w = w || free;
        }
        case UNLOCK -> {
          legal = w ? op.result() == null : THREW.equals(op.result());
          w = false;
        }
        case READ_LOCK -> {
          legal = !w;
          r++;
        }
        case TRY_READ_LOCK -> {
          if (Boolean.TRUE.equals(op.result())) {
            legal = !w;
            r++;
          } else {
            legal = w || writerWaits(h, placed, op);
          }
        }
        case READ_UNLOCK -> {
          legal = r > 0 ? op.result() == null : THREW.equals(op.result());
          r = Math.max(0, r - 1);
        }
        default -> throw new AssertionError(op.kind());
      }
      if (legal && search(h, placed | (1L << i), w, r, seen)) {
        return true;
      }
    }
    return false;
  }
}
