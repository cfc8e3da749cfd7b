package dev.runnel.demo;

import dev.runnel.context.Context;
import dev.runnel.lifecycle.Service;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * The HTTP server: Jetty on 127.0.0.1, a free port unless one is given. Jetty's selectors run on
 * a few platform threads; every request is handled on a virtual thread of its own, from a
 * {@link VirtualThreadPool} set as the {@link QueuedThreadPool}'s virtual-threads executor (the
 * shape Jetty 12's programming guide recommends), so a handler may block as a goroutine does.
 *
 * <p>Stopping is graceful: new requests are refused (503), the requests being handled finish, up
 * to the stop's deadline, and then the connector closes.
 */
final class HttpService implements Service {

  /** The most requests handled at once; more wait for a turn (Jetty's bounded virtual pool). */
  static final int MAX_HANDLERS = 512;

  private final int port;
  private final Handler handler;
  private Server server;
  private volatile URI uri;

  /** A server for {@code handler} on {@code port} (0 for a free one). */
  HttpService(int port, Handler handler) {
    this.port = port;
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  @Override
  public String name() {
    return "http";
  }

  @Override
  public void start(Context ctx) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(16, 4);
    threads.setName("http");
    VirtualThreadPool handlers = new VirtualThreadPool(MAX_HANDLERS);
    handlers.setName("http-handler");
    threads.setVirtualThreadsExecutor(handlers);
    server = new Server(threads);
    server.addBean(handlers); // started and stopped with the server
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(new GracefulHandler(handler));
    server.setStopTimeout(Duration.ofSeconds(5).toMillis());
    server.start();
    uri = URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  /**
   * Where the server listens.
   *
   * @return its base URI; null before start
   */
  URI uri() {
    return uri;
  }

  @Override
  public void stop(Context ctx) throws Exception {
    Duration left = Context.clockOf(ctx).until(ctx.deadline().orElse(
        Context.clockOf(ctx).now().plusSeconds(5)));
    server.setStopTimeout(Math.max(100, left.toMillis()));
    server.stop();
  }
}
