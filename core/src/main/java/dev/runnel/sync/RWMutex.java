package dev.runnel.sync;

import dev.runnel.internal.LockTracker;
import dev.runnel.internal.Sema;
import dev.runnel.internal.WaitReason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A reader/writer mutual exclusion lock: Go's {@code sync.RWMutex}.
 *
 * <p>Any number of readers or one writer may hold it. A new {@code RWMutex} is unlocked (Go's zero
 * value). It is write-preferring: once a goroutine waits in {@link #lock()}, new {@link
 * #readLock()} calls wait until that writer has had the lock and released it, so a steady stream
 * of readers cannot starve a writer. A consequence Go documents: a goroutine must not read-lock a
 * mutex it already read-locks (a recursive read lock), because a writer arriving between the two
 * calls makes the second wait for the writer, which waits for the first: a deadlock. It is not
 * owned: one goroutine may lock and another unlock.
 *
 * <table class="striped">
 *   <caption>Operations</caption>
 *   <thead><tr><th>mode</th><th>blocks</th><th>never blocks</th><th>release</th></tr></thead>
 *   <tbody>
 *     <tr><td>write</td><td>{@link #lock()}</td><td>{@link #tryLock()}</td>
 *         <td>{@link #unlock()}</td></tr>
 *     <tr><td>read</td><td>{@link #readLock()}</td><td>{@link #tryReadLock()}</td>
 *         <td>{@link #readUnlock()}</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>The blocking forms are uninterruptible like Go's: an interrupt does not end the wait and
 * stays set. Misuse throws {@link IllegalMonitorStateException} with Go's texts: {@code "sync:
 * RUnlock of unlocked RWMutex (readUnlock)"}, with the Java name of Go's {@code RUnlock}, and
 * {@code "sync: Unlock of unlocked RWMutex"}.
 *
 * <p><b>Memory consistency effects:</b> as Go's memory model states: the n-th {@code unlock()}
 * happens-before the (n+1)-th {@code lock()} returns, and happens-before every {@code readLock()}
 * that returns after it; and for every {@code readLock()} that returns after the n-th {@code
 * unlock()}, the matching {@code readUnlock()} happens-before the (n+1)-th {@code lock()} returns.
 *
 * <p><b>Go:</b> {@code sync.RWMutex} ({@code Lock}, {@code Unlock}, {@code RLock}, {@code
 * RUnlock}, {@code TryLock}, {@code TryRLock}, {@code RLocker}), with the same algorithm. Misuse
 * throws instead of being a fatal error, and leaves the lock as it was (a misused {@code
 * readUnlock} that races the last reader's own may disturb concurrent calls for that moment).
 *
 * {@snippet :
 * RWMutex mu = new RWMutex();
 * mu.readLock();
 * try {
 *   return cache.get(key);
 * } finally {
 *   mu.readUnlock();
 * }
 * }
 */
public final class RWMutex implements Locker {

  /** Go's text for a misused {@code RUnlock}, with the Java name. */
  private static final String RUNLOCK_OF_UNLOCKED =
      "sync: RUnlock of unlocked RWMutex (readUnlock)";

  /*
   * Implementation notes (Go's algorithm).
   *
   * readerCount: the number of readers holding or waiting for the read lock, minus MAX_READERS
   * while a writer holds or waits for the lock (so it is negative exactly then, and a reader that
   * sees a negative count after its increment waits on readerSem).
   * readerWait: the number of readers the pending writer still waits for (those that held the
   * read lock when the writer announced itself); the last of them to leave releases writerSem.
   * writers: writers first serialize on an inner Mutex, then announce themselves in readerCount.
   * unlock releases one readerSem permit per reader that arrived while it held the lock.
   *
   * The semaphores' permits balance exactly, so a release that precedes the matching acquire is
   * kept, never lost. Nothing here times out, so no waiter ever leaves a queue early.
   *
   * Misuse. Go's RUnlock and Unlock add first and check after, leaving a corrupt state behind
   * their fatal error. Here unlock checks and changes readerCount in one CAS, so a misused unlock
   * changes nothing. readUnlock, the hot path of every reader, keeps Go's single atomic add (a
   * CAS loop there halved read throughput with 8 readers on 2 cores) behind a plain read that
   * rejects the common misuse (no reader at all) before changing anything; only a misused call
   * that races the last reader's release still adds first, sees the count go negative, and undoes
   * it, disturbing concurrent operations for that moment. readUnlock cannot tell a holder from a
   * goroutine that never locked while other readers hold the lock: like Go's, it then releases
   * one of their holds.
   *
   * Known, as in Go: tryLock can fail during another goroutine's unlock, between the reader count
   * release and the inner writer mutex's unlock, although every reader and writer has left.
   */

  /** More readers than this at once is not supported (Go: rwmutexMaxReaders). */
  private static final int MAX_READERS = 1 << 30;

  private static final VarHandle READER_COUNT;
  private static final VarHandle READER_WAIT;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      READER_COUNT = l.findVarHandle(RWMutex.class, "readerCount", int.class);
      READER_WAIT = l.findVarHandle(RWMutex.class, "readerWait", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Mutex writers = new Mutex(WaitReason.RW_MUTEX_LOCK, this);
  private final Sema writerSem = new Sema(WaitReason.RW_MUTEX_LOCK, this, null);
  private final Sema readerSem = new Sema(WaitReason.RW_MUTEX_READ_LOCK, this, null);
  private final Locker readLocker = new ReadLocker();
  private volatile int readerCount;
  private volatile int readerWait;

  /** Creates an unlocked reader/writer mutex. */
  public RWMutex() {}

  /**
   * Locks for reading, waiting while a writer holds or waits for the lock: Go's {@code RLock}.
   * Must not be called recursively (see the class description).
   */
  public void readLock() {
    if (LockTracker.on) {
      LockTracker.lock(this, this::readLockUntracked);
      return;
    }
    readLockUntracked();
  }

  private void readLockUntracked() {
    if ((int) READER_COUNT.getAndAdd(this, 1) + 1 < 0) {
      readerSem.acquire(false, Long.MAX_VALUE, false); // a writer is pending
    }
  }

  /**
   * Locks for reading if no writer holds or waits for the lock: Go's {@code TryRLock}.
   *
   * @return true if read-locked by this call
   */
  public boolean tryReadLock() {
    for (int c; (c = readerCount) >= 0; ) {
      if (READER_COUNT.compareAndSet(this, c, c + 1)) {
        if (LockTracker.on) {
          LockTracker.acquired(this);
        }
        return true;
      }
    }
    return false;
  }

  /**
   * Undoes one {@link #readLock()}: Go's {@code RUnlock}.
   *
   * @throws IllegalMonitorStateException {@code "sync: RUnlock of unlocked RWMutex (readUnlock)"}
   *     if it is not read-locked
   */
  public void readUnlock() {
    if (LockTracker.on) {
      LockTracker.released(this);
    }
    int c = readerCount;
    if (c == 0 || c == -MAX_READERS) {
      throw new IllegalMonitorStateException(RUNLOCK_OF_UNLOCKED);
    }
    int r = (int) READER_COUNT.getAndAdd(this, -1) - 1;
    if (r < 0) {
      readUnlockSlow(r);
    }
  }

  private void readUnlockSlow(int r) {
    if (r + 1 == 0 || r + 1 == -MAX_READERS) {
      READER_COUNT.getAndAdd(this, 1); // a misused call raced the last reader's: undo
      throw new IllegalMonitorStateException(RUNLOCK_OF_UNLOCKED);
    }
    if ((int) READER_WAIT.getAndAdd(this, -1) - 1 == 0) {
      writerSem.release(); // the last reader the pending writer waited for
    }
  }

  /**
   * Locks for writing, waiting for other writers and then for the current readers: Go's {@code
   * Lock}. From the moment it starts waiting for readers, new readers wait for it.
   */
  @Override
  public void lock() {
    if (LockTracker.on) {
      LockTracker.lock(this, this::lockUntracked);
      return;
    }
    lockUntracked();
  }

  private void lockUntracked() {
    writers.lock();
    int r = (int) READER_COUNT.getAndAdd(this, -MAX_READERS);
    if (r != 0 && (int) READER_WAIT.getAndAdd(this, r) + r != 0) {
      writerSem.acquire(false, Long.MAX_VALUE, false);
    }
  }

  /**
   * Locks for writing if neither a reader nor a writer holds or waits for it: Go's {@code
   * TryLock}. Like Go's, it also fails while another goroutine is inside {@code lock}, {@code
   * unlock} or {@code tryLock} on this mutex, even if the lock is free before and after.
   *
   * @return true if write-locked by this call
   */
  public boolean tryLock() {
    if (!writers.tryLock()) {
      return false;
    }
    if (!READER_COUNT.compareAndSet(this, 0, -MAX_READERS)) {
      writers.unlock();
      return false;
    }
    if (LockTracker.on) {
      LockTracker.acquired(this);
    }
    return true;
  }

  /**
   * Undoes {@link #lock()}: Go's {@code Unlock}. Wakes the readers that arrived while it was
   * write-locked, then lets the next writer in.
   *
   * @throws IllegalMonitorStateException {@code "sync: Unlock of unlocked RWMutex"} if it is not
   *     write-locked
   */
  @Override
  public void unlock() {
    if (LockTracker.on) {
      LockTracker.released(this);
    }
    int c;
    do {
      c = readerCount;
      if (c >= 0) {
        throw new IllegalMonitorStateException("sync: Unlock of unlocked RWMutex");
      }
    } while (!READER_COUNT.compareAndSet(this, c, c + MAX_READERS));
    int r = c + MAX_READERS; // readers that arrived while write-locked, waiting on readerSem
    if (r > 0) {
      readerSem.release(r, null); // one step for all of them
    }
    writers.unlock();
  }

  /**
   * A {@link Locker} whose {@code lock} and {@code unlock} are this mutex's {@link #readLock()}
   * and {@link #readUnlock()}: Go's {@code RLocker}, for a {@link Cond} of readers.
   *
   * @return the read locker, the same object on every call
   */
  public Locker readLocker() {
    return readLocker;
  }

  /**
   * Number of goroutines holding or waiting for the read lock, for metrics and tests.
   *
   * @return the reader count, a snapshot
   */
  public int readers() {
    int c = readerCount;
    return c < 0 ? c + MAX_READERS : c;
  }

  /**
   * Whether a writer holds the lock or waits for the readers to leave.
   *
   * @return true if a writer is in, a snapshot
   */
  public boolean isWriteLocked() {
    return readerCount < 0;
  }

  @Override
  public String toString() {
    return "RWMutex[" + (isWriteLocked() ? "writer, " : "") + "readers=" + readers() + "]";
  }

  /** The read half, as a Locker. */
  private final class ReadLocker implements Locker {
    @Override
    public void lock() {
      readLock();
    }

    @Override
    public void unlock() {
      readUnlock();
    }

    @Override
    public String toString() {
      return "readLocker of " + RWMutex.this;
    }
  }
}
