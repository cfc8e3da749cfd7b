package dev.runnel.pool;

import dev.runnel.context.Context;

/**
 * Makes, checks and disposes of the resources a {@link ResourcePool} lends: connections, sessions,
 * clients.
 *
 * <p>The pool calls {@link #create} in the goroutine that needs the resource (an acquirer, or the
 * pool's maintenance goroutine filling up to its minimum), never while it holds its own lock, so a
 * factory may block on I/O freely. It calls {@link #validate} on an idle resource before lending it
 * (and, if asked, when one is returned), and {@link #destroy} exactly once for every resource it
 * created, when the resource is invalidated, fails validation, outlives its lifetime or idle
 * timeout, or the pool closes.
 *
 * <p>Go: the {@code Dial} function of a connection pool ({@code fatih/pool}'s {@code Factory}),
 * with the liveness check and close that {@code database/sql}'s driver connections carry.
 *
 * {@snippet :
 * ResourceFactory<Socket> sockets = new ResourceFactory<>() {
 *   public Socket create(Context ctx) throws IOException {
 *     return new Socket("localhost", port);
 *   }
 *   public boolean validate(Socket s) {
 *     return !s.isClosed();
 *   }
 *   public void destroy(Socket s) throws IOException {
 *     s.close();
 *   }
 * };
 * }
 *
 * @param <T> the resource type
 */
public interface ResourceFactory<T> {

  /**
   * Makes a new resource.
   *
   * @param ctx the acquirer's context (or the pool's own, when the pool fills up to its minimum):
   *     a factory that can give up should give up when it ends
   * @return the resource, never null
   * @throws Exception if the resource cannot be made; the acquirer gets it as the cause of a
   *     {@link ResourceCreationException}, and the pool backs off before it tries again
   */
  T create(Context ctx) throws Exception;

  /**
   * Tells whether a resource is still fit to lend. The default says yes.
   *
   * @param resource a resource this factory made
   * @return false (or an exception) to have the pool destroy it
   * @throws Exception counted as false
   */
  default boolean validate(T resource) throws Exception {
    return true;
  }

  /**
   * Disposes of a resource the pool no longer keeps. The default does nothing.
   *
   * @param resource a resource this factory made
   * @throws Exception logged, never thrown to a pool's caller
   */
  default void destroy(T resource) throws Exception {}
}
