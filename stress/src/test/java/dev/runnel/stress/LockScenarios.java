package dev.runnel.stress;

import dev.runnel.stress.LockHistoryChecker.Kind;
import dev.runnel.stress.LockHistoryChecker.Op;
import dev.runnel.sync.Mutex;
import dev.runnel.sync.RWMutex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jetbrains.lincheck.Lincheck;

/**
 * Scenarios of lock operations on real threads, for {@link LockHistoryChecker}: each thread runs
 * a list of acquires, and releases each acquire that succeeded right after it, so every thread
 * holds at most one lock at a time and every scenario ends. A release listed on its own is a
 * stray one (it may release another thread's hold, or throw); it cannot make a scenario hang,
 * since every hold that a stray release does not end is still ended by its own release.
 */
final class LockScenarios {

  private LockScenarios() {}

  /** The lock under test: performs one operation and returns its result, {@code THREW} if so. */
  interface Target {
    Object perform(Kind kind);
  }

  static Target mutex(Mutex mu) {
    LincheckShared.publish(mu); // otherwise Lincheck's model checker would not interleave at it
    return kind -> {
      try {
        return switch (kind) {
          case LOCK -> {
            mu.lock();
            yield null;
          }
          case TRY_LOCK -> mu.tryLock();
          case LOCK_ZERO -> mu.lock(Duration.ZERO);
          case UNLOCK -> {
            mu.unlock();
            yield null;
          }
          default -> throw new AssertionError(kind);
        };
      } catch (IllegalMonitorStateException e) {
        return LockHistoryChecker.THREW;
      } catch (InterruptedException e) {
        throw new AssertionError("nobody interrupts this test", e);
      }
    };
  }

  static Target rwMutex(RWMutex mu) {
    LincheckShared.publish(mu); // otherwise Lincheck's model checker would not interleave at it
    return kind -> {
      try {
        return switch (kind) {
          case LOCK -> {
            mu.lock();
            yield null;
          }
          case TRY_LOCK -> mu.tryLock();
          case UNLOCK -> {
            mu.unlock();
            yield null;
          }
          case READ_LOCK -> {
            mu.readLock();
            yield null;
          }
          case TRY_READ_LOCK -> mu.tryReadLock();
          case READ_UNLOCK -> {
            mu.readUnlock();
            yield null;
          }
          default -> throw new AssertionError(kind);
        };
      } catch (IllegalMonitorStateException e) {
        return LockHistoryChecker.THREW;
      }
    };
  }

  /** Random programs: {@code threads} lists of 1 to 2 steps drawn from {@code kinds}. */
  static List<List<Kind>> random(Random random, int threads, List<Kind> kinds) {
    List<List<Kind>> scenario = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<Kind> steps = new ArrayList<>();
      int n = 1 + random.nextInt(2);
      for (int i = 0; i < n; i++) {
        steps.add(kinds.get(random.nextInt(kinds.size())));
      }
      scenario.add(steps);
    }
    return scenario;
  }

  /** Runs a scenario on threads made by {@code newThread}; returns the complete history. */
  static List<Op> run(
      Target target, List<List<Kind>> scenario, Function<Runnable, Thread> newThread) {
    AtomicLong clock = new AtomicLong();
    int n = scenario.size();
    List<List<Op>> results = new ArrayList<>();
    Thread[] workers = new Thread[n];
    for (int t = 0; t < n; t++) {
      List<Op> mine = new ArrayList<>();
      results.add(mine);
      int id = t;
      List<Kind> steps = scenario.get(t);
      workers[t] =
          newThread.apply(
              () -> {
                for (Kind k : steps) {
                  Op op = perform(target, clock, id, k);
                  mine.add(op);
                  if (acquired(op)) {
                    Kind release =
                        k == Kind.READ_LOCK || k == Kind.TRY_READ_LOCK
                            ? Kind.READ_UNLOCK
                            : Kind.UNLOCK;
                    mine.add(perform(target, clock, id, release));
                  }
                }
              });
    }
    for (Thread w : workers) {
      w.start();
    }
    List<Op> history = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      try {
        workers[t].join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      history.addAll(results.get(t));
    }
    return history;
  }

  /**
   * Runs a scenario under Lincheck's general-purpose model checker, {@code invocations} times,
   * checking every history in an ignored section; a rejected history or a hang fails with
   * Lincheck's trace.
   */
  static void modelCheck(
      int invocations, java.util.function.Supplier<Target> target, List<List<Kind>> scenario) {
    Lincheck.runConcurrentTest(
        invocations,
        () -> {
          // a lambda, not Thread::new: Lincheck must see the constructor call to track the thread
          List<Op> history = run(target.get(), scenario, r -> new Thread(r));
          LincheckIgnoredSection.run(
              () -> {
                if (!LockHistoryChecker.isLinearizable(history)) {
                  throw new AssertionError(
                      "not linearizable:\n  "
                          + String.join("\n  ", history.stream().map(Op::toString).toList()));
                }
              });
        });
  }

  private static Op perform(Target target, AtomicLong clock, int thread, Kind kind) {
    long invoked = clock.getAndIncrement();
    Object result = target.perform(kind);
    return new Op(thread, kind, result, invoked, clock.getAndIncrement());
  }

  private static boolean acquired(Op op) {
    return switch (op.kind()) {
      case LOCK, READ_LOCK -> true;
      case TRY_LOCK, LOCK_ZERO, TRY_READ_LOCK -> Boolean.TRUE.equals(op.result());
      default -> false;
    };
  }
}
