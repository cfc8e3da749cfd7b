package dev.runnel.lifecycle;

import dev.runnel.context.Context;

/**
 * A step of an application's life that gets a context: a hook before start or after stop, or one
 * half of a {@link Service#of service made of two functions}, or the body of a {@link
 * Service#running running service}.
 *
 * <p>Go: {@code func(ctx context.Context) error}.
 */
@FunctionalInterface
public interface Hook {

  /**
   * Runs the step.
   *
   * @param ctx its context: when it ends, the step should return soon
   * @throws Exception the step's failure, which the {@link App} reports in its {@link Exit}
   */
  void run(Context ctx) throws Exception;
}
