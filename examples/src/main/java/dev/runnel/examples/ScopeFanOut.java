package dev.runnel.examples;

import dev.runnel.context.Context;
import dev.runnel.structured.Fork;
import dev.runnel.structured.Scope;
import dev.runnel.structured.Task;
import dev.runnel.time.Time;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * Structured fan-out with {@link Scope}: a page built from two lookups at once, where one failing
 * cancels the other; {@code par} for a list of lookups; {@code race} against replicas, where the
 * first answer wins and the slower replicas are cancelled.
 */
public final class ScopeFanOut {

  private ScopeFanOut() {}

  record Page(String user, List<String> orders) {}

  public static void main(String[] args) throws Exception {
    Context ctx = Context.background();

    try (Scope scope = Scope.open(ctx)) {
      Fork<String> user = scope.fork(c -> lookup(c, "user 42", Duration.ofMillis(20)));
      Fork<List<String>> orders =
          scope.fork(c -> List.of(lookup(c, "order 1", Duration.ofMillis(10)), "order 2"));
      scope.join();
      System.out.println("page: " + new Page(user.get(), orders.get()));
    }

    try (Scope scope = Scope.open(ctx)) {
      Fork<String> slow = scope.fork(c -> lookup(c, "never shown", Duration.ofMinutes(5)));
      scope.fork(
          c -> {
            throw new IOException("the orders service is down");
          });
      scope.join();
      System.out.println("unreachable: " + slow.get());
    } catch (CompletionException e) {
      System.out.println("failed fast: " + e.getCause().getMessage() + "; the slow lookup was cancelled");
    }

    List<String> prices =
        Scope.par(
            ctx,
            List.<Task<String>>of(
                c -> lookup(c, "price A", Duration.ofMillis(5)),
                c -> lookup(c, "price B", Duration.ofMillis(1))));
    System.out.println("par: " + prices);

    String answer =
        Scope.race(
            ctx,
            List.<Task<String>>of(
                c -> lookup(c, "replica 1", Duration.ofMinutes(5)),
                c -> lookup(c, "replica 2", Duration.ofMillis(10)),
                c -> lookup(c, "replica 3", Duration.ofMinutes(5))));
    System.out.println("race: " + answer + " answered first; the others were cancelled");
  }

  /** A remote call that takes {@code latency}, or less if its context ends first. */
  private static String lookup(Context ctx, String what, Duration latency)
      throws InterruptedException {
    Time.sleep(ctx, latency);
    return what;
  }
}
