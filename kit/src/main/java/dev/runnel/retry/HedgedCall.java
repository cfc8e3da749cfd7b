package dev.runnel.retry;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.Select;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.structured.Task;
import dev.runnel.time.Clock;
import dev.runnel.time.Timer;
import java.util.ArrayList;
import java.util.List;

/**
 * One call of a {@link Hedge}: the attempts' goroutines and the loop, in the calling thread,
 * that starts hedges and collects outcomes.
 *
 * <p>Implementation notes: every attempt sends exactly one {@link Outcome} on {@link #outcomes},
 * whose capacity is {@code maxAttempts}, so a send never blocks; the loop ends when it has
 * received as many outcomes as it started attempts, so every attempt's goroutine has finished
 * its task (it ends right after its send) when {@code run} returns. All fields but {@link
 * #outcomes} are touched only by the calling thread.
 */
final class HedgedCall<T> {

  /** What one attempt did; {@code failure} is null on success. */
  private record Outcome(Object value, Throwable failure, long latency) {}

  private final Hedge hedge;
  private final Context caller;
  private final Task<T> task;
  private final Clock clock;
  private final Channel<Outcome> outcomes;

  private CancelContext attempts;
  private int started;
  private int finished;

  /** Set once no more attempts may start: a winner, a refused hedge, the caller's end. */
  private boolean stopStarting;

  private Outcome winner;
  private final List<Throwable> failures = new ArrayList<>();
  private Timer timer;
  private boolean interrupted;

  HedgedCall(Hedge hedge, Context caller, Clock clock, Task<T> task) {
    this.hedge = hedge;
    this.clock = clock;
    this.caller = caller;
    this.task = task;
    this.outcomes = Channel.make(hedge.maxAttempts);
  }

  T run() throws Exception {
    try (CancelContext c = Context.withCancel(caller)) {
      attempts = c;
      start(false);
      while (finished < started) {
        if (mayStart()) {
          if (timer == null) {
            timer = clock.newTimer(hedge.currentDelay());
          }
          awaitOutcomeOrTimer();
        } else {
          accept(receiveUninterruptibly());
        }
      }
    } finally {
      if (timer != null) {
        timer.stop();
      }
    }
    if (interrupted) {
      InterruptedException e = new InterruptedException("hedged call interrupted");
      failures.forEach(e::addSuppressed);
      throw e;
    }
    if (winner != null) {
      @SuppressWarnings("unchecked")
      T value = (T) winner.value();
      return value;
    }
    Throwable first = failures.get(0);
    throw rethrowable(Failures.join(first, failures.subList(1, failures.size()), null, caller));
  }

  private boolean mayStart() {
    return !stopStarting && started < hedge.maxAttempts;
  }

  private void awaitOutcomeOrTimer() {
    try {
      Select.select()
          .onReceive(outcomes, this::accept)
          .onReceive(
              timer.c(),
              fired -> {
                timer = null;
                startHedge();
              })
          .onReceive(caller.done(), end -> stopStarting = true)
          .run();
    } catch (InterruptedException e) {
      interrupted = true;
      stop();
    }
  }

  private Outcome receiveUninterruptibly() {
    for (; ; ) {
      try {
        return outcomes.receive();
      } catch (InterruptedException e) {
        interrupted = true;
        stop();
      }
    }
  }

  private void accept(Outcome o) {
    finished++;
    if (o.failure() == null) {
      if (winner == null) {
        winner = o;
        hedge.recordLatency(o.latency());
        stop();
      }
      return;
    }
    failures.add(o.failure());
    if (winner == null && mayStart() && caller.err() == null) {
      if (timer != null) {
        timer.stop();
        timer = null;
      }
      startHedge(); // a failed attempt is replaced at once, as gRPC's hedging does
    }
  }

  private void stop() {
    stopStarting = true;
    attempts.cancel();
  }

  private void startHedge() {
    if (caller.err() != null || !hedge.tryStartHedge()) {
      stopStarting = true;
      return;
    }
    start(true);
  }

  private void start(boolean isHedge) {
    started++;
    Context c = attempts;
    Go.go(
        () -> {
          long t0 = clock.nanoTime();
          Outcome o;
          try {
            o = new Outcome(task.run(c), null, clock.nanoTime() - t0);
          } catch (Throwable t) {
            o = new Outcome(null, t, 0);
          }
          if (isHedge) {
            hedge.hedgeEnded();
          }
          outcomes.trySend(o); // never full: capacity is maxAttempts
        });
  }

  private static Exception rethrowable(Throwable t) {
    if (t instanceof Error e) {
      throw e;
    }
    return (Exception) t;
  }
}
