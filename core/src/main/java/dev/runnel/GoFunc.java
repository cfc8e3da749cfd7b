package dev.runnel;

/**
 * The body of a goroutine: what Go writes as the function after {@code go}.
 *
 * <p>It may throw any exception; an exception that escapes is a panic (see {@link Go#go}).
 *
 * <p>Go: {@code go f()}. Go's function returns nothing; a Java body may throw checked exceptions
 * so that blocking calls need no try/catch inside a goroutine.
 */
@FunctionalInterface
public interface GoFunc {
  /**
   * Runs the goroutine's body.
   *
   * @throws Exception anything; an exception that escapes is reported as a panic
   */
  void run() throws Exception;
}
