package dev.runnel.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.sync.WaitGroup;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Size classes, reuse, retention bounds, refusal of foreign buffers, and concurrent use. */
class BufferPoolTest {

  @Test
  void aRequestIsServedFromTheSmallestClassThatFits() {
    BufferPool pool = new BufferPool(512, 8192, 4);
    assertThat(pool.get(0)).hasSize(512);
    assertThat(pool.get(1)).hasSize(512);
    assertThat(pool.get(512)).hasSize(512);
    assertThat(pool.get(513)).hasSize(1024);
    assertThat(pool.get(4096)).hasSize(4096);
    assertThat(pool.get(4097)).hasSize(8192);
    assertThat(pool.get(8192)).hasSize(8192);
    assertThat(pool.stats().misses()).isEqualTo(7);
  }

  @Test
  void aRequestAboveTheLargestClassIsExactAndNeverKept() {
    BufferPool pool = new BufferPool(512, 8192, 4);
    byte[] big = pool.get(10_000);
    assertThat(big).hasSize(10_000);
    pool.put(big);
    assertThat(pool.get(10_000)).isNotSameAs(big);
    BufferPool.Stats s = pool.stats();
    assertThat(s.retainedBuffers()).isZero();
    assertThat(s.dropped()).isEqualTo(1);
    assertThat(s.allocations()).isEqualTo(2);
    assertThat(s.misses()).isZero();
  }

  @Test
  void aBufferPutBackIsHandedOutAgain() {
    BufferPool pool = new BufferPool(512, 8192, 4);
    byte[] b = pool.get(4000);
    b[0] = 42;
    pool.put(b);
    byte[] again = pool.get(3000);
    assertThat(again).isSameAs(b);
    assertThat(again[0]).isEqualTo((byte) 42); // not cleared
    BufferPool.Stats s = pool.stats();
    assertThat(s.hits()).isEqualTo(1);
    assertThat(s.misses()).isEqualTo(1);
    assertThat(s.outstanding()).isEqualTo(1);
  }

  @Test
  void aSmallRequestNeverGetsALargerFreeBuffer() {
    BufferPool pool = new BufferPool(512, 8192, 4);
    byte[] large = pool.get(8192);
    pool.put(large);
    byte[] small = pool.get(100);
    assertThat(small).isNotSameAs(large).hasSize(512);
    assertThat(pool.stats().retainedBytes()).isEqualTo(8192);
  }

  @Test
  void eachClassRetainsAtMostItsBound() {
    BufferPool pool = new BufferPool(1024, 4096, 2);
    byte[][] held = {pool.get(1024), pool.get(1024), pool.get(1024), pool.get(4096)};
    for (byte[] b : held) {
      pool.put(b);
    }
    BufferPool.Stats s = pool.stats();
    assertThat(s.retainedBuffers()).isEqualTo(3);
    assertThat(s.retainedBytes()).isEqualTo(2 * 1024 + 4096);
    assertThat(s.dropped()).isEqualTo(1);
    assertThat(s.outstanding()).isZero();
  }

  @Test
  void aPoolRetainingNothingOnlyAllocates() {
    BufferPool pool = new BufferPool(1024, 4096, 0);
    byte[] b = pool.get(1024);
    pool.put(b);
    assertThat(pool.get(1024)).isNotSameAs(b);
    assertThat(pool.stats().dropped()).isEqualTo(1);
    assertThat(pool.stats().hits()).isZero();
  }

  @Test
  void foreignAndWrongSizedBuffersAreRefused() {
    BufferPool pool = new BufferPool(512, 8192, 4);
    assertThatThrownBy(() -> pool.put(new byte[4096]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("did not hand out");
    assertThatThrownBy(() -> pool.put(new byte[1000]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity 1000")
        .hasMessageContaining("no size class");
    assertThatThrownBy(() -> pool.put(new byte[256]))
        .isInstanceOf(IllegalArgumentException.class);
    BufferPool other = new BufferPool(512, 8192, 4);
    byte[] theirs = other.get(4096);
    assertThatThrownBy(() -> pool.put(theirs)).isInstanceOf(IllegalArgumentException.class);
    other.put(theirs);
    assertThat(pool.stats().refused()).isEqualTo(4);
    assertThat(pool.stats().retainedBuffers()).isZero();
    assertThatThrownBy(() -> pool.put(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aDoublePutIsRefused() {
    BufferPool pool = new BufferPool(512, 8192, 4);
    byte[] b = pool.get(4096);
    pool.put(b);
    assertThatThrownBy(() -> pool.put(b))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already put back");
    assertThat(pool.stats().retainedBuffers()).isEqualTo(1);
    assertThat(pool.get(4096)).isSameAs(b);
    assertThat(pool.get(4096)).isNotSameAs(b); // handed out once, not twice
  }

  @Test
  void badConfigurationsAndSizesAreRefused() {
    assertThatThrownBy(() -> new BufferPool(500, 8192, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("minSize must be a power of two, got 500");
    assertThatThrownBy(() -> new BufferPool(512, 5000, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxSize");
    assertThatThrownBy(() -> new BufferPool(1024, 512, 4))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BufferPool(0, 512, 4))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BufferPool(512, 1024, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative retainPerClass");
    BufferPool pool = new BufferPool(512, 1024, 1);
    assertThatThrownBy(() -> pool.get(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative size -1");
  }

  @Test
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aBufferNeverPutBackIsNotPinnedByThePool() throws InterruptedException {
    BufferPool pool = new BufferPool(512, 8192, 4);
    ReferenceQueue<byte[]> collected = new ReferenceQueue<>();
    WeakReference<byte[]> lost = new WeakReference<>(pool.get(4096), collected);
    Reference<?> cleared = null;
    for (int i = 0; i < 100 && cleared == null; i++) {
      System.gc(); // the only way to bring a collection about; bounded attempts
      cleared = collected.remove(100);
    }
    assertThat(cleared).as("the pool let go of a lost buffer").isSameAs(lost);
    pool.get(4096); // a miss purges the collected entry
    assertThat(pool.stats().outstanding()).isEqualTo(1);
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void concurrentUsersNeverShareABuffer() throws InterruptedException {
    BufferPool pool = new BufferPool(64, 1024, 8);
    int goroutines = 8;
    int rounds = 20_000;
    WaitGroup wg = new WaitGroup();
    AtomicReference<String> problem = new AtomicReference<>();
    for (int g = 0; g < goroutines; g++) {
      byte id = (byte) (g + 1);
      wg.go(
          () -> {
            for (int r = 0; r < rounds; r++) {
              int size = 64 << (r % 5);
              byte[] b = pool.get(size);
              java.util.Arrays.fill(b, 0, size, id);
              Thread.yield();
              for (int i = 0; i < size; i++) {
                if (b[i] != id) {
                  problem.compareAndSet(null, "buffer shared between goroutines");
                }
              }
              pool.put(b);
            }
          });
    }
    wg.await();
    assertThat(problem.get()).isNull();
    BufferPool.Stats s = pool.stats();
    assertThat(s.hits() + s.misses()).isEqualTo((long) goroutines * rounds);
    assertThat(s.allocations()).isEqualTo(s.misses());
    assertThat(s.outstanding()).isZero();
    assertThat(s.refused()).isZero();
    assertThat(s.retainedBuffers()).isLessThanOrEqualTo(5 * 8);
    assertThat(s.misses() - s.dropped()).isEqualTo(s.retainedBuffers());
  }
}
