package dev.runnel.examples;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.debug.DeadlockDetector;
import dev.runnel.debug.DeadlockReport;
import dev.runnel.debug.GoroutineDump;
import dev.runnel.debug.LockOrderDetector;
import dev.runnel.debug.LongWaitDetector;
import dev.runnel.sync.Mutex;
import dev.runnel.sync.WaitGroup;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The debugging tools on four small bugs, each printed as a user would see it (README, "Debugging
 * concurrent code"):
 *
 * <ol>
 *   <li>a goroutine dump of a stage stuck because nobody reads its output;
 *   <li>two locks taken in both orders, reported although this run did not deadlock;
 *   <li>a lock held across a slow receive, reported with the holder's stack;
 *   <li>a deadlock of the whole program, reported as Go reports it (then undone, so that the tour
 *       ends with no goroutine left behind).
 * </ol>
 */
public final class DebuggingTour {

  private DebuggingTour() {}

  public static void main(String[] args) throws Exception {
    GoroutineDump.recordCreationStacks(true);
    stuckStage();
    lockOrder();
    longWait();
    deadlock();
  }

  /** 1. A producer whose consumer gave up: the dump shows it blocked in send, and why. */
  private static void stuckStage() throws InterruptedException {
    Channel<Integer> results = Channel.make();
    Go.go(() -> results.send(compute()));
    awaitBlocked();
    System.out.println("== 1. Go.dump() of a goroutine nobody listens to\n");
    System.out.println(Go.dump());
    results.receive(); // release it
  }

  private static int compute() {
    return 42;
  }

  /** 2. transfer(a, b) and transfer(b, a): fine this time, a deadlock some other time. */
  private static void lockOrder() throws InterruptedException {
    System.out.println("== 2. LockOrderDetector\n");
    LockOrderDetector.enable(System.out::print);
    Mutex a = new Mutex();
    Mutex b = new Mutex();
    WaitGroup wg = new WaitGroup();
    wg.go(() -> transfer(a, b));
    wg.await();
    wg.go(() -> transfer(b, a));
    wg.await();
    LockOrderDetector.disable();
    System.out.println();
  }

  private static void transfer(Mutex from, Mutex to) {
    from.lock();
    to.lock();
    to.unlock();
    from.unlock();
  }

  /** 3. A lock held while waiting for a reply: everyone else queues behind the slow receive. */
  private static void longWait() throws InterruptedException {
    System.out.println("== 3. LongWaitDetector (threshold 200 ms)\n");
    BlockingQueue<String> reports = new ArrayBlockingQueue<>(1);
    LongWaitDetector.enable(Duration.ofMillis(200), w -> reports.offer(w.toString()));
    Mutex cache = new Mutex();
    Channel<String> reply = Channel.make();
    WaitGroup wg = new WaitGroup();
    wg.go(
        () -> {
          cache.lock();
          try {
            reply.receive(); // the slow call, made while holding the lock
          } finally {
            cache.unlock();
          }
        });
    wg.go(
        () -> {
          cache.lock();
          cache.unlock();
        });
    System.out.println(reports.take());
    reply.send("done");
    wg.await();
    LongWaitDetector.disable();
  }

  /** 4. Two goroutines each waiting for the other, and main waiting for both. */
  private static void deadlock() throws InterruptedException {
    System.out.println("== 4. DeadlockDetector\n");
    DeadlockDetector.enable(
        Duration.ofMillis(100),
        (DeadlockReport report) -> {
          System.out.println(report);
          // Go would exit(2) here; the tour wakes main, which lets the two goroutines go.
          report.threads().stream().filter(t -> !t.isVirtual()).forEach(Thread::interrupt);
        });
    Channel<String> ping = Channel.make();
    Channel<String> pong = Channel.make();
    WaitGroup wg = new WaitGroup();
    wg.go(() -> relay(ping, pong));
    wg.go(() -> relay(pong, ping));
    try {
      wg.await();
    } catch (InterruptedException e) {
      System.out.println("main: interrupted by the deadlock handler");
    } finally {
      DeadlockDetector.disable();
    }
    // Closing both channels ends each goroutine's receive, so the tour leaves none behind.
    ping.close();
    pong.close();
    wg.await();
    System.out.println("main: closed both channels; both goroutines have returned");
  }

  /** Passes on what {@code in} gives, if it gives anything before it is closed. */
  private static void relay(Channel<String> in, Channel<String> out) throws InterruptedException {
    String v = in.receive();
    if (v != null) {
      out.send(v);
    }
  }

  /** Waits until every goroutine is parked. */
  private static void awaitBlocked() throws InterruptedException {
    while (GoroutineDump.take().goroutines().stream().anyMatch(g -> g.state().equals("running"))) {
      Thread.sleep(10);
    }
  }
}
