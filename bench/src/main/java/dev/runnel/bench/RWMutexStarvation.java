package dev.runnel.bench;

import dev.runnel.sync.RWMutex;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Supplier;

/**
 * Readers and writers on one read-write lock: {@value #READERS} reader virtual threads and one
 * writer share a field for a fixed time per variant. Printed: reads per second and writes per
 * second; a writer that starves shows as writes/s near 0.
 *
 * <p>Each reader loops {@code readLock(); sum += shared; readUnlock()}. The writer does {@code
 * lock(); shared++; unlock()} once per {@value #READS_PER_WRITE} reads the readers have completed
 * (it yields while it is ahead, and owes at most one write per reader, so a writer held up cannot
 * catch up later in a burst): a writer that keeps up makes 1% of the operations, printed as 1.000
 * writes per 100 reads (somewhat less where the scheduler runs it late), and a starved one makes
 * next to none. Virtual threads are not time-sliced, so with fewer carriers than threads a reader
 * that never blocks would keep its carrier for the whole run; every reader therefore yields after
 * each {@value #READS_PER_WRITE} reads, standing in for Go's preemption ({@code bench/go -workload
 * rwmutex} runs the same loops, yielding at the same points). Variants: Runnel's {@link RWMutex},
 * the nonfair {@link ReentrantReadWriteLock}, and {@link StampedLock}'s read and write locks (no
 * optimistic reads).
 *
 * <p>Not a JMH benchmark: the two rates come from the same run, and the run must end even if the
 * writer never gets in: every thread stops at the deadline, and once the readers stop a waiting
 * writer gets through. Run it with {@code java -cp bench/target/benchmarks.jar
 * dev.runnel.bench.RWMutexStarvation [millis]} (default 2000); a warm-up run of a tenth of the time
 * precedes each variant.
 */
public final class RWMutexStarvation {

  static final int READERS = 8;
  static final int READS_PER_WRITE = 100;

  /**
   * The most reads the writer may owe writes for: one round of every reader's batch. A writer held
   * up longer loses the rest instead of catching up later in a burst that would hide the wait.
   */
  private static final long BANK = (long) READERS * READS_PER_WRITE;

  /** Longs between two readers' counters: 128 bytes, so no two share a cache line. */
  private static final int PAD = 16;

  private RWMutexStarvation() {}

  /** The four operations of a read-write lock. */
  private interface RW {
    void readLock();

    void readUnlock();

    void lock();

    void unlock();
  }

  private record Variant(String name, Supplier<RW> lock) {}

  private static final List<Variant> VARIANTS =
      List.of(
          new Variant("Runnel RWMutex", RWMutexStarvation::rwMutex),
          new Variant("ReentrantReadWriteLock", RWMutexStarvation::reentrantReadWriteLock),
          new Variant("StampedLock", RWMutexStarvation::stampedLock));

  private static RW rwMutex() {
    RWMutex m = new RWMutex();
    return new RW() {
      public void readLock() {
        m.readLock();
      }

      public void readUnlock() {
        m.readUnlock();
      }

      public void lock() {
        m.lock();
      }

      public void unlock() {
        m.unlock();
      }
    };
  }

  private static RW reentrantReadWriteLock() {
    ReentrantReadWriteLock l = new ReentrantReadWriteLock();
    return new RW() {
      public void readLock() {
        l.readLock().lock();
      }

      public void readUnlock() {
        l.readLock().unlock();
      }

      public void lock() {
        l.writeLock().lock();
      }

      public void unlock() {
        l.writeLock().unlock();
      }
    };
  }

  private static RW stampedLock() {
    StampedLock l = new StampedLock();
    return new RW() {
      public void readLock() {
        l.asReadLock().lock();
      }

      public void readUnlock() {
        l.asReadLock().unlock();
      }

      public void lock() {
        l.asWriteLock().lock();
      }

      public void unlock() {
        l.asWriteLock().unlock();
      }
    };
  }

