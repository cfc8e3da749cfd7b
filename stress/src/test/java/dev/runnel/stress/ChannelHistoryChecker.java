package dev.runnel.stress;

import dev.runnel.ChannelClosedException;
import dev.runnel.Received;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether a complete concurrent history of channel operations is linearizable with
 * respect to {@link ChannelModel}, extended to blocking operations as dual data structures are
 * (Scherer and Scott): a blocking operation that completed took effect at one instant of its
 * interval where the model let it proceed; on an unbuffered channel a transfer is one instant at
 * which a send and a receive both take effect, and at least one of them is a blocking form (two
 * {@code try} forms never meet). On a buffered channel a sender woken by a receive is the receive
 * followed at once by the send, so no pairing is needed there.
 *
 * <p>The search is exhaustive (depth-first over the operations that may go next, memoised on the
 * set done and the model's state), which is cheap for the few operations of a test scenario.
 */
final class ChannelHistoryChecker {

  /** The operations; a select with one live case is specified as the operation of that case. */
  enum Kind {
    SEND,
    TRY_SEND,
    RECEIVE,
    TRY_RECEIVE,
    CLOSE,
    SELECT_SEND,
    SELECT_RECEIVE;

    boolean isBlockingSend() {
      return this == SEND || this == SELECT_SEND;
    }

    boolean isBlockingReceive() {
      return this == RECEIVE || this == SELECT_RECEIVE;
    }
  }

  /** What an operation that threw {@link ChannelClosedException} returned. */
  static final Object THREW = new Object() {
    @Override
    public String toString() {
      return "ChannelClosedException";
    }
  };

  /**
   * One completed operation: {@code invoked} and {@code responded} are ticks of one global clock,
   * so {@code a.responded < b.invoked} means a finished before b started.
   */
  record Op(int thread, Kind kind, int arg, Object result, long invoked, long responded) {
    @Override
    public String toString() {
      String call =
          switch (kind) {
            case SEND -> "send(" + arg + ")";
            case TRY_SEND -> "trySend(" + arg + ")";
            case RECEIVE -> "receive()";
            case TRY_RECEIVE -> "tryReceive()";
            case CLOSE -> "close()";
            case SELECT_SEND -> "select{send(" + arg + ")}";
            case SELECT_RECEIVE -> "select{receive()}";
          };
      return "T" + thread + " " + call + " = " + result + " [" + invoked + ", " + responded + "]";
    }
  }

  private final int capacity;
  private final List<Op> ops;
  private final Set<List<Object>> visited = new HashSet<>();

  private ChannelHistoryChecker(int capacity, List<Op> ops) {
    if (ops.size() > 62) {
      throw new IllegalArgumentException("too many operations for an exhaustive search");
    }
    this.capacity = capacity;
    this.ops = List.copyOf(ops);
  }

  /** Whether the history is linearizable on a fresh channel of {@code capacity}. */
  static boolean isLinearizable(int capacity, List<Op> ops) {
    return new ChannelHistoryChecker(capacity, ops).search(0L, new ChannelModel(capacity));
  }

  private boolean search(long done, ChannelModel model) {
    int n = ops.size();
    if (done == (1L << n) - 1) {
      return true;
    }
    if (!visited.add(List.of(done, model.stateKey()))) {
      return false;
    }
    // An operation may go next if no pending operation finished before it started.
    long firstResponse = Long.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      if ((done & (1L << i)) == 0) {
        firstResponse = Math.min(firstResponse, ops.get(i).responded());
      }
    }
    List<Integer> next = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if ((done & (1L << i)) == 0 && ops.get(i).invoked() < firstResponse) {
        next.add(i);
      }
    }
    for (int i : next) {
      ChannelModel m = model.copy();
      if (takesEffect(m, ops.get(i)) && search(done | (1L << i), m)) {
        return true;
      }
    }
    if (capacity == 0 && !model.isClosed()) {
      for (int s : next) {
        for (int r : next) {
          if (isRendezvous(ops.get(s), ops.get(r))
              && search(done | (1L << s) | (1L << r), model)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Applies {@code op} to the model; false if the model disagrees with the observed result. */
  private static boolean takesEffect(ChannelModel m, Op op) {
    Object r;
    try {
      r =
          switch (op.kind()) {
            case SEND, SELECT_SEND -> m.send(op.arg());
            case TRY_SEND -> m.trySend(op.arg());
            case RECEIVE, SELECT_RECEIVE -> m.receive();
            case TRY_RECEIVE -> m.tryReceive();
            case CLOSE -> {
              m.close();
              yield null;
            }
          };
    } catch (ChannelClosedException e) {
      r = THREW;
    }
    return r != ChannelModel.NOT_NOW && Objects.equals(r, op.result());
  }

  /** Whether a send and a receive on an open unbuffered channel can be one transfer. */
  private static boolean isRendezvous(Op s, Op r) {
    boolean blockingSend = s.kind().isBlockingSend() && s.result() == null;
    boolean trySendOk = s.kind() == Kind.TRY_SEND && Boolean.TRUE.equals(s.result());
    if (!blockingSend && !trySendOk) {
      return false;
    }
    Integer v = s.arg();
    if (r.kind().isBlockingReceive()) {
      return v.equals(r.result());
    }
    return blockingSend
        && r.kind() == Kind.TRY_RECEIVE
        && new Received<>(v, true).equals(r.result());
  }
}
