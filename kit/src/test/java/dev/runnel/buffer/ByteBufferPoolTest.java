package dev.runnel.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The ByteBuffer pools: state on get, the kinds, and views and strangers refused. */
class ByteBufferPoolTest {

  @Test
  void aBufferComesClearedWithTheLimitAsked() {
    ByteBufferPool pool = ByteBufferPool.heap(512, 8192, 4);
    ByteBuffer b = pool.get(1000);
    assertThat(b.capacity()).isEqualTo(1024);
    assertThat(b.position()).isZero();
    assertThat(b.limit()).isEqualTo(1000);
    assertThat(b.isDirect()).isFalse();
    b.position(10).limit(20);
    b.order(ByteOrder.LITTLE_ENDIAN);
    pool.put(b);
    ByteBuffer again = pool.get(700);
    assertThat(again).isSameAs(b);
    assertThat(again.position()).isZero();
    assertThat(again.limit()).isEqualTo(700);
    assertThat(again.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
  }

  @Test
  void aDirectPoolHandsOutDirectBuffers() {
    ByteBufferPool pool = ByteBufferPool.direct(4096, 65536, 2);
    assertThat(pool.isDirect()).isTrue();
    ByteBuffer b = pool.get(5000);
    assertThat(b.isDirect()).isTrue();
    assertThat(b.capacity()).isEqualTo(8192);
    pool.put(b);
    assertThat(pool.get(8192)).isSameAs(b);
    ByteBuffer big = pool.get(100_000);
    assertThat(big.capacity()).isEqualTo(100_000);
    pool.put(big);
    assertThat(pool.stats().dropped()).isEqualTo(1);
    assertThat(pool.stats().retainedBuffers()).isZero();
  }

  @Test
  void slicesDuplicatesAndViewsOfAPooledBufferAreRefused() {
    ByteBufferPool[] pools = {
      ByteBufferPool.heap(512, 8192, 4), ByteBufferPool.direct(512, 8192, 4)
    };
    for (ByteBufferPool pool : pools) {
      ByteBuffer b = pool.get(4096);
      assertThatThrownBy(() -> pool.put(b.duplicate()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("did not hand out");
      assertThatThrownBy(() -> pool.put(b.slice(0, 2048)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> pool.put(b.slice(0, 1000)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no size class");
      assertThatThrownBy(() -> pool.put(b.asReadOnlyBuffer()))
          .isInstanceOf(IllegalArgumentException.class);
      pool.put(b); // the original is still accepted
      assertThat(pool.stats().refused()).isEqualTo(4);
      assertThat(pool.stats().retainedBuffers()).isEqualTo(1);
    }
  }

  @Test
  void buffersFromElsewhereOrOfTheOtherKindAreRefused() {
    ByteBufferPool heap = ByteBufferPool.heap(512, 8192, 4);
    ByteBufferPool direct = ByteBufferPool.direct(512, 8192, 4);
    assertThatThrownBy(() -> heap.put(ByteBuffer.allocate(4096)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> heap.put(ByteBuffer.wrap(new byte[4096])))
        .isInstanceOf(IllegalArgumentException.class);
    ByteBuffer d = direct.get(4096);
    assertThatThrownBy(() -> heap.put(d))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refused a direct ByteBuffer in a heap pool");
    ByteBuffer h = heap.get(4096);
    assertThatThrownBy(() -> direct.put(h))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refused a heap ByteBuffer in a direct pool");
    ByteBufferPool otherHeap = ByteBufferPool.heap(512, 8192, 4);
    assertThatThrownBy(() -> otherHeap.put(h)).isInstanceOf(IllegalArgumentException.class);
    heap.put(h);
    direct.put(d);
    assertThat(heap.stats().refused()).isEqualTo(3);
    assertThatThrownBy(() -> heap.put(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aDoublePutIsRefused() {
    ByteBufferPool pool = ByteBufferPool.direct(512, 8192, 4);
    ByteBuffer b = pool.get(100);
    pool.put(b);
    assertThatThrownBy(() -> pool.put(b))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already put back");
    assertThat(pool.stats().retainedBuffers()).isEqualTo(1);
  }

  @Test
  void badConfigurationsAreRefused() {
    assertThatThrownBy(() -> ByteBufferPool.heap(3, 8, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ByteBufferPool.direct(8, 4, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ByteBufferPool.heap(8, 16, 1).get(-5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
