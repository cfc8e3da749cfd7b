package dev.runnel.stress;

import dev.runnel.Channel;
import dev.runnel.ChannelClosedException;
import dev.runnel.Select;
import dev.runnel.internal.Access;
import dev.runnel.stress.ChannelHistoryChecker.Kind;
import dev.runnel.stress.ChannelHistoryChecker.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

/**
 * {@code send}, {@code receive}, {@code trySend}, {@code tryReceive}, {@code close}, and a {@link
 * Select} with one send or receive case on the channel (and one on a channel that is never
 * ready), are linearizable with respect to {@link ChannelModel} (blocking forms as dual
 * operations, see {@link ChannelHistoryChecker}), and no interleaving loses a wake-up: on
 * unbuffered channels and on channels of capacity 1 and 2.
 *
 * <p>Each scenario is two threads running two or three random operations each while the main
 * thread closes the channel, so every blocked operation is eventually released and the scenario
 * always ends; in the balanced scenarios, which complete without a close, the main thread waits
 * for the others first, so a lost hand-off is a deadlock. Lincheck's general-purpose model
 * checker ({@link Lincheck#runConcurrentTest}) runs every scenario under many thread
 * interleavings, including every park and unpark in Runnel's {@code Waiter}; a hang (a lost
 * wake-up) or a history the checker rejects fails the test with Lincheck's trace of the
 * interleaving. A second {@code close} or a send on a closed channel is a
 * result ({@link ChannelHistoryChecker#THREW}), checked like any other.
 *
 * <p>Scenarios come from a fixed seed so a CI failure can be replayed; set {@code
 * -Drunnel.stress.seed=N} to explore others.
 */
class ChannelBlockingOperationsAreLinearizableTest {

  // Sample: 2 scenarios per capacity, 30 interleavings each. Full: 10 scenarios, 150 each.
  private static final int SCENARIOS_PER_CAPACITY = StressBudget.pick(2, 10);
  private static final int INVOCATIONS_PER_SCENARIO = StressBudget.pick(30, 150);
  static final long SEED = Long.getLong("runnel.stress.seed", 20_261_125L);

  /** One operation of a scenario: what to call, with which value. */
  record Step(Kind kind, int arg) {}

  @Test
  void unbuffered() {
    checkRandomScenarios(0);
  }

  @Test
  void capacityOne() {
    checkRandomScenarios(1);
  }

  @Test
  void capacityTwo() {
    checkRandomScenarios(2);
  }

  /** The scenario that every unbuffered channel must get right: a plain rendezvous and a close. */
  @Test
  void unbufferedRendezvousRacingClose() {
    check(0, List.of(List.of(new Step(Kind.SEND, 1)), List.of(new Step(Kind.RECEIVE, 0))));
  }

  /**
   * Scenarios that complete on a correct channel without any close: the main thread waits for
   * the workers before it closes, so a hand-off lost between a sender and a receiver (both left
   * waiting) is a deadlock, which Lincheck reports with its trace. In the random scenarios the
   * close runs concurrently and would release such a pair legally.
   */
  @Test
  void balancedScenariosCompleteBeforeTheClose() {
    List<List<List<Step>>> everyCapacity =
        List.of(
            List.of(List.of(new Step(Kind.SEND, 11)), List.of(new Step(Kind.RECEIVE, 0))),
            List.of(
                List.of(new Step(Kind.SEND, 11), new Step(Kind.SEND, 12)),
                List.of(new Step(Kind.RECEIVE, 0), new Step(Kind.SELECT_RECEIVE, 0))),
            List.of(
                List.of(new Step(Kind.RECEIVE, 0)),
                List.of(new Step(Kind.RECEIVE, 0)),
                List.of(new Step(Kind.SEND, 31), new Step(Kind.SELECT_SEND, 32))),
            List.of(
                List.of(new Step(Kind.SEND, 11)),
                List.of(new Step(Kind.SEND, 21)),
                List.of(new Step(Kind.RECEIVE, 0), new Step(Kind.RECEIVE, 0))));
    for (int capacity : new int[] {0, 1}) {
      for (List<List<Step>> scenario : everyCapacity) {
        check(capacity, scenario, ChannelBlockingOperationsAreLinearizableTest::joinAll);
      }
    }
    // a rendezvous each way, which only an unbuffered channel guarantees to complete
    check(
        0,
        List.of(
            List.of(new Step(Kind.SEND, 11), new Step(Kind.RECEIVE, 0)),
            List.of(new Step(Kind.RECEIVE, 0), new Step(Kind.SEND, 22))),
        ChannelBlockingOperationsAreLinearizableTest::joinAll);
  }

