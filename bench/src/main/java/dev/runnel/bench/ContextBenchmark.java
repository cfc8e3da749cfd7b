package dev.runnel.bench;

import static dev.runnel.bench.Workers.runAll;

import dev.runnel.Channel;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Contexts: cancelling a wide tree, looking up a value through a chain, and what a context costs a
 * receive. Each Runnel variant sits beside its JDK baseline; {@code bench/go} ({@code -workload
 * context}) runs the same workloads with Go's {@code context} package.
 *
 * <ul>
 *   <li><b>cancel10k</b> (µs per cancel): a parent with {@value #CHILDREN} {@code withCancel}
 *       children, each of which has been asked for its {@code done()} (so the channel exists, as
 *       when a goroutine waits on it). Timed: cancel the parent, then receive from every child's
 *       {@code done()} (each returns at once once closed), as Go's {@code cancel(); for _, c :=
 *       range children { <-c.Done() }}. Go 1.19 measured 0.86 ms.
 *   <li><b>cancel10kWaiters</b> (µs per cancel): the same tree, and {@value #CHILDREN} virtual
 *       threads each blocked receiving on its child's {@code done()}, then counting down one
 *       latch. Timed: a virtual thread cancels the parent (as Go's main goroutine would), and the
 *       JMH thread waits until all {@value #CHILDREN} have woken and counted down. Go 1.19
 *       measured 6.4 ms.
 *   <li><b>valueChain10</b> (ns per lookup): {@code ctx.value(key)} through {@value #CHAIN} {@code
 *       withValue} contexts, for the key of the outermost one (the far end: {@value #CHAIN} hops),
 *       and for a key that is missing (the walk goes on to background). Target: no slower than the
 *       baseline, {@value #CHAIN} pointer hops along a linked list and then a {@link HashMap#get}.
 *   <li><b>receive with a context</b> (ns per receive, informative): {@code ch.receive(ctx)}
 *       against {@code ch.receive()} on a ready channel (one goroutine sends then receives on a
 *       channel of capacity 1, {@value #READY_OPS} times) and in the unbuffered ping-pong of
 *       {@link PingPongBenchmark} ({@value #ROUND_TRIPS} round trips), where the receiver parks
 *       and so registers with the live context. Go's form of this is {@code select { case v :=
 *       <-ch: case <-ctx.Done(): }}.
 * </ul>
 *
 * <p>The JDK baselines. A cancellation tree in the JDK is a tree of {@link CompletableFuture}s:
 * each child is a dependent of the parent ({@code parent.thenRun(...)}), completing the parent
 * exceptionally completes every dependent, and {@code join()} is how a thread waits on one. The
 * parent is completed with one pre-made {@link CompletionException} (wrapping a {@link
 * CancellationException}), which the dependents relay as is: the JDK at its cheapest, with no
 * exception allocated per child ({@code parent.cancel(false)} would make each child wrap the
 * cancellation in a new {@code CompletionException}, stack trace and all). For the waiters, a
 * second baseline is the hand-rolled floor: one {@link CountDownLatch} per child, and a
 * "cancel" that counts each of them down in a loop (no tree, no registration, nothing to detach).
 *
 * <p>Why {@code @Setup(Level.Invocation)}: building the tree (and starting and parking the
 * waiters) costs more than the cancel being measured, and a tree can be cancelled only once. The
 * timed part takes about a millisecond or more, far above the timer overhead that makes JMH warn
 * against per-invocation setup for short benchmarks, so the setup is kept out of the timing
 * instead of building the tree inside and subtracting an estimate. Iterations are wall time, so
 * an iteration holds fewer invocations than its time would suggest.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ContextBenchmark {

  static final int CHILDREN = 10_000;
  static final int CHAIN = 10;
  static final int READY_OPS = 100_000;
  static final int ROUND_TRIPS = 10_000;

  private static final Integer BALL = Workers.value(0);
  private static final Runnable NOTHING = () -> {};
  /** The JDK baseline's cancellation: made once, relayed by every dependent as is. */
  private static final CompletionException CANCELLED =
      new CompletionException(new CancellationException("cancelled"));

  // ---------------------------------------------------------------- cancel10k

  /** A parent and its children, their done() channels made. */
  @State(Scope.Thread)
  public static class RunnelTree {
    CancelContext parent;
    final CancelContext[] children = new CancelContext[CHILDREN];

    @Setup(Level.Invocation)
    public void build() {
      parent = Context.withCancel(Context.background());
      for (int i = 0; i < CHILDREN; i++) {
        children[i] = Context.withCancel(parent);
        children[i].done();
      }
    }
  }

  /** A parent future and one dependent per child. */
  @State(Scope.Thread)
  public static class FutureTree {
    CompletableFuture<Void> parent;
    @SuppressWarnings("unchecked")
    final CompletableFuture<Void>[] children = new CompletableFuture[CHILDREN];

    @Setup(Level.Invocation)
    public void build() {
      parent = new CompletableFuture<>();
      for (int i = 0; i < CHILDREN; i++) {
        children[i] = parent.thenRun(NOTHING);
      }
    }
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int cancel10kRunnel(RunnelTree tree) throws InterruptedException {
    tree.parent.cancel();
    int closed = 0;
    for (CancelContext child : tree.children) {
      if (child.done().receive() == null) { // a closed channel delivers null at once
        closed++;
      }
    }
    return check(closed);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int cancel10kFutures(FutureTree tree) {
    tree.parent.completeExceptionally(CANCELLED);
    int closed = 0;
    for (CompletableFuture<Void> child : tree.children) {
      if (child.isCompletedExceptionally()) {
        closed++;
      }
    }
    return check(closed);
  }

  private static int check(int closed) {
    if (closed != CHILDREN) {
      throw new IllegalStateException(closed + " of " + CHILDREN + " children done");
    }
    return closed;
  }

  // ---------------------------------------------------------------- cancel10kWaiters

  /**
   * The waiters of one invocation: started and parked by the setup, joined by the teardown. The
   * subclasses say what a waiter blocks on and what cancels it.
   */
  abstract static class Waiters {
    final Thread[] threads = new Thread[CHILDREN];
    CountDownLatch woken;

    /** Blocks until child {@code i} is cancelled. */
    abstract void await(int i) throws Exception;

    /** Cancels every child; runs on a virtual thread. */
    abstract void cancel();

    final void start() throws InterruptedException {
      woken = new CountDownLatch(CHILDREN);
      AtomicInteger arrived = new AtomicInteger();
      for (int i = 0; i < CHILDREN; i++) {
        int child = i;
        threads[i] =
            Thread.ofVirtual()
                .start(
                    () -> {
                      arrived.incrementAndGet();
                      try {
                        await(child);
                      } catch (Exception e) {
                        throw new IllegalStateException(e);
                      }
                      woken.countDown();
                    });
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (arrived.get() < CHILDREN) {
        Thread.sleep(1);
        stuck(deadline);
      }
      for (Thread t : threads) { // every waiter parked, not merely started
        while (t.getState() != Thread.State.WAITING) {
          Thread.onSpinWait();
          stuck(deadline);
        }
      }
    }

    final void cancelAndAwait() throws InterruptedException {
      Thread.ofVirtual().start(this::cancel); // as in Go, where main is a goroutine
      if (!woken.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException(woken.getCount() + " waiters never woke");
      }
    }

    @TearDown(Level.Invocation)
    public void join() throws InterruptedException {
      for (Thread t : threads) {
        t.join();
      }
    }

    private static void stuck(long deadline) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("waiters did not all park within 60 s");
      }
    }
  }

  /** Runnel: each waiter receives on its child's done(). */
  @State(Scope.Thread)
  public static class RunnelWaiters extends Waiters {
    CancelContext parent;
    final CancelContext[] children = new CancelContext[CHILDREN];

    @Setup(Level.Invocation)
    public void build() throws InterruptedException {
      parent = Context.withCancel(Context.background());
      for (int i = 0; i < CHILDREN; i++) {
        children[i] = Context.withCancel(parent);
      }
      start();
    }

    @Override
    void await(int i) throws InterruptedException {
      children[i].done().receive();
    }

    @Override
    void cancel() {
      parent.cancel();
    }
  }

  /** JDK: each waiter joins its dependent future. */
  @State(Scope.Thread)
  public static class FutureWaiters extends Waiters {
    CompletableFuture<Void> parent;
    @SuppressWarnings("unchecked")
    final CompletableFuture<Void>[] children = new CompletableFuture[CHILDREN];

    @Setup(Level.Invocation)
    public void build() throws InterruptedException {
      parent = new CompletableFuture<>();
      for (int i = 0; i < CHILDREN; i++) {
        children[i] = parent.thenRun(NOTHING);
      }
      start();
    }

    @Override
    void await(int i) {
      try {
        children[i].join();
        throw new IllegalStateException("child completed normally");
      } catch (CompletionException expected) {
        // cancelled
      }
    }

    @Override
    void cancel() {
      parent.completeExceptionally(CANCELLED);
    }
  }

  /** JDK floor: a latch per child, counted down one by one. */
  @State(Scope.Thread)
  public static class LatchWaiters extends Waiters {
    final CountDownLatch[] children = new CountDownLatch[CHILDREN];

    @Setup(Level.Invocation)
    public void build() throws InterruptedException {
      for (int i = 0; i < CHILDREN; i++) {
        children[i] = new CountDownLatch(1);
      }
      start();
    }

    @Override
    void await(int i) throws InterruptedException {
      children[i].await();
    }

    @Override
    void cancel() {
      for (CountDownLatch child : children) {
        child.countDown();
      }
    }
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void cancel10kWaitersRunnel(RunnelWaiters waiters) throws InterruptedException {
    waiters.cancelAndAwait();
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void cancel10kWaitersFutures(FutureWaiters waiters) throws InterruptedException {
    waiters.cancelAndAwait();
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void cancel10kWaitersLatchPerChild(LatchWaiters waiters) throws InterruptedException {
    waiters.cancelAndAwait();
  }

  // ---------------------------------------------------------------- valueChain10

  /** A context key: identity equality, like a Go package's unexported key type. */
  private static final class Key {
    private final int id;

    Key(int id) {
      this.id = id;
    }

    @Override
    public String toString() {
      return "key" + id;
    }
  }

  /** One node of the baseline's list; the last holds the map. */
  private static final class Node {
    final Node next;
    final Map<Object, Object> map;

    Node(Node next, Map<Object, Object> map) {
      this.next = next;
      this.map = map;
    }
  }

  /**
   * {@value #CHAIN} withValue contexts over background, the far key (the first added, so the
   * lookup passes the other nine); and the baseline, {@value #CHAIN} list nodes and a map of the
   * same {@value #CHAIN} keys.
   */
  @State(Scope.Thread)
  public static class Chain {
    Context ctx = Context.background();
    Node head;
    Object farKey;
    Object missingKey = new Key(-1);

    @Setup
    public void build() {
      Map<Object, Object> map = new HashMap<>();
      for (int i = 0; i < CHAIN; i++) {
        Key key = new Key(i);
        Object value = Workers.value(i);
        if (i == 0) {
          farKey = key;
        }
        ctx = Context.withValue(ctx, key, value);
        map.put(key, value);
      }
      Node last = new Node(null, map);
      head = last;
      for (int i = 1; i < CHAIN; i++) {
        head = new Node(head, null);
      }
      if (ctx.value(farKey) != map.get(farKey) || ctx.value(missingKey) != null) {
        throw new IllegalStateException("the chain and the baseline disagree");
      }
    }

    /** The baseline: walk all {@value #CHAIN} nodes, then look the key up in the map. */
    Object walkThenGet(Object key) {
      Node n = head;
      while (n.next != null) {
        n = n.next;
      }
      return n.map.get(key);
    }
  }

  @Benchmark
  public Object valueChain10Runnel(Chain chain) {
    return chain.ctx.value(chain.farKey);
  }

  @Benchmark
  public Object valueChain10HopsThenHashMap(Chain chain) {
    return chain.walkThenGet(chain.farKey);
  }

  @Benchmark
  public Object valueChain10MissingRunnel(Chain chain) {
    return chain.ctx.value(chain.missingKey);
  }

  @Benchmark
  public Object valueChain10MissingHopsThenHashMap(Chain chain) {
    return chain.walkThenGet(chain.missingKey);
  }

  // ---------------------------------------------------------------- receive with a context

  /** A live (never cancelled) cancellable context, as a request's would be. */
  @State(Scope.Benchmark)
  public static class LiveContext {
    CancelContext ctx;

    @Setup
    public void make() {
      ctx = Context.withCancel(Context.background());
    }

    @TearDown
    public void cancel() {
      ctx.cancel();
    }
  }

  @Benchmark
  @OperationsPerInvocation(READY_OPS)
  public void receiveReady() {
    Channel<Integer> ch = Channel.make(1);
    runAll(
        () -> {
          for (int i = 0; i < READY_OPS; i++) {
            ch.send(BALL);
            ch.receive();
          }
        });
  }

  @Benchmark
  @OperationsPerInvocation(READY_OPS)
  public void receiveReadyWithContext(LiveContext live) {
    Context ctx = live.ctx;
    Channel<Integer> ch = Channel.make(1);
    runAll(
        () -> {
          for (int i = 0; i < READY_OPS; i++) {
            ch.send(BALL);
            ch.receive(ctx);
          }
        });
  }

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public void pingPongReceive() {
    Channel<Integer> ping = Channel.make();
    Channel<Integer> pong = Channel.make();
    runAll(
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            ping.send(BALL);
            pong.receive();
          }
        },
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            pong.send(ping.receive());
          }
        });
  }

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public void pingPongReceiveWithContext(LiveContext live) {
    Context ctx = live.ctx;
    Channel<Integer> ping = Channel.make();
    Channel<Integer> pong = Channel.make();
    runAll(
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            ping.send(BALL);
            pong.receive(ctx);
          }
        },
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            pong.send(ping.receive(ctx));
          }
        });
  }
}
