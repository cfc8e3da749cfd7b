package dev.runnel.examples;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.pool.Lease;
import dev.runnel.pool.PoolStats;
import dev.runnel.pool.ResourceFactory;
import dev.runnel.pool.ResourceLeakException;
import dev.runnel.pool.ResourcePool;
import dev.runnel.sync.WaitGroup;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool of TCP client connections, as Go programs keep with {@code fatih/pool} or a hand-rolled
 * free list: an echo server on localhost (a goroutine per connection; it hangs up on each client
 * after a random number of lines, as servers with idle limits do), 10 goroutines sending 50
 * requests through a pool of at most 4 connections, each acquire under a deadline. A connection
 * the server closed is caught by validation before it is lent (a 1 ms read that finds the end of
 * the stream), or, if the hang-up comes in between, by the request failing: that connection is
 * invalidated and the request retried on a new one. One goroutine forgets to release its
 * connection; leak detection reports it with the place it was acquired.
 */
public final class TcpClientPool {

  private TcpClientPool() {}

  static final int REQUESTS = 50;
  static final int CLIENTS = 10;
  static final int MAX_CONNECTIONS = 4;

  /** A client connection: the socket and its line reader and writer. */
  record Conn(int id, Socket socket, BufferedReader in, PrintWriter out) {
    @Override
    public String toString() {
      return "conn#" + id;
    }
  }

  /** Dials the echo server, checks a connection is still open, and closes it. */
  static final class Dialer implements ResourceFactory<Conn> {
    private final int port;
    private final AtomicInteger dialed = new AtomicInteger();

    Dialer(int port) {
      this.port = port;
    }

    @Override
    public Conn create(Context ctx) throws IOException {
      Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
      s.setSoTimeout(2000);
      return new Conn(
          dialed.incrementAndGet(),
          s,
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)),
          new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8));
    }

    /** Open if a 1 ms read times out; the end of the stream means the server hung up. */
    @Override
    public boolean validate(Conn c) throws IOException {
      if (c.socket().isClosed() || c.in().ready()) {
        return false;
      }
      c.socket().setSoTimeout(1);
      try {
        c.socket().getInputStream().read();
        return false; // the end of the stream (a hang-up), or bytes nobody asked for: unfit
      } catch (SocketTimeoutException quiet) {
        return true;
      } finally {
        c.socket().setSoTimeout(2000);
      }
    }

    @Override
    public void destroy(Conn c) throws IOException {
      c.socket().close();
    }
  }

  public static void main(String[] args) throws Exception {
    WaitGroup serverGoroutines = new WaitGroup();
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      serve(server, serverGoroutines);
      Channel<ResourceLeakException> leaks = Channel.make(1);
      ResourcePool<Conn> pool =
          ResourcePool.builder(new Dialer(server.getLocalPort()))
              .name("echo")
              .maxSize(MAX_CONNECTIONS)
              .leakDetection(Duration.ofMillis(300))
              .maintenanceInterval(Duration.ofMillis(50))
              .leakHandler(leaks::trySend)
              .build();
      try {
        Lease<Conn> forgotten = forgetful(pool);
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        WaitGroup clients = new WaitGroup();
        for (int c = 0; c < CLIENTS; c++) {
          int first = c;
          clients.go(
              () -> {
                for (int i = first; i < REQUESTS; i += CLIENTS) {
                  String reply = request(pool, "request " + i, retried);
                  if (reply.equals("echo: request " + i)) {
                    answered.incrementAndGet();
                  }
                }
              });
        }
        clients.await();
        ResourceLeakException leak = leaks.receive();
        String where =
            Arrays.stream(leak.getStackTrace())
                .filter(e -> e.getClassName().equals(TcpClientPool.class.getName()))
                .findFirst()
                .map(e -> e.getMethodName())
                .orElse("?");
        forgotten.close();
        PoolStats s = pool.stats();
        System.out.printf("%d of %d requests answered (%d retried on a new connection)%n",
            answered.get(), REQUESTS, retried.get());
        System.out.printf(
            "connections: %d dialed, %d dropped (%d failed validation), at most %d open%n",
            s.created(), s.destroyed(), s.validationFailures(), pool.maxSize());
        System.out.printf(
            "leak reported: a connection held over 300 ms, acquired in %s()%n", where);
      } finally {
        pool.close();
      }
    }
    serverGoroutines.await();
    System.out.println("server and pool closed; every goroutine ended");
  }

  /** Acquires under a 2 s deadline; retries once on a new connection if the server hung up. */
  static String request(ResourcePool<Conn> pool, String line, AtomicInteger retried)
      throws Exception {
    for (int attempt = 0; ; attempt++) {
      try (CancelContext ctx = Context.withTimeout(Context.background(), Duration.ofSeconds(2));
          Lease<Conn> lease = pool.acquire(ctx)) {
        Conn c = lease.get();
        c.out().println(line);
        String reply = c.in().readLine();
        if (reply != null) {
          return reply;
        }
        lease.invalidate(); // the server hung up between validation and the request
        if (attempt > 0) {
          throw new IOException("the server hung up twice on " + line);
        }
        retried.incrementAndGet();
      }
    }
  }

  /** Takes a connection and never gives it back: the bug leak detection is for. */
  static Lease<Conn> forgetful(ResourcePool<Conn> pool) throws InterruptedException {
    return pool.acquire(Context.background());
  }

  /** The echo server: a goroutine per connection, hanging up after 1 to 4 lines. */
  static void serve(ServerSocket server, WaitGroup goroutines) {
    goroutines.go(
        () -> {
          Random random = new Random(42);
          for (; ; ) {
            Socket s;
            try {
              s = server.accept();
            } catch (IOException closed) {
              return;
            }
            int lines = 1 + random.nextInt(4);
            goroutines.go(() -> echo(s, lines));
          }
        });
  }

  private static void echo(Socket s, int lines) throws IOException {
    try (s;
        BufferedReader in =
            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
      String line;
      for (int n = 0; n < lines && (line = in.readLine()) != null; n++) {
        out.println("echo: " + line);
      }
    } catch (IOException clientGone) {
      // the client closed first: nothing to answer
    }
  }
}
