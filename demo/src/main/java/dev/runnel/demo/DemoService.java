package dev.runnel.demo;

import dev.runnel.context.Context;

/**
 * One part of the demo with a start and a stop: the shape of an application lifecycle's service.
 * The demo starts its parts in order and stops them in reverse.
 */
interface DemoService {

  /**
   * Starts the part and returns once it is ready.
   *
   * @param ctx lives until the part is stopped
   * @throws Exception if it could not start
   */
  void start(Context ctx) throws Exception;

  /**
   * Stops the part and returns once its work has ended.
   *
   * @param ctx the deadline of the stop
   * @throws Exception if it could not stop cleanly
   */
  void stop(Context ctx) throws Exception;

  /**
   * The part's name.
   *
   * @return the name
   */
  String name();
}
