package dev.runnel.bench;

import dev.runnel.sync.Pool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reusing scratch buffers: {@value #GOROUTINES} virtual threads each take a {@value #SIZE}-byte
 * buffer, touch it, and give it back. Reported in buffers per second.
 *
 * <p>Each invocation does {@value #OPERATIONS} get-use-put cycles, {@value #PER_WORKER} per
 * worker. Runnel's {@link Pool} of {@code new byte[SIZE]} (Go's {@code sync.Pool}), one pool for
 * the whole run, against allocating a new array every time and leaving it to the GC. The use is
 * minimal ({@code buf[0]++}) and the buffer goes to a {@link Blackhole}, so the allocation cannot
 * be optimized away. The workers share the benchmark's Blackhole: with JMH's compiler blackholes
 * (its default on JDK 17+) {@code consume} keeps no state, only the JIT's promise to keep the value.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PoolBenchmark {

  static final int GOROUTINES = 8;
  static final int SIZE = 1024;
  static final int OPERATIONS = 100_000;
  static final int PER_WORKER = OPERATIONS / GOROUTINES;

  private Pool<byte[]> pool;

  @Setup
  public void makePool() {
    pool = new Pool<>(() -> new byte[SIZE]);
  }

  @Benchmark
  @OperationsPerInvocation(OPERATIONS)
  public void pool(Blackhole bh) {
    Pool<byte[]> p = pool;
    Workers.Task[] workers = new Workers.Task[GOROUTINES];
    for (int w = 0; w < GOROUTINES; w++) {
      workers[w] =
          () -> {
            for (int i = 0; i < PER_WORKER; i++) {
              byte[] buf = p.get();
              buf[0]++;
              bh.consume(buf);
              p.put(buf);
            }
          };
    }
    Workers.runAll(workers);
  }

  @Benchmark
  @OperationsPerInvocation(OPERATIONS)
  public void allocate(Blackhole bh) {
    Workers.Task[] workers = new Workers.Task[GOROUTINES];
    for (int w = 0; w < GOROUTINES; w++) {
      workers[w] =
          () -> {
            for (int i = 0; i < PER_WORKER; i++) {
              byte[] buf = new byte[SIZE];
              buf[0]++;
              bh.consume(buf);
            }
          };
    }
    Workers.runAll(workers);
  }
}
