package dev.runnel.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.context.Context;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** A factory of numbered test resources that can be broken, made to fail, and counted. */
final class Resources implements ResourceFactory<Resources.Res> {

  private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** A test resource: its number, whether it is broken, and how many hold it now. */
  static final class Res {
    final int id;
    volatile boolean broken;
    final AtomicInteger holders = new AtomicInteger();

    Res(int id) {
      this.id = id;
    }

    @Override
    public String toString() {
      return "Res" + id;
    }
  }

  final AtomicInteger calls = new AtomicInteger();
  final AtomicInteger made = new AtomicInteger();
  final List<Res> destroyed = new CopyOnWriteArrayList<>();
  final List<Context> contexts = new CopyOnWriteArrayList<>();
  volatile boolean failing;
  volatile boolean returnNull;

  @Override
  public Res create(Context ctx) throws IOException {
    calls.incrementAndGet();
    contexts.add(ctx);
    if (failing) {
      throw new IOException("connection refused");
    }
    if (returnNull) {
      return null;
    }
    return new Res(made.incrementAndGet());
  }

  @Override
  public boolean validate(Res r) {
    return !r.broken;
  }

  @Override
  public void destroy(Res r) {
    destroyed.add(r);
  }

  /** Waits, briefly polling, for a condition another goroutine brings about. */
  static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE_NANOS;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("timed out waiting until %s", what).isNegative();
      Thread.sleep(1); // another goroutine's progress: there is no event to wait for
    }
  }

  /** Waits until {@code n} acquirers are queued in {@code pool}. */
  static void awaitWaiters(ResourcePool<?> pool, int n) throws InterruptedException {
    eventually(n + " waiters", () -> pool.stats().waiters() == n);
  }
}
