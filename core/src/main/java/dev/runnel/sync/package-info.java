/**
 * Go's {@code sync} package: {@link dev.runnel.sync.Mutex}, {@link dev.runnel.sync.RWMutex},
 * {@link dev.runnel.sync.WaitGroup}, {@link dev.runnel.sync.Cond}, {@link dev.runnel.sync.Once},
 * {@link dev.runnel.sync.SyncMap} and {@link dev.runnel.sync.Pool}; and three common patterns
 * built on them: {@link dev.runnel.sync.RetryingOnce}, {@link dev.runnel.sync.ReentrantMutex}
 * and {@link dev.runnel.sync.Striped} locks.
 *
 * <p>Every blocking method here parks its goroutine with {@code LockSupport} (no {@code
 * synchronized}, no {@code Object.wait}, so no virtual thread pins its carrier), spins for at most
 * a few microseconds first, and records what it waits for, in Go's words ({@code sync.Mutex.Lock},
 * {@code sync.RWMutex.RLock}, {@code sync.WaitGroup.Wait}, {@code sync.Cond.Wait}), for goroutine
 * dumps.
 *
 * <h2>Happens-before</h2>
 *
 * Go's memory model for these, which Runnel guarantees:
 *
 * <ul>
 *   <li>{@code Mutex}, {@code ReentrantMutex}: the n-th {@code unlock()} happens-before the
 *       (n+1)-th lock returns ({@code lock}, {@code tryLock} that returns true, {@code
 *       lock(Duration)} that returns true).
 *   <li>{@code RWMutex}: the n-th {@code unlock()} happens-before the (n+1)-th {@code lock()}
 *       returns and every {@code readLock()} that returns after it; a {@code readUnlock()}
 *       happens-before the next {@code lock()} returns.
 *   <li>{@code WaitGroup}: every {@code done()} happens-before the {@code await()} it releases
 *       returns.
 *   <li>{@code Once}: the return of the function happens-before any {@code run} returns.
 *   <li>{@code Cond}: through its locker; {@code signal}/{@code broadcast} made holding the lock
 *       happen-before the woken {@code await} returns.
 *   <li>{@code SyncMap}: a write happens-before every read that observes it.
 *   <li>{@code Pool}: a {@code put(x)} happens-before the {@code get()} that returns {@code x}.
 * </ul>
 */
package dev.runnel.sync;
