package dev.runnel.bench;

import dev.runnel.Channel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jctools.queues.MpmcArrayQueue;

/**
 * Where a buffered channel's time goes: the same producer/consumer workload as {@link
 * BufferedChannelBenchmark} (capacity 128, 1x1 and 4x4 virtual threads), for a Runnel channel, an
 * {@link ArrayBlockingQueue}, a lock-free bounded MPMC queue (JCTools) and {@code
 * ArrayBlockingQueue} again whose threads yield instead of blocking, and the hardware's limit on this machine: a single-producer single-consumer ring
 * whose two virtual threads busy-spin instead of blocking (1x1 only).
 *
 * <p>Run it twice, with {@code -Djdk.virtualThreadScheduler.parallelism=1} and {@code =2}: with one
 * carrier thread the producer and the consumer take turns on one core, as Go's runtime keeps a
 * sender and the receiver it wakes on one P (runnext); with two they run on two cores, and every
 * hand-off crosses between them. Go's own numbers come from {@code bench/go} with {@code
 * GOMAXPROCS=1} and {@code 2}.
 *
 * <p>Not a JMH benchmark: its point is the regime, which is a property of the process (where the
 * scheduler puts the threads), so it prints every round of a few short processes instead of one
 * score. {@code java -Djdk.virtualThreadScheduler.parallelism=2 -cp bench/target/benchmarks.jar
 * dev.runnel.bench.CarrierPlacement [rounds]}.
 */
public final class CarrierPlacement {

  private static final int CAPACITY = 128;
  private static final long MESSAGES = 5_000_000;
  private static final Integer[] VALUES = new Integer[CAPACITY];

  static {
    for (int i = 0; i < CAPACITY; i++) {
      VALUES[i] = i;
    }
  }

  private CarrierPlacement() {}

  /** One side of a queue, as the workload uses it. */
  private interface Queue {
    void put(Integer x) throws InterruptedException;

    Integer take() throws InterruptedException;
  }

  public static void main(String[] args) throws InterruptedException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
    String parallelism = System.getProperty("jdk.virtualThreadScheduler.parallelism", "default");
    System.out.printf(
        "carriers: %s, cores: %d, M msgs/s per round (the first is warm-up)%n",
        parallelism, Runtime.getRuntime().availableProcessors());
    for (int pairs : new int[] {1, 4}) {
      report("Runnel channel", pairs, rounds, CarrierPlacement::channel);
      report("ArrayBlockingQueue", pairs, rounds, CarrierPlacement::arrayBlockingQueue);
      if (pairs == 1 || carriers() > 1) { // 4x4 on one carrier: yielders on a full ring starve the rest
        report("JCTools MPMC, yields", pairs, rounds, () -> yielding(new MpmcArrayQueue<>(CAPACITY)));
        report("ABQ, yields", pairs, rounds, () -> yielding(new ArrayBlockingQueue<>(CAPACITY)));
      }
      if (pairs == 1 && carriers() > 1) { // on one carrier, a spinning consumer starves the producer
        report("spinning SPSC ring", pairs, rounds, SpinningRing::new);
      }
    }
  }

  private static int carriers() {
    String p = System.getProperty("jdk.virtualThreadScheduler.parallelism");
    return p == null ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(p);
  }

  private static Queue channel() {
    Channel<Integer> ch = Channel.make(CAPACITY);
    return new Queue() {
      public void put(Integer x) throws InterruptedException {
        ch.send(x);
      }

      public Integer take() throws InterruptedException {
        return ch.receive();
      }
    };
  }

  private static Queue arrayBlockingQueue() {
    ArrayBlockingQueue<Integer> q = new ArrayBlockingQueue<>(CAPACITY);
    return new Queue() {
      public void put(Integer x) throws InterruptedException {
        q.put(x);
      }

      public Integer take() throws InterruptedException {
        return q.take();
      }
    };
  }

  /**
   * The limit: one producer, one consumer, each owning its index; a full or empty ring is waited
   * out by spinning, so nothing ever parks. Indexes are 16 longs apart, on cache lines of their own.
   */
  private static final class SpinningRing implements Queue {
    private final AtomicReferenceArray<Integer> slots = new AtomicReferenceArray<>(CAPACITY);
    private final AtomicLongArray indexes = new AtomicLongArray(32); // tail at 0, head at 16
    private long tail;
    private long head;

    public void put(Integer x) {
      while (tail - indexes.get(16) >= CAPACITY) {
        Thread.onSpinWait();
      }
      slots.lazySet((int) (tail % CAPACITY), x);
      indexes.lazySet(0, ++tail);
    }

    public Integer take() {
      while (indexes.get(0) <= head) {
        Thread.onSpinWait();
      }
      Integer x = slots.get((int) (head % CAPACITY));
      indexes.lazySet(16, ++head);
      return x;
    }
  }

  /**
   * A bounded queue used without blocking at all: a full or empty queue is waited out by yielding,
   * so that 4x4 can run on two carriers. Over JCTools' {@code MpmcArrayQueue} (lock-free, per-slot
   * sequence numbers, one CAS per operation) it is what a channel's lock-free fast path could reach
   * at best; over {@link ArrayBlockingQueue}'s {@code offer}/{@code poll} (one lock) it tells the
   * ring's share of that from the waiting's.
   */
  private static Queue yielding(java.util.Queue<Integer> q) {
    return new Queue() {
      public void put(Integer x) {
        while (!q.offer(x)) {
          Thread.yield();
        }
      }

      public Integer take() {
        Integer x;
        while ((x = q.poll()) == null) {
          Thread.yield();
        }
        return x;
      }
    };
  }

  private interface Maker {
    Queue make();
  }

  private static void report(String name, int pairs, int rounds, Maker maker)
      throws InterruptedException {
    StringBuilder line = new StringBuilder(String.format("%-20s %dx%d:", name, pairs, pairs));
    for (int r = 0; r < rounds; r++) {
      line.append(String.format(" %5.1f", run(maker.make(), pairs) / 1e6));
    }
    System.out.println(line);
  }

  /** Messages per second for one round of {@link #MESSAGES}. */
  private static double run(Queue q, int pairs) throws InterruptedException {
    long perThread = MESSAGES / pairs;
    CountDownLatch done = new CountDownLatch(2 * pairs);
    long start = System.nanoTime();
    for (int i = 0; i < pairs; i++) {
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  for (long k = 0; k < perThread; k++) {
                    q.put(VALUES[(int) (k % CAPACITY)]);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                done.countDown();
              });
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  for (long k = 0; k < perThread; k++) {
                    q.take();
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                done.countDown();
              });
    }
    done.await();
    return perThread * pairs / ((System.nanoTime() - start) / 1e9);
  }
}
