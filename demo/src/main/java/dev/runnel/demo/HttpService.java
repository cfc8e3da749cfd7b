package dev.runnel.demo;

import dev.runnel.context.Context;
import dev.runnel.lifecycle.Service;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP server: Jetty on 127.0.0.1, a free port unless one is given. Jetty's selectors run on
 * a few platform threads; every request is handled on a virtual thread of its own (Jetty's
 * {@link QueuedThreadPool#setVirtualThreadsExecutor}), so a handler may block as a goroutine does.
 *
 * <p>Stopping is graceful: new requests are refused (503), the requests being handled finish, up
 * to the stop's deadline, and then the connector closes.
 */
final class HttpService implements Service {

  private final int port;
  private final Handler handler;
  private Server server;
  private ExecutorService virtualThreads;
  private volatile URI uri;

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
    virtualThreads = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("http-handler-", 0).factory());
    threads.setVirtualThreadsExecutor(virtualThreads);
    server = new Server(threads);
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
    try {
      server.stop();
    } finally {
      virtualThreads.close();
    }
  }
}
