/**
 * Size-classed buffer pools: {@link dev.runnel.buffer.BufferPool} for {@code byte[]} and {@link
 * dev.runnel.buffer.ByteBufferPool} for heap and direct {@code ByteBuffer}s. A request is served
 * from the smallest power-of-two class that fits; larger requests are allocated and never kept;
 * each class keeps a bounded number of free buffers; a buffer the pool did not hand out is
 * refused.
 *
 * <p>Happens-before: a {@code put(b)} happens-before the {@code get} that hands {@code b} out
 * again.
 */
package dev.runnel.buffer;
