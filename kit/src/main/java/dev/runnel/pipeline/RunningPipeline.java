package dev.runnel.pipeline;

import dev.runnel.ReceiveChannel;
import dev.runnel.context.Context;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * A started run of a {@link Pipeline} whose output is read as a channel: what {@link
 * Pipeline#start} returns, for handing a pipeline's output to another part of a program.
 *
 * <ul>
 *   <li>{@link #receive()} returns the next item, or null once the run has completed; if the run
 *       failed or was cancelled it throws instead, so <em>the reader</em> learns of a failure, not
 *       only the owner.
 *   <li>{@link #output()} is the raw channel, for {@code Select}: it is closed when the run ends,
 *       whether it completed or not; {@link #join()} then says which.
 *   <li>{@link #close()} cancels the run and waits for every goroutine of it (try-with-resources).
 * </ul>
 *
 * <p>Memory consistency effects: a stage's actions before it sends an item happen-before the
 * reader receives it; every goroutine's actions happen-before {@link #join()} and {@link #close()}
 * return.
 *
 * <p>Go: the output channel of a pipeline plus the error a {@code bufio.Scanner}-style {@code
 * Err()} reports after the channel closes.
 *
 * {@snippet :
 * try (RunningPipeline<Row> rows = Pipeline.from(source).map(Row::parse).start(ctx)) {
 *   for (Row r; (r = rows.receive()) != null; ) {
 *     store(r);
 *   } // a failed parse is thrown here, by the reader
 * }
 * }
 *
 * @param <T> the item type
 */
public final class RunningPipeline<T> implements AutoCloseable {

  private final Run run;
  private final ReceiveChannel<T> output;

  RunningPipeline(Run run, ReceiveChannel<T> output) {
    this.run = run;
    this.output = output;
  }

  /**
   * The last stage's output channel: closed when the run ends, normally or not.
   *
   * @return the channel
   */
  public ReceiveChannel<T> output() {
    return output;
  }

  /**
   * Receives the next item.
   *
   * @return the item, or null when the run has completed and every item has been received
   * @throws InterruptedException if interrupted while waiting; the run goes on
   * @throws CompletionException the first failure of the run as its cause (later ones suppressed)
   * @throws CancellationException the terminal context's error if it ended the run early
   */
  public T receive() throws InterruptedException {
    T item;
    try {
      item = output.receive(run.ctx);
    } catch (CancellationException e) {
      run.end(); // every goroutine has stopped, so every failure is recorded before the throw
      run.throwOutcome(true);
      throw e;
    }
    if (item == null) {
      run.end();
      run.throwOutcome(false);
    }
    return item;
  }

  /**
   * Waits for every goroutine of the run to end, then throws what ended it early, if anything.
   * The output must be read to its end (or the run cancelled) for the stages to end.
   *
   * @throws InterruptedException if interrupted while waiting; the run goes on
   * @throws CompletionException the first failure of the run as its cause
   * @throws CancellationException the terminal context's error if it ended the run early
   */
  public void join() throws InterruptedException {
    run.await();
    run.throwOutcome(false);
  }

  /** The run's context. */
  Context context() {
    return run.ctx;
  }

  /** Throws what stopped the run: its consumer saw the run's context end. */
  void stopped() {
    run.throwOutcome(true);
  }

  /** Fails the run with {@code failure} (a terminal's consumer that threw). */
  void fail(Throwable failure) {
    run.fail(failure);
  }

  /**
   * Cancels the run and waits, uninterruptibly, for every goroutine of it to end; then throws the
   * first failure if no {@link #receive()} or {@link #join()} reported it.
   *
   * @throws CompletionException the first unreported failure as its cause
   */
  @Override
  public void close() {
    run.end();
    run.throwFailures();
  }
}