  private static void joinAll(Thread[] workers) {
    for (Thread w : workers) {
      try {
        w.join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private static void checkRandomScenarios(int capacity) {
    Random random = new Random(SEED + capacity);
    for (int s = 0; s < SCENARIOS_PER_CAPACITY; s++) {
      check(capacity, randomScenario(random));
    }
  }

  static List<List<Step>> randomScenario(Random random) {
    List<List<Step>> threads = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      List<Step> steps = new ArrayList<>();
      int n = 2 + random.nextInt(2);
      for (int i = 0; i < n; i++) {
        int p = random.nextInt(20);
        Kind kind =
            p < 5 ? Kind.SEND
                : p < 10 ? Kind.RECEIVE
                : p < 12 ? Kind.SELECT_SEND
                : p < 14 ? Kind.SELECT_RECEIVE
                : p < 16 ? Kind.TRY_SEND
                : p < 18 ? Kind.TRY_RECEIVE
                : Kind.CLOSE;
        steps.add(new Step(kind, 10 * (t + 1) + i)); // distinct values: a receive names its send
      }
      threads.add(steps);
    }
    return threads;
  }

  /**
   * Runs one scenario under Lincheck's model checker, checking every history it produces; a
   * history the checker rejects fails the test with Lincheck's trace of the interleaving.
   *
   * <p>The check itself runs in one of Lincheck's "ignored sections" ({@link
   * LincheckIgnoredSection}): otherwise Lincheck would trace every step of the exhaustive search
   * as if it were code under test, hundreds of times slower. (Collecting the
   * histories and checking them afterwards does not work: Lincheck restores the heap it can see
   * after every invocation, and refuses file operations.)
   */
  private static void check(int capacity, List<List<Step>> scenario) {
    check(capacity, scenario, workers -> {});
  }

  /** As above, the main thread running {@code beforeClose} before its close. */
  private static void check(
      int capacity, List<List<Step>> scenario, Consumer<Thread[]> beforeClose) {
    Lincheck.runConcurrentTest(
        INVOCATIONS_PER_SCENARIO,
        () -> {
          // a lambda, not Thread::new: Lincheck must see the constructor call to track the thread
          List<Op> history = run(capacity, scenario, r -> new Thread(r), beforeClose);
          LincheckIgnoredSection.run(
              () -> {
                if (!ChannelHistoryChecker.isLinearizable(capacity, history)) {
                  throw new AssertionError(
                      "not linearizable on a channel of capacity " + capacity + ":\n  "
                          + String.join("\n  ", history.stream().map(Op::toString).toList()));
                }
              });
        });
  }

  /**
   * Runs a scenario: one thread per operation list, made by {@code threads}, while this thread
   * runs {@code beforeClose} and then closes the channel. Returns the complete history.
   */
  static List<Op> run(
      int capacity,
      List<List<Step>> scenario,
      ThreadFactory threads,
      Consumer<Thread[]> beforeClose) {
    // published: otherwise Lincheck's model checker would not interleave at their fields
    Channel<Integer> ch = LincheckShared.publish(Channel.make(capacity));
    Channel<Integer> never = Channel.make(); // a select's second case, never ready
    AtomicLong clock = new AtomicLong();
    int n = scenario.size();
    List<List<Op>> results = new ArrayList<>();
    Thread[] workers = new Thread[n];
    for (int t = 0; t < n; t++) {
      List<Op> mine = new ArrayList<>();
      results.add(mine);
      int id = t;
      List<Step> steps = scenario.get(t);
      workers[t] =
          threads.newThread(
              () -> steps.forEach(s -> mine.add(perform(ch, never, clock, id, s))));
    }
    for (Thread t : workers) {
      t.start();
    }
    beforeClose.accept(workers);
    // releases whoever still waits
    Op close = perform(ch, never, clock, n, new Step(Kind.CLOSE, 0));
    joinAll(workers);
    List<Op> history = new ArrayList<>();
    for (List<Op> mine : results) {
      history.addAll(mine);
    }
    history.add(close);
    Access.channels().core(ch).checkInvariants();
    Access.channels().core(never).checkInvariants();
    // (no AssertJ inside the model-checked block: Lincheck calls equals on every receiver)
    if (history.size() != scenario.stream().mapToInt(List::size).sum() + 1) {
      throw new AssertionError("an operation went missing: " + history);
    }
    return history;
  }

  private static Op perform(
      Channel<Integer> ch, Channel<Integer> never, AtomicLong clock, int thread, Step s) {
    long invoked = clock.getAndIncrement();
    Object result;
    try {
      result =
          switch (s.kind()) {
            case SEND -> {
              ch.send(s.arg());
              yield null;
            }
            case TRY_SEND -> ch.trySend(s.arg());
            case RECEIVE -> ch.receive();
            case TRY_RECEIVE -> ch.tryReceive();
            case CLOSE -> {
              ch.close();
              yield null;
            }
            case SELECT_SEND -> {
              Select.select().onSend(ch, s.arg(), () -> {}).onReceive(never, v -> {}).run();
              yield null;
            }
            case SELECT_RECEIVE -> {
              Object[] got = {-1};
              Select.select()
                  .onReceive(ch, v -> got[0] = v)
                  .onReceive(never, v -> got[0] = -2)
                  .run();
              yield got[0];
            }
          };
    } catch (ChannelClosedException e) {
      result = ChannelHistoryChecker.THREW;
    } catch (InterruptedException e) {
      throw new AssertionError("nobody interrupts this test", e);
    }
    return new Op(thread, s.kind(), s.arg(), result, invoked, clock.getAndIncrement());
  }
}
