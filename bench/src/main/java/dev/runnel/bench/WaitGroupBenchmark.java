package dev.runnel.bench;

import dev.runnel.sync.WaitGroup;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fan-out and join: a coordinator counts {@value #GOROUTINES} goroutines in, starts them, each
 * counts itself done, and the coordinator waits for all of them. Reported in ns per goroutine,
 * start included (as in Go, where {@code go f()} is part of the pattern).
 *
 * <p>The coordinator is itself a virtual thread (in Go, main is a goroutine too) and starts every
 * goroutine as a plain virtual thread in all variants but {@link #waitGroupGo}, so they differ
 * only in the counter: Runnel's {@link WaitGroup} ({@code add(N)}, {@code done()}, {@code
 * await()}), a {@link CountDownLatch} of N, and a {@link Phaser} of N parties. {@link
 * #waitGroupGo} is the Runnel idiom, {@code wg.go(f)} per goroutine (Go 1.25's {@code wg.Go}),
 * which adds one per goroutine and starts it as a Runnel goroutine.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class WaitGroupBenchmark {

  static final int GOROUTINES = 10_000;

  @Benchmark
  @OperationsPerInvocation(GOROUTINES)
  public void waitGroup() {
    Workers.runAll(
        () -> {
          WaitGroup wg = new WaitGroup();
          wg.add(GOROUTINES);
          for (int i = 0; i < GOROUTINES; i++) {
            Thread.ofVirtual().start(wg::done);
          }
          wg.await();
        });
  }

  @Benchmark
  @OperationsPerInvocation(GOROUTINES)
  public void waitGroupGo() {
    Workers.runAll(
        () -> {
          WaitGroup wg = new WaitGroup();
          for (int i = 0; i < GOROUTINES; i++) {
            wg.go(() -> {});
          }
          wg.await();
        });
  }

  @Benchmark
  @OperationsPerInvocation(GOROUTINES)
  public void countDownLatch() {
    Workers.runAll(
        () -> {
          CountDownLatch latch = new CountDownLatch(GOROUTINES);
          for (int i = 0; i < GOROUTINES; i++) {
            Thread.ofVirtual().start(latch::countDown);
          }
          latch.await();
        });
  }

  @Benchmark
  @OperationsPerInvocation(GOROUTINES)
  public void phaser() {
    Workers.runAll(
        () -> {
          Phaser phaser = new Phaser(GOROUTINES);
          for (int i = 0; i < GOROUTINES; i++) {
            Thread.ofVirtual().start(phaser::arrive);
          }
          if (phaser.awaitAdvance(0) < 0) {
            throw new AssertionError("phaser terminated");
          }
        });
  }
}
