package dev.runnel.buffer;

import java.util.Objects;

/**
 * A pool of {@code byte[]} buffers in size classes: a request is served from the smallest class
 * that fits, so small requests never pin large buffers and a large one never grows a small
 * one's buffer.
 *
 * <p>The classes are the powers of two from {@code minSize} to {@code maxSize}. {@link #get(int)}
 * returns an array whose length is its class's size (at least the size asked for; the caller
 * uses the first {@code size} bytes), taken from the class's free buffers or newly allocated. A
 * request above {@code maxSize} is allocated with exactly the size asked for and is never kept:
 * {@link #put} ignores it. Each class keeps at most {@code retainPerClass} free buffers; a put to
 * a full class drops the buffer for the garbage collector. So the pool retains at most {@code
 * retainPerClass} x (the sum of the class sizes) bytes.
 *
 * <p>{@link #put} takes back only what this pool handed out and has not had back: an array of a
 * length that is no class's size, an array this pool did not hand out, and one already put back
 * are refused with {@link IllegalArgumentException} (a double put is caught unless the array was
 * handed out again in between). The pool tracks handed-out arrays weakly: one that is never put
 * back is collected as any garbage is. Contents are not cleared: a buffer comes back with
 * whatever its last user wrote.
 *
 * <p>Any number of goroutines may use one pool at once; {@code get} and {@code put} are lock-free
 * and never block.
 *
 * <p>Memory consistency effects: actions in a goroutine prior to {@code put(b)} happen-before
 * actions in another goroutine after the {@code get} that returns {@code b}.
 *
 * <p>Go: {@code sync.Pool} holds one kind of object and never bounds what it keeps, so a pool of
 * mixed sizes hands small requests large buffers and keeps large ones alive (Go issue 23199);
 * Go's own code keeps separate pools per size ({@code net/http}'s 2 KiB and 4 KiB writer pools)
 * or discards oversized buffers on put, and Vitess's {@code bucketpool} is this design with one
 * {@code sync.Pool} per power of two. Unlike {@code sync.Pool} this pool keeps free buffers
 * across garbage collections, up to its bound.
 *
 * {@snippet :
 * BufferPool pool = new BufferPool(512, 64 * 1024, 64);
 * byte[] buf = pool.get(4096);
 * try {
 *   int n = in.read(buf, 0, 4096);
 *   out.write(buf, 0, n);
 * } finally {
 *   pool.put(buf);
 * }
 * }
 */
public final class BufferPool {

  private final SizeClasses<byte[]> classes;

  /**
   * A pool with classes {@code minSize, 2 * minSize, ..., maxSize}, each keeping at most {@code
   * retainPerClass} free buffers.
   *
   * @param minSize the smallest class, a power of two
   * @param maxSize the largest class, a power of two at least {@code minSize}
   * @param retainPerClass the most free buffers a class keeps; zero keeps none
   * @throws IllegalArgumentException if a size is not a power of two, {@code maxSize < minSize},
   *     or {@code retainPerClass} is negative
   */
  public BufferPool(int minSize, int maxSize, int retainPerClass) {
    classes = new SizeClasses<>(minSize, maxSize, retainPerClass, byte[]::new, b -> b.length);
  }

  /**
   * A buffer of at least {@code size} bytes: from the smallest class that fits, or, above the
   * largest class, a new array of exactly {@code size} bytes that the pool will not keep.
   *
   * @param size the number of bytes needed
   * @return a buffer whose length is the class size (or {@code size}, above the largest class)
   * @throws IllegalArgumentException if {@code size} is negative
   */
  public byte[] get(int size) {
    return classes.get(size);
  }

  /**
   * Gives a buffer back. A buffer above the largest class is ignored; one whose class is full is
   * dropped.
   *
   * @param buffer an array this pool's {@link #get} returned, not put back since
   * @throws NullPointerException if {@code buffer} is null
   * @throws IllegalArgumentException if this pool did not hand {@code buffer} out, or it was
   *     already put back
   */
  public void put(byte[] buffer) {
    Objects.requireNonNull(buffer, "buffer");
    classes.put(buffer, "byte[]");
  }

  /**
   * The pool's counts now: a snapshot, each count exact at some moment during the call.
   *
   * @return the counts
   */
  public Stats stats() {
    return classes.stats();
  }

  @Override
  public String toString() {
    return "BufferPool[" + classes.describe() + "]";
  }

  /**
   * The counts of a {@link BufferPool} or {@link ByteBufferPool}.
   *
   * @param hits gets served by a free buffer
   * @param misses gets of a class size that found no free buffer and allocated one
   * @param allocations buffers allocated: the misses and the requests above the largest class
   * @param refused puts refused: foreign, wrong-sized, sliced or duplicated, or already put back
   * @param dropped puts not kept: the class was full, or the buffer was above the largest class
   * @param outstanding buffers handed out and not yet put back (or collected)
   * @param retainedBuffers free buffers kept now
   * @param retainedBytes the capacity of the free buffers kept now
   */
  public record Stats(
      long hits,
      long misses,
      long allocations,
      long refused,
      long dropped,
      long outstanding,
      long retainedBuffers,
      long retainedBytes) {}
}
