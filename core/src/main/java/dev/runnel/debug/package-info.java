/**
 * Seeing what goroutines do: goroutine dumps, and detectors of deadlocks, inconsistent lock order
 * and long lock waits.
 *
 * <ul>
 *   <li>{@link dev.runnel.debug.GoroutineDump}: every live goroutine with Go's wait reason ({@code
 *       chan receive}, {@code sync.Mutex.Lock}, {@code select}, {@code semacquire}, {@code sleep},
 *       {@code running}, ...), how long it has been in it, what it waits on, its stack and where it
 *       was started; as Go-shaped text, records and JSON. {@code Go.dump()} is the text.
 *   <li>{@link dev.runnel.debug.DeadlockDetector}: Go's {@code all goroutines are asleep -
 *       deadlock!}, opt-in.
 *   <li>{@link dev.runnel.debug.LockOrderDetector}: locks taken in both orders, opt-in.
 *   <li>{@link dev.runnel.debug.LongWaitDetector}: lock waits longer than a threshold, with the
 *       holder's stack, opt-in.
 *   <li>{@link dev.runnel.debug.Diagnostics}: the dump from outside the program (JMX, a signal),
 *       and the detectors from system properties.
 * </ul>
 *
 * <p>The leak check for tests (Go's goleak) is in the {@code runnel-testing} module.
 *
 * <p>What it costs: every blocked goroutine already parks with its waiter as the park blocker,
 * which is all a dump reads; a goroutine start links itself into a striped list (the registry).
 * While the detectors are off, a lock operation reads one volatile boolean; the deadlock detector
 * touches no operation at all. BENCHMARKS.md ("Observability") has the numbers, off and on.
 *
 * <p>Memory consistency effects: none. A dump and the detectors read goroutines without
 * synchronizing with them; what they report about a goroutine that is moving may be stale, and
 * the deadlock detector's rule is built so that staleness never makes it report a deadlock that
 * is not one.
 */
package dev.runnel.debug;
