package dev.runnel.pipeline;

/**
 * Where a generator source ({@link Pipeline#generate}) puts its items: a send on the source's
 * output channel that gives up when the run is cancelled.
 *
 * <p>Memory consistency effects: actions before {@code emit(x)} happen-before the next stage
 * receives {@code x}.
 *
 * <p>Go: {@code select { case out <- x: case <-ctx.Done(): return ctx.Err() }}.
 *
 * @param <T> the item type
 */
@FunctionalInterface
public interface Emitter<T> {

  /**
   * Sends {@code item} downstream, blocking while the next stage is not ready for it.
   *
   * @param item the item, not null
   * @throws InterruptedException if interrupted while waiting; nothing was sent
   * @throws java.util.concurrent.CancellationException the run context's error if the run was
   *     cancelled (a failure elsewhere, {@code take} had enough, or the terminal's context ended);
   *     let it escape: the generator is then stopped, not failed
   * @throws NullPointerException if {@code item} is null
   */
  void emit(T item) throws InterruptedException;
}
