package dev.runnel.lifecycle;

import dev.runnel.context.Context;
import java.util.Objects;

/**
 * Something an {@link App} starts, keeps running, and stops: an HTTP server, a debug endpoint, a
 * background consumer.
 *
 * <p>{@link #start} returns once the service is ready (a server is listening), leaving its work
 * running; it must not block for the service's lifetime. The context it gets is the service's
 * own: it ends when the app stops this service (just before {@link #stop} is called), or at once
 * if the app begins to shut down while {@code start} is still running, so a start that waits for
 * something gives up then. Work that the service starts and ties to this context ends in the
 * service's turn, not before: services are stopped one by one, in reverse start order.
 *
 * <p>{@link #stop} stops the work and returns once it has ended, within its context's deadline
 * (the service's share of the app's shutdown time). A stop that does not return by then is
 * reported as a failure and left behind: the app goes on to stop the next service.
 *
 * <p>A service whose work is one long call that returns when its context ends (a consumer loop,
 * Go's {@code srv.Serve}) is {@link #running}: the app then also notices when it ends on its own.
 * A service made of two functions is {@link #of}.
 *
 * <p>Go: {@code go-kratos}' {@code transport.Server} ({@code Start(ctx)}, {@code Stop(ctx)}), and
 * an {@code fx.Hook}'s {@code OnStart}/{@code OnStop} pair.
 *
 * {@snippet :
 * App app = new App()
 *     .service(Service.running("consumer", ctx -> consume(ctx, queue)))
 *     .service(Service.of("http", ctx -> server.start(), ctx -> server.stop(ctx)));
 * }
 */
public interface Service {

  /**
   * Starts the service and returns once it is ready.
   *
   * @param ctx the service's context, live until the app stops this service
   * @throws Exception if it could not start: the app then stops the services started before it
   */
  void start(Context ctx) throws Exception;

  /**
   * Stops the service and returns once its work has ended.
   *
   * @param ctx done at the end of this service's share of the shutdown time
   * @throws Exception if it could not stop cleanly
   */
  void stop(Context ctx) throws Exception;

  /**
   * The name the app uses in its messages and failures.
   *
   * @return the name; by default the class's simple name
   */
  default String name() {
    String simple = getClass().getSimpleName();
    return simple.isEmpty() ? getClass().getName() : simple;
  }

  /**
   * A service made of a start and a stop function.
   *
   * @param name the service's name
   * @param start runs as {@link #start}
   * @param stop runs as {@link #stop}
   * @return the service
   */
  static Service of(String name, Hook start, Hook stop) {
    return new FuncService(
        Objects.requireNonNull(name, "name"),
        Objects.requireNonNull(start, "start"),
        Objects.requireNonNull(stop, "stop"));
  }

  /**
   * A service that is one long call: {@link #start} runs {@code body} in a goroutine with the
   * service's context and returns at once; {@link #stop} cancels that context and waits for
   * {@code body} to return. If {@code body} returns before its context ends, the app shuts down:
   * with its failure, if it threw one (Go: a {@code run.Group} actor or an errgroup goroutine
   * that returns). A body that ends by throwing its context's error after the cancellation has
   * stopped cleanly.
   *
   * @param name the service's name
   * @param body the work, which returns when its context ends
   * @return the service; it can be started once
   */
  static Service running(String name, Hook body) {
    return new RunningService(
        Objects.requireNonNull(name, "name"), Objects.requireNonNull(body, "body"));
  }
}