  private record Result(
      double readsPerSecond, double writesPerSecond, double meanWaitMicros, double maxWaitMicros) {}

  public static void main(String[] args) {
    long millis = args.length > 0 ? Long.parseLong(args[0]) : 2000;
    var runtime = ManagementFactory.getRuntimeMXBean();
    System.out.printf(
        "RWMutexStarvation: %d readers + 1 writer, 1 write per %d reads, %d ms per variant%n"
            + "JVM: %s %s, %d CPUs%n%n",
        READERS,
        READS_PER_WRITE,
        millis,
        runtime.getVmName(),
        Runtime.version(),
        Runtime.getRuntime().availableProcessors());
    System.out.printf(
        "%-26s %16s %16s %16s %22s%n",
        "lock", "reads/s", "writes/s", "writes per 100 reads", "writer lock() us mean/max");
    for (Variant v : VARIANTS) {
      run(v.lock.get(), Math.max(1, millis / 10)); // warm-up
      Result r = run(v.lock.get(), millis);
      System.out.printf(
          "%-26s %,16.0f %,16.0f %16.3f %,11.1f /%,10.1f%n",
          v.name,
          r.readsPerSecond,
          r.writesPerSecond,
          r.readsPerSecond == 0 ? Double.NaN : 100 * r.writesPerSecond / r.readsPerSecond,
          r.meanWaitMicros,
          r.maxWaitMicros);
    }
  }

  /** The field the readers read and the writer increments, guarded by the lock under test. */
  private static final class Shared {
    long value;
  }

  private static Result run(RW lock, long millis) {
    Shared shared = new Shared();
    AtomicLongArray reads = new AtomicLongArray(READERS * PAD); // reader r's count at r * PAD
    long[] writes = new long[1];
    long[] wait = new long[2]; // the writer's lock(): total and longest, in ns
    long start = System.nanoTime();
    long deadline = start + millis * 1_000_000;
    Workers.Task[] workers = new Workers.Task[READERS + 1];
    for (int r = 0; r < READERS; r++) {
      int slot = r * PAD;
      workers[r] =
          () -> {
            long sum = 0;
            long done = 0;
            while (System.nanoTime() - deadline < 0) {
              for (int i = 0; i < READS_PER_WRITE; i++) {
                lock.readLock();
                sum += shared.value;
                lock.readUnlock();
              }
              done += READS_PER_WRITE;
              reads.setRelease(slot, done);
              Thread.yield();
            }
            if (sum < 0) {
              throw new AssertionError("the writer only increments");
            }
          };
    }
    workers[READERS] =
        () -> {
          long written = 0;
          long credit = 0; // reads not yet paid for by a write, at most BANK
          long seen = 0;
          while (System.nanoTime() - deadline < 0) {
            long now = totalReads(reads);
            credit = Math.min(credit + now - seen, BANK);
            seen = now;
            if (credit < READS_PER_WRITE) {
              Thread.yield();
              continue;
            }
            credit -= READS_PER_WRITE;
            long t = System.nanoTime();
            lock.lock();
            long waited = System.nanoTime() - t;
            shared.value++;
            lock.unlock();
            wait[1] = Math.max(wait[1], waited); // also a wait that ran past the deadline
            if (System.nanoTime() - deadline < 0) {
              written++; // a write that waited past the deadline is not counted
              wait[0] += waited;
            }
          }
          writes[0] = written;
        };
    Workers.runAll(workers);
    double seconds = (deadline - start) / 1e9;
    return new Result(
        totalReads(reads) / seconds,
        writes[0] / seconds,
        writes[0] == 0 ? Double.NaN : wait[0] / 1e3 / writes[0],
        wait[1] / 1e3);
  }

  private static long totalReads(AtomicLongArray reads) {
    long total = 0;
    for (int r = 0; r < READERS; r++) {
      total += reads.getAcquire(r * PAD);
    }
    return total;
  }
}
