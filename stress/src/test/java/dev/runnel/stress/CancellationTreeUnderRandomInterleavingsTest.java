package dev.runnel.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cancellation tree under random concurrent use: many small random trees of {@code
 * withCancel} contexts, three threads (virtual and platform) that cancel random nodes with their
 * own causes, make children of random nodes and observe {@code err()}, {@code cause()} and
 * {@code done()}. Not a Lincheck test because a subtree's cancellation is not atomic (see {@link
 * CancelContextIsLinearizableTest}); the invariants it does keep are checked instead.
 *
 * <p>While the threads run, each thread checks what it sees: {@code done()} seen closed implies
 * {@code err()} non-null (the converse does not hold today: {@link #errIsNeverSetWhileDoneIsOpen}),
 * a done context stays done with the same {@code err()} instance, a child made of a
 * context this thread has seen done is born cancelled, and one born cancelled has a done parent.
 * When they are done: a context is done iff it or an ancestor was cancelled (so cancelling never
 * reaches ancestors or siblings), and a done context's {@code cause()} is the cause of one such
 * cancel, with the {@code err()} of the context that cancel was called on (one exception instance
 * per cancellation, shared by the subtree). Scenarios come from a fixed seed; {@code
 * -Drunnel.stress.seed=N} explores others.
 */
class CancellationTreeUnderRandomInterleavingsTest {

  // Sample and full budget (StressBudget): trees, and rounds of the two reproductions below.
  private static final int TREES = StressBudget.pick(400, 4_000);
  private static final int LOSING_CANCEL_ROUNDS = StressBudget.pick(200, 2_000);
  private static final int ERR_AND_DONE_ROUNDS = StressBudget.pick(10_000, 100_000);
  private static final int INITIAL_NODES = 8;
  private static final int OPS_PER_THREAD = 24;
  private static final int THREADS = 3;

  /** A context of the tree and the index of its parent (-1 for the root). */
  record Node(CancelContext ctx, int parent) {}

  /** One random tree and what the threads did to it. */
  static final class Tree {
    final List<Node> nodes = new CopyOnWriteArrayList<>();
    /** Cause of each cancel call, to the index of the node it was called on. */
    final Map<Throwable, Integer> cancels = new ConcurrentHashMap<>();

    Tree(Random random) {
      nodes.add(new Node(Context.withCancel(Context.background()), -1));
      for (int i = 1; i < INITIAL_NODES; i++) {
        int parent = random.nextInt(i);
        nodes.add(new Node(Context.withCancel(nodes.get(parent).ctx()), parent));
      }
    }

    boolean cancelledAtOrAbove(int i) {
      for (int n = i; n >= 0; n = nodes.get(n).parent()) {
        if (cancels.containsValue(n)) {
          return true;
        }
      }
      return false;
    }

    boolean isAtOrAbove(int ancestor, int i) {
      for (int n = i; n >= 0; n = nodes.get(n).parent()) {
        if (n == ancestor) {
          return true;
        }
      }
      return false;
    }
  }

  @Test
  @Timeout(300)
  void randomTreesKeepTheirInvariants() throws Exception {
    Random random = new Random(ChannelBlockingOperationsAreLinearizableTest.SEED);
    for (int t = 0; t < TREES; t++) {
      Tree tree = new Tree(random);
      long[] seeds = new long[THREADS];
      for (int i = 0; i < THREADS; i++) {
        seeds[i] = random.nextLong();
      }
      AtomicReference<Throwable> failure = new AtomicReference<>();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        int id = i;
        Runnable body =
            () -> {
              try {
                start.await();
                play(tree, new Random(seeds[id]), id);
              } catch (Throwable e) {
                failure.compareAndSet(null, e);
              }
            };
        threads.add(
            (i % 2 == 0 ? Thread.ofVirtual() : Thread.ofPlatform()).name("tree-" + i).start(body));
      }
      start.countDown();
      for (Thread th : threads) {
        th.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(th.isAlive()).as("thread %s finished", th.getName()).isFalse();
      }
      if (failure.get() != null) {
        throw new AssertionError("tree " + t + ": " + failure.get(), failure.get());
      }
      checkQuiescent(tree, t);
    }
  }

  /** One thread's random operations, checking what it sees as it goes. */
  private static void play(Tree tree, Random random, int id) {
    Map<Integer, CancellationException> seenDone = new java.util.HashMap<>();
    for (int op = 0; op < OPS_PER_THREAD; op++) {
      int i = random.nextInt(tree.nodes.size());
      Node node = tree.nodes.get(i);
      switch (random.nextInt(4)) {
        case 0 -> {
          Throwable cause = new IllegalStateException("cancel of " + i + " by " + id + "#" + op);
          tree.cancels.put(cause, i);
          node.ctx().cancel(cause);
          CancellationException e = node.ctx().err();
          assertThat(e).as("err() after cancel() of %s", i).isNotNull();
          assertThat(node.ctx().done().tryReceive()).as("done() after cancel()").isNotNull();
          seenDone.put(i, e);
        }
        case 1 -> {
          boolean parentSeenDone = seenDone.containsKey(i);
          CancelContext child = Context.withCancel(node.ctx());
          boolean born = child.err() != null;
          tree.nodes.add(new Node(child, i));
          if (parentSeenDone) {
            assertThat(born).as("child of a context seen done is born cancelled").isTrue();
          }
          if (born) {
            assertThat(node.ctx().err()).as("born cancelled, so its parent is done").isNotNull();
          }
        }
        case 2 -> {
          boolean closed = node.ctx().done().tryReceive() != null;
          CancellationException e = node.ctx().err();
          if (closed) {
            assertThat(e).as("err() after done() of %s was seen closed", i).isNotNull();
          }
          observe(seenDone, i, e);
        }
        default -> {
          CancellationException e = node.ctx().err();
          Throwable cause = node.ctx().cause();
          if (e != null) {
            assertThat(cause).as("cause() once err() is set").isNotNull();
          }
          observe(seenDone, i, e);
        }
      }
    }
  }

  private static void observe(Map<Integer, CancellationException> seenDone, int i, Exception e) {
    CancellationException before = seenDone.get(i);
    if (before != null) {
      assertThat(e).as("err() of %s, once seen, stays the same instance", i).isSameAs(before);
    } else if (e != null) {
      seenDone.put(i, (CancellationException) e);
    }
  }

  private static void checkQuiescent(Tree tree, int t) {
    for (int i = 0; i < tree.nodes.size(); i++) {
      CancelContext ctx = tree.nodes.get(i).ctx();
      boolean expectDone = tree.cancelledAtOrAbove(i);
      assertThat(ctx.err() != null)
          .as("tree %s node %s done iff it or an ancestor was cancelled", t, i)
          .isEqualTo(expectDone);
      assertThat(ctx.done().tryReceive() != null).as("tree %s node %s done()", t, i)
          .isEqualTo(expectDone);
      if (!expectDone) {
        assertThat(ctx.cause()).isNull();
        continue;
      }
      Integer by = tree.cancels.get(ctx.cause());
      assertThat(by).as("tree %s node %s: cause() is one that cancel() was given", t, i)
          .isNotNull();
      assertThat(tree.isAtOrAbove(by, i))
          .as("tree %s node %s: cancelled by %s, an ancestor or itself", t, i, by)
          .isTrue();
      CancelContext origin = tree.nodes.get(by).ctx();
      assertThat(origin.cause()).as("tree %s: the cancel of %s took effect there", t, by)
          .isSameAs(ctx.cause());
      assertThat(ctx.err()).as("tree %s node %s: err() shared with %s", t, i, by)
          .isSameAs(origin.err());
    }
  }

  /**
   * Two threads cancel the same root while it has a long chain below it: the one that loses the
   * race must not return before the subtree is cancelled, as {@code CancelContext} says
   * cancelling "cancels every descendant" (and as Go's {@code cancelCtx}, which cancels the
   * children under the parent's lock, does).
   */
  @Test
  @Timeout(300)
  void losingCancelReturnsOnlyOnceTheSubtreeIsCancelled() throws Exception {
    int early = 0;
    for (int round = 0; round < LOSING_CANCEL_ROUNDS && early == 0; round++) {
      CancelContext root = Context.withCancel(Context.background());
      CancelContext last = root;
      for (int i = 0; i < 2000; i++) {
        last = Context.withCancel(last);
      }
      CancelContext leaf = last;
      CountDownLatch go = new CountDownLatch(1);
      Thread first =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      go.await();
                    } catch (InterruptedException e) {
                      return;
                    }
                    root.cancel();
                  });
      go.countDown();
      while (root.err() == null) {
        Thread.onSpinWait();
      }
      root.cancel(); // the losing call: root is cancelled already
      if (leaf.err() == null) {
        early++;
      }
      first.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(first.isAlive()).isFalse();
    }
    assertThat(early).as("rounds where root.cancel() returned before the leaf was done").isZero();
  }

  /** Go's documented Err: nil while Done is not closed. So err() non-null means done() closed. */
  @Test
  @Timeout(300)
  void errIsNeverSetWhileDoneIsOpen() throws Exception {
    int open = 0;
    for (int round = 0; round < ERR_AND_DONE_ROUNDS && open == 0; round++) {
      CancelContext ctx = Context.withCancel(Context.background());
      ctx.done(); // made first, so that cancel closes it after setting err
      CountDownLatch go = new CountDownLatch(1);
      Thread canceller =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      go.await();
                    } catch (InterruptedException e) {
                      return;
                    }
                    ctx.cancel();
                  });
      go.countDown();
      while (ctx.err() == null) {
        Thread.onSpinWait();
      }
      if (ctx.done().tryReceive() == null) {
        open++;
      }
      canceller.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(canceller.isAlive()).isFalse();
    }
    assertThat(open).as("rounds where err() was set but done() still open").isZero();
  }
}
