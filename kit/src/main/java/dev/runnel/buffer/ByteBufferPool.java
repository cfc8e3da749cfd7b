package dev.runnel.buffer;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A pool of {@link ByteBuffer}s, heap or direct, in size classes: {@link BufferPool}'s design
 * for NIO buffers.
 *
 * <p>{@link #get(int)} returns a buffer whose capacity is its class's size (the powers of two
 * from {@code minSize} to {@code maxSize}), with position 0 and limit {@code size}, in big-endian
 * order; above {@code maxSize}, a new buffer of exactly {@code size} bytes that the pool will
 * not keep. Each class keeps at most {@code retainPerClass} free buffers. Direct buffers are
 * where pooling pays most: allocating one costs a system call, zeroing and a {@code Cleaner},
 * and the JVM frees it only after a collection.
 *
 * <p>{@link #put} takes back only the very buffer objects this pool handed out and has not had
 * back. A slice, a duplicate or a read-only view of a pooled buffer is a different object and is
 * refused with {@link IllegalArgumentException}, as are buffers from elsewhere, buffers of the
 * other kind (heap for a direct pool, or direct for a heap pool), and a buffer already put back
 * (unless handed out again in between). Handed-out buffers are tracked weakly: one never put
 * back is collected as any garbage is (a direct one's memory freed by its {@code Cleaner}).
 *
 * <p>Any number of goroutines may use one pool at once; {@code get} and {@code put} are lock-free
 * and never block.
 *
 * <p>Memory consistency effects: actions in a goroutine prior to {@code put(b)} happen-before
 * actions in another goroutine after the {@code get} that returns {@code b}.
 *
 * <p>Go: no equivalent ({@code sync.Pool} of slices, see {@link BufferPool}); Netty's and
 * Jetty's buffer pools are the Java peers, with reference-counted wrappers instead of plain
 * {@code ByteBuffer}s.
 *
 * {@snippet :
 * ByteBufferPool pool = ByteBufferPool.direct(4096, 1 << 20, 32);
 * ByteBuffer buf = pool.get(8192);
 * try {
 *   channel.read(buf);
 *   buf.flip();
 *   out.write(buf);
 * } finally {
 *   pool.put(buf);
 * }
 * }
 */
public final class ByteBufferPool {

  private final SizeClasses<ByteBuffer> classes;
  private final boolean direct;

  private ByteBufferPool(int minSize, int maxSize, int retainPerClass, boolean direct) {
    this.direct = direct;
    classes =
        new SizeClasses<>(
            minSize,
            maxSize,
            retainPerClass,
            direct ? ByteBuffer::allocateDirect : ByteBuffer::allocate,
            ByteBuffer::capacity);
  }

  /**
   * A pool of heap buffers ({@link ByteBuffer#allocate}).
   *
   * @param minSize the smallest class, a power of two
   * @param maxSize the largest class, a power of two at least {@code minSize}
   * @param retainPerClass the most free buffers a class keeps; zero keeps none
   * @return the pool
   * @throws IllegalArgumentException if a size is not a power of two, {@code maxSize < minSize},
   *     or {@code retainPerClass} is negative
   */
  public static ByteBufferPool heap(int minSize, int maxSize, int retainPerClass) {
    return new ByteBufferPool(minSize, maxSize, retainPerClass, false);
  }

  /**
   * A pool of direct buffers ({@link ByteBuffer#allocateDirect}).
   *
   * @param minSize the smallest class, a power of two
   * @param maxSize the largest class, a power of two at least {@code minSize}
   * @param retainPerClass the most free buffers a class keeps; zero keeps none
   * @return the pool
   * @throws IllegalArgumentException if a size is not a power of two, {@code maxSize < minSize},
   *     or {@code retainPerClass} is negative
   */
  public static ByteBufferPool direct(int minSize, int maxSize, int retainPerClass) {
    return new ByteBufferPool(minSize, maxSize, retainPerClass, true);
  }

  /**
   * Whether this pool holds direct buffers.
   *
   * @return true for a direct pool, false for a heap pool
   */
  public boolean isDirect() {
    return direct;
  }

  /**
   * A cleared buffer of at least {@code size} bytes: position 0, limit {@code size}, capacity
   * the class size (or {@code size}, above the largest class), big-endian.
   *
   * @param size the number of bytes needed
   * @return the buffer
   * @throws IllegalArgumentException if {@code size} is negative
   */
  public ByteBuffer get(int size) {
    ByteBuffer b = classes.get(size);
    b.clear().limit(size);
    b.order(java.nio.ByteOrder.BIG_ENDIAN);
    return b;
  }

  /**
   * Gives a buffer back, whatever its position and limit. A buffer above the largest class is
   * ignored; one whose class is full is dropped.
   *
   * @param buffer a buffer this pool's {@link #get} returned, not put back since
   * @throws NullPointerException if {@code buffer} is null
   * @throws IllegalArgumentException if {@code buffer} is not one this pool handed out (a slice,
   *     a duplicate, a view, another pool's, the other kind), or it was already put back
   */
  public void put(ByteBuffer buffer) {
    Objects.requireNonNull(buffer, "buffer");
    if (buffer.isDirect() != direct) {
      classes.refused.increment();
      throw new IllegalArgumentException(
          "buffer: refused a " + (buffer.isDirect() ? "direct" : "heap") + " ByteBuffer in a "
              + (direct ? "direct" : "heap") + " pool");
    }
    classes.put(buffer, "ByteBuffer");
  }

  /**
   * The pool's counts now: a snapshot, each count exact at some moment during the call.
   *
   * @return the counts
   */
  public BufferPool.Stats stats() {
    return classes.stats();
  }

  @Override
  public String toString() {
    return "ByteBufferPool[" + (direct ? "direct, " : "heap, ") + classes.describe() + "]";
  }
}
