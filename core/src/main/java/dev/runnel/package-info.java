/**
 * Go's built-ins: goroutines ({@link dev.runnel.Go}), channels ({@link dev.runnel.Channel}) and
 * the {@code select} statement ({@link dev.runnel.Select}).
 *
 * <h2>Happens-before</h2>
 *
 * Go's memory model for these, which Runnel guarantees:
 *
 * <ul>
 *   <li>{@code Go.go(f)} happens-before {@code f} starts.
 *   <li>A send on a channel happens-before the corresponding receive from that channel completes.
 *   <li>A receive from an unbuffered channel happens-before the corresponding send completes.
 *   <li>The k-th receive on a channel with capacity C happens-before the (k+C)-th send on that
 *       channel completes.
 *   <li>Closing a channel happens-before a receive that returns because the channel is closed.
 *   <li>A select that performs a communication has exactly the effects of that send or receive.
 * </ul>
 */
package dev.runnel;
