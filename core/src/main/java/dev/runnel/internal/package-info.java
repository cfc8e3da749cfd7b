/**
 * Runnel's machinery, not exported: what the public packages are built on. The public types are
 * contracts (Go's built-ins and packages); each holds one of these and adapts its results.
 *
 * <h2>Layers</h2>
 *
 * <ol>
 *   <li>{@link dev.runnel.internal.Waiter}: one blocked goroutine, completed by exactly one CAS
 *       (a hand-off, a grant, a cancellation, a timeout, an interrupt), woken by its completer.
 *       Its class names what it waits for in the JDK's thread dump ({@code ChanSendWait},
 *       {@code ChanReceiveWait}, {@code SelectWait}, {@code SemaWait}); Runnel's own dumps read
 *       its {@code reason()} and {@code waitingOn()}.
 *   <li>Locks and queues: {@link dev.runnel.internal.ShortLock} (a few dozen instructions under
 *       it, CAS then a short spin then a park), {@link dev.runnel.internal.WaitQueue} (an
 *       intrusive FIFO of waiters), {@link dev.runnel.internal.HandOffProbe} (whether a blocked
 *       goroutine spins and yields before it parks).
 *   <li>{@link dev.runnel.internal.Sema} (Go's runtime semaphore, under every {@code sync} type),
 *       {@link dev.runnel.internal.TimerQueue} (one per clock, run by {@link
 *       dev.runnel.internal.SystemTime}'s thread for the real clock), and the channel core:
 *       {@link dev.runnel.internal.ChannelCore} with its wait nodes, its buffer's lock-free
 *       {@code Ring} and an unbuffered channel's lock-free slot (both frozen by the channel's
 *       lock), {@link dev.runnel.internal.SelectCore}, {@link dev.runnel.internal.TimerChannel}.
 *   <li>Cross-cutting: {@link dev.runnel.internal.CancelScope} (how a context ends a wait),
 *       {@link dev.runnel.internal.Goroutines} (ids, the registry, panics), {@link
 *       dev.runnel.internal.Access} (the receive-only views that only {@code dev.runnel} can
 *       make), {@link dev.runnel.internal.LockTracker} (the lock detectors).
 * </ol>
 *
 * <h2>Lock order</h2>
 *
 * A select's channels, each once, in increasing {@code ChannelCore.lockOrder}; then a channel's
 * lock; then the timer queue's (a timer channel schedules its timer under its own lock). A
 * context's lock, then its done channel's, then the timer queue's. A {@code Sema}'s lock is taken
 * alone. No lock is ever held while parking, while running user code, or while starting a thread
 * (the timer thread starts when {@code SystemTime} is initialized, outside every lock).
 *
 * <h2>Wait outcomes</h2>
 *
 * <table>
 *   <caption>What a wait returns, and who installs it</caption>
 *   <tr><th>outcome</th><th>installed by</th></tr>
 *   <tr><td>a completion token (a channel node, {@code Sema.GRANTED})</td>
 *       <td>the partner, under the lock of the object the waiter is queued on, or having taken
 *       the waiter's node out of an unbuffered channel's slot by CAS</td></tr>
 *   <tr><td>{@code Waiter.CONTEXT_DONE}</td><td>a context's cancellation, through its
 *       {@code CancelScope}</td></tr>
 *   <tr><td>{@code Waiter.TIMED_OUT}, {@code Waiter.INTERRUPTED}</td><td>the waiting goroutine
 *       itself, when its deadline passes or it is interrupted; {@code TIMED_OUT} is also a
 *       non-blocking operation's "would block"</td></tr>
 *   <tr><td>{@code ChannelCore.CLOSED} (in a node's item)</td><td>{@code close}, under the
 *       channel's lock: a receive sees a closed channel, a send throws</td></tr>
 * </table>
 */
package dev.runnel.internal;
