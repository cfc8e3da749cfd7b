package dev.runnel.bench;

import dev.runnel.buffer.BufferPool;
import dev.runnel.buffer.ByteBufferPool;
import dev.runnel.sync.Pool;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A 4 KiB buffer per operation, from a pool or newly allocated, under memory pressure: ns per
 * buffer, on {@value #THREADS} threads. Each operation takes a buffer, writes its first and last
 * bytes, and keeps it in the thread's ring of {@code inFlight} buffers, releasing the buffer it
 * displaces (put back to the pool, or left to the garbage collector): so with {@code inFlight =
 * 0} a buffer is released at once, and with 1024 each thread holds 4 MiB of buffers in flight that
 * survive young collections, as buffers of slow connections do. Beside that, the benchmark holds
 * a live set of {@value #LIVE_OBJECTS} small objects (about 100 MB) that every old collection
 * marks. The heap is pre-touched ({@code -XX:+AlwaysPreTouch}): without it, until the first
 * collection every 4 KiB allocation lands on a page never touched and pays a page fault, which a
 * long-running process whose heap has cycled does not.
 *
 * <p>Contenders: Runnel's {@link BufferPool} (byte[]) and {@link ByteBufferPool} (direct); Go's
 * way, one {@link Pool} ({@code sync.Pool}) of 4 KiB arrays; and the JDK's allocation, {@code new
 * byte[4096]} and {@link ByteBuffer#allocateDirect}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(BufferPoolBenchmark.THREADS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "-XX:MaxDirectMemorySize=512m"})
public class BufferPoolBenchmark {

  static final int THREADS = 2;
  static final int SIZE = 4096;
  static final int LIVE_OBJECTS = 2_000_000;

  /** The pools, shared by the threads, and the live set. */
  @State(Scope.Benchmark)
  public static class Shared {
    final BufferPool bytes = new BufferPool(512, 64 * 1024, 2048);
    final ByteBufferPool direct = ByteBufferPool.direct(512, 64 * 1024, 2048);
    final Pool<byte[]> syncPool = new Pool<>(() -> new byte[SIZE]);
    Object[] live;

    @Setup(Level.Trial)
    public void setUp() {
      live = new Object[LIVE_OBJECTS];
      for (int i = 0; i < live.length; i++) {
        live[i] = new long[4];
      }
    }
  }

  /** One thread's buffers in flight. */
  @State(Scope.Thread)
  public static class Ring {
    @Param({"0", "1024"})
    int inFlight;

    byte[][] arrays;
    ByteBuffer[] buffers;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
      arrays = new byte[inFlight][];
      buffers = new ByteBuffer[inFlight];
    }

    /** Keeps {@code b} in flight and returns the buffer it displaces, or {@code b} itself. */
    byte[] hold(byte[] b) {
      if (inFlight == 0) {
        return b;
      }
      byte[] old = arrays[next];
      arrays[next] = b;
      next = next + 1 == inFlight ? 0 : next + 1;
      return old;
    }

    ByteBuffer hold(ByteBuffer b) {
      if (inFlight == 0) {
        return b;
      }
      ByteBuffer old = buffers[next];
      buffers[next] = b;
      next = next + 1 == inFlight ? 0 : next + 1;
      return old;
    }
  }

  private static int touch(byte[] b) {
    b[0] = 1;
    b[SIZE - 1] = 2;
    return b[0] + b.length;
  }

  private static int touch(ByteBuffer b) {
    b.put(0, (byte) 1).put(SIZE - 1, (byte) 2);
    return b.get(0) + b.capacity();
  }

  @Benchmark
  public int runnelBufferPool(Shared s, Ring r) {
    byte[] b = s.bytes.get(SIZE);
    int x = touch(b);
    byte[] old = r.hold(b);
    if (old != null) {
      s.bytes.put(old);
    }
    return x;
  }

  @Benchmark
  public int syncPool(Shared s, Ring r) {
    byte[] b = s.syncPool.get();
    int x = touch(b);
    byte[] old = r.hold(b);
    if (old != null) {
      s.syncPool.put(old);
    }
    return x;
  }

  @Benchmark
  public int newByteArray(Ring r) {
    byte[] b = new byte[SIZE];
    int x = touch(b);
    r.hold(b);
    return x;
  }

  @Benchmark
  public int runnelDirectPool(Shared s, Ring r) {
    ByteBuffer b = s.direct.get(SIZE);
    int x = touch(b);
    ByteBuffer old = r.hold(b);
    if (old != null) {
      s.direct.put(old);
    }
    return x;
  }

  @Benchmark
  public int allocateDirect(Ring r) {
    ByteBuffer b = ByteBuffer.allocateDirect(SIZE);
    int x = touch(b);
    r.hold(b);
    return x;
  }
}
