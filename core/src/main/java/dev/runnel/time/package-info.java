/**
 * Go's {@code time} package: timers, tickers and sleeps ({@link dev.runnel.time.Time}, {@link
 * dev.runnel.time.Timer}, {@link dev.runnel.time.Ticker}) with Go 1.23's semantics, on an
 * injectable {@link dev.runnel.time.Clock}, and a {@link dev.runnel.time.ManualClock} for tests.
 *
 * <p>All timers of a clock share one queue (ADR 0007); the system clock runs it on one daemon
 * platform thread. A timer's channel is queued there only while a goroutine waits on it, so an
 * unreferenced timer is garbage and {@code after} in a select loop leaves nothing behind.
 *
 * <h2>Happens-before</h2>
 *
 * <ul>
 *   <li>Actions before {@code newTimer}, {@code after}, {@code newTicker} or a {@code reset}
 *       happen-before the receive of a value the timer or ticker delivers afterwards.
 *   <li>Actions before {@code afterFunc} or a {@code reset} of its timer happen-before the
 *       function starts.
 *   <li>{@code stop} and {@code reset}: once they return, no value delivered before them is
 *       received.
 *   <li>On a {@link dev.runnel.time.ManualClock}, actions before {@code advance} happen-before the
 *       deliveries, wake-ups and function starts it causes.
 * </ul>
 */
package dev.runnel.time;
