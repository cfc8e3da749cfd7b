package dev.runnel.demo;

import dev.runnel.context.Context;
import java.io.IOException;

/**
 * Where payloads are kept: the demo's stand-in for S3. A write of a name that exists replaces it,
 * so writing again after a failure never stores a payload twice.
 */
@FunctionalInterface
public interface Storage {

  /**
   * Stores {@code bytes} under {@code name}.
   *
   * @param ctx ends when the write should give up
   * @param name the object's name
   * @param bytes its content
   * @throws IOException the write failed; nothing was stored under {@code name}
   * @throws InterruptedException if interrupted while writing
   */
  void write(Context ctx, String name, byte[] bytes) throws IOException, InterruptedException;
}
