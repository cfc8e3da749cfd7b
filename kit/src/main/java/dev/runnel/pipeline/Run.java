package dev.runnel.pipeline;

import dev.runnel.Go;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.kit.internal.Uninterruptibly;
import dev.runnel.sync.WaitGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One run of a pipeline: its context, its goroutines, its failures.
 *
 * <p>Invariants: every goroutine of the run is started by {@link #go} and counted in {@code
 * goroutines} before it starts; the first failure cancels {@link #ctx}; a goroutine that ends with
 * a {@link CancellationException} while its own context is done was stopped, not failed.
 */
final class Run {

  /** A stage's body: Go's {@code func() error}. */
  @FunctionalInterface
  interface Body {
    void run() throws Exception;
  }

  /** The run's context: derived from the terminal's, cancelled by the first failure and at the end. */
  final CancelContext ctx;

  private final Context parent;
  private final WaitGroup goroutines = new WaitGroup();
  private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
  /** Set before the run's end cancels {@link #ctx}: stages stopped after that were not cut short. */
  private volatile boolean ending;
  /** Whether a stage was stopped by the run context's end before the run ended: output is partial. */
  private volatile boolean cutShort;
  /** Whether the outcome has been thrown once, so close does not throw it again. */
  private volatile boolean reported;

  Run(Context parent) {
    this.parent = parent;
    this.ctx = Context.withCancel(parent);
  }

  /** Starts {@code body} as a goroutine of this run, stopped by {@code stageCtx}. */
  void go(Context stageCtx, Body body) {
    go(stageCtx, body, () -> {});
  }

  /**
   * Starts {@code body} as a goroutine of this run, stopped by {@code stageCtx}, and runs {@code
   * after} (which closes the stage's output) once its failure, if any, is recorded: so a reader
   * that sees the output closed also sees the failure.
   */
  void go(Context stageCtx, Body body, Runnable after) {
    goroutines.add(1);
    Go.go(
        () -> {
          try {
            body.run();
          } catch (Throwable t) {
            if (t instanceof CancellationException && stageCtx.err() != null) {
              if (ctx.err() != null && !ending) {
                cutShort = true;
              }
            } else {
              fail(t);
            }
          } finally {
            try {
              after.run();
            } finally {
              goroutines.done();
            }
          }
        });
  }

  /** Records a failure; the first cancels the run. */
  void fail(Throwable t) {
    failures.add(t);
    ctx.cancel(t);
  }

  /** Cancels the run and waits, uninterruptibly, for every goroutine of it. */
  void end() {
    ending = true;
    ctx.cancel();
    Uninterruptibly.await(goroutines::await);
  }

  /** Waits for every goroutine of the run without cancelling it. */
  void await() throws InterruptedException {
    goroutines.await();
  }

  /**
   * Throws what ended the run early, if anything did: the failures, else the terminal context's
   * error if it cut the run short. Throws the failures only once.
   */
  void throwOutcome(boolean stopped) {
    throwFailures();
    if (cutShort || stopped) {
      CancellationException err = parent.err();
      throw err != null ? err : ctx.err();
    }
  }

  /** Throws the failures, if any, once. */
  void throwFailures() {
    if (!failures.isEmpty()) {
      if (reported) {
        return;
      }
      reported = true;
      List<Throwable> all = new ArrayList<>(failures);
      CompletionException e = new CompletionException(all.get(0));
      for (Throwable later : all.subList(1, all.size())) {
        e.addSuppressed(later);
      }
      throw e;
    }
  }

  /** Whether the run has failed. */
  boolean failed() {
    return !failures.isEmpty();
  }
}
