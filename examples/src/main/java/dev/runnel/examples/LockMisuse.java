package dev.runnel.examples;

import dev.runnel.sync.Mutex;
import dev.runnel.sync.ReentrantMutex;
import dev.runnel.sync.WaitGroup;
import java.time.Duration;

/**
 * The classic Go lock mistakes, each next to its fix. Copying a mutex (Go's first
 * pitfall) cannot happen in Java: a {@code Mutex} is a reference. The others can.
 */
public final class LockMisuse {

  private LockMisuse() {}

  private static final Duration PATIENCE = Duration.ofMillis(100);

  private static int balance;

  public static void main(String[] args) throws InterruptedException {
    forgottenUnlock();
    unlockOfUnlocked();
    reentrantLock();
    addInsideTheGoroutine();
  }

  /** 1. An early exit between lock and unlock leaves the mutex locked forever. */
  private static void forgottenUnlock() throws InterruptedException {
    Mutex mu = new Mutex();
    try {
      mu.lock();
      withdraw(500); // throws: the unlock below never runs
      mu.unlock();
    } catch (IllegalArgumentException e) {
      System.out.println("1. withdraw failed: " + e.getMessage());
    }
    System.out.println("   next lock within " + PATIENCE.toMillis() + " ms? " + mu.lock(PATIENCE));

    // Fix: unlock in finally, or let try-with-resources do it (Go's defer mu.Unlock()).
    Mutex fixed = new Mutex();
    try (var held = fixed.hold()) {
      withdraw(500);
    } catch (IllegalArgumentException e) {
      System.out.println("   with hold(): withdraw failed, and the mutex is " + fixed);
    }
  }

  /** 2. Unlocking twice (or unlocking what was never locked) is a bug Go makes fatal. */
  private static void unlockOfUnlocked() {
    Mutex mu = new Mutex();
    mu.lock();
    mu.unlock();
    try {
      mu.unlock();
    } catch (IllegalMonitorStateException e) {
      System.out.println("2. second unlock: " + e.getMessage());
    }
  }

  /** 3. Go's Mutex is not reentrant: locking it again from its holder waits for itself. */
  private static void reentrantLock() throws InterruptedException {
    Mutex mu = new Mutex();
    mu.lock();
    boolean again = mu.lock(PATIENCE); // with lock() this would never return
    System.out.println("3. relock from the holder within " + PATIENCE.toMillis() + " ms? " + again);
    mu.unlock();

    // Fix: restructure so that helpers expect the lock to be held, or use ReentrantMutex.
    ReentrantMutex rm = new ReentrantMutex();
    rm.lock();
    rm.lock();
    System.out.println("   ReentrantMutex held " + rm.holdCount() + " times by its owner");
    rm.unlock();
    rm.unlock();
  }

  /** 4. wg.add inside the goroutine races with await: await may return before add ran. */
  private static void addInsideTheGoroutine() throws InterruptedException {
    WaitGroup wg = new WaitGroup();
    int[] done = new int[1];
    for (int i = 0; i < 3; i++) {
      wg.go(() -> { // fix: go() adds before the goroutine starts, and calls done() at its end
        increment(done);
      });
    }
    wg.await();
    System.out.println("4. wg.go: await returned after all " + done[0] + " goroutines");
  }

  private static final Mutex COUNTER = new Mutex();

  private static void increment(int[] counter) {
    try (var held = COUNTER.hold()) {
      counter[0]++;
    }
  }

  private static void withdraw(int amount) {
    if (amount > balance) {
      throw new IllegalArgumentException("insufficient funds");
    }
    balance -= amount;
  }
}
