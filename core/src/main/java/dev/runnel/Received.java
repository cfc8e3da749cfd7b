package dev.runnel;

/**
 * The result of a receive that reports whether the channel was open: Go's {@code v, ok := <-ch}.
 *
 * @param value the value received, or {@code null} when {@code ok} is false
 * @param ok true if {@code value} was sent on the channel; false if the channel is closed and
 *     drained
 * @param <E> the element type
 */
public record Received<E>(E value, boolean ok) {

  private static final Received<?> CLOSED = new Received<>(null, false);

  /**
   * The result of receiving from a closed and drained channel.
   *
   * @param <E> the element type
   * @return {@code Received(null, false)}, one shared instance
   */
  @SuppressWarnings("unchecked")
  public static <E> Received<E> closed() {
    return (Received<E>) CLOSED;
  }
}
