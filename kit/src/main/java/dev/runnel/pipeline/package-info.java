/**
 * Typed pipelines: a source, stages joined by channels, and a terminal call that runs them under
 * one context, cancels them all on the first failure, and returns only when every goroutine of the
 * run has ended. {@link dev.runnel.pipeline.Pipeline} is the entry point.
 *
 * <p>Happens-before, in this package:
 *
 * <ul>
 *   <li>Actions before a terminal call (or {@code start}) happen-before every stage of that run
 *       starts.
 *   <li>A stage's actions before it sends an item happen-before the next stage's (or the
 *       terminal's consumer's) actions after it receives that item.
 *   <li>Every goroutine's actions in a run happen-before the terminal call returns or throws, and
 *       before {@code RunningPipeline.join} and {@code close} return.
 *   <li>A failure's recording happens-before the cancellation it causes is observed by any stage.
 *   <li>A stage's actions for an item happen-before its {@code OnItemFailure} handler runs for it.
 *   <li>For {@code toPublisher}: a stage's actions before it sends an item happen-before the
 *       subscriber's {@code onNext} for it; every goroutine of the run happens-before {@code
 *       onComplete} or {@code onError}.
 * </ul>
 */
package dev.runnel.pipeline;
