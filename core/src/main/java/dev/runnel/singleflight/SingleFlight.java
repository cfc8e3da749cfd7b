package dev.runnel.singleflight;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.ReceiveChannel;
import dev.runnel.context.Context;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Duplicate call suppression: Go's {@code golang.org/x/sync/singleflight.Group}. While a call for
 * a key is in flight, callers of the same key wait for it and share its outcome instead of
 * running the function again.
 *
 * <p>{@link #call} runs {@code fn} in the first caller's goroutine; the others wait. Every caller
 * gets the same value, with {@link Result#shared()} true if more than one caller got it, or the
 * same exception, as the cause of an {@link ExecutionException}. An {@link Error} thrown by {@code
 * fn} is a panic and is rethrown as is to every caller. {@link #callAsync} is the form that
 * returns a channel, for {@code Select}. {@link #forget} makes the next call of a key run {@code
 * fn} again even while one is in flight. A waiter may stop waiting ({@link #call(Context, Object,
 * Callable)} with a cancelled context, or an interrupt) without cancelling the call for the
 * others.
 *
 * <p>The zero value: {@code new SingleFlight<>()} is ready to use.
 *
 * <p>Memory consistency effects: actions in {@code fn} happen-before every caller of that flight
 * returns.
 *
 * <p>Go: {@code Do} is {@code call}, {@code DoChan} is {@code callAsync}, {@code Forget} is
 * {@code forget}. Keys compare with {@code equals}.
 *
 * {@snippet :
 * SingleFlight<String, User> users = new SingleFlight<>();
 * User u = users.call(id, () -> db.loadUser(id)).value(); // one load per id at a time
 * }
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class SingleFlight<K, V> {

  /**
   * What {@link #call} returns: Go's {@code v, err, shared}, without the error, which is thrown.
   *
   * @param value what {@code fn} returned
   * @param shared whether other callers joined the flight (Go's {@code shared}), counting those
   *     that stopped waiting
   * @param <V> the value type
   */
  public record Result<V>(V value, boolean shared) {}

  /**
   * What {@link #callAsync}'s channel delivers: Go's {@code singleflight.Result}.
   *
   * @param value what {@code fn} returned, or null if it threw
   * @param error what {@code fn} threw (an {@link Exception}, or an {@link Error} for a panic), or
   *     null
   * @param shared whether the outcome was given to more than one caller
   * @param <V> the value type
   */
  public record Outcome<V>(V value, Throwable error, boolean shared) {}

  private final ConcurrentHashMap<K, Flight<V>> flights = new ConcurrentHashMap<>();

  /** Creates a group with no call in flight. */
  public SingleFlight() {}

  /**
   * Runs {@code fn} for {@code key}, or waits for the call already in flight for it: Go's {@code
   * g.Do(key, fn)}.
   *
   * @param key the key
   * @param fn the function, run by the first caller only
   * @return the value, and whether it was shared
   * @throws ExecutionException caused by the exception {@code fn} threw (the same for every caller)
   * @throws InterruptedException if interrupted while waiting for another caller's flight (the
   *     flight goes on for the others)
   */
  public Result<V> call(K key, Callable<V> fn) throws InterruptedException, ExecutionException {
    return call(Context.background(), key, fn);
  }

  /**
   * As {@link #call(Object, Callable)}, but a waiter stops waiting when {@code ctx} is done,
   * without cancelling the flight for the others. The caller that runs {@code fn} runs it to the
   * end; {@code fn} can watch a context of its own.
   *
   * @param ctx the context whose cancellation ends this caller's wait
   * @param key the key
   * @param fn the function
   * @return the value, and whether it was shared
   * @throws java.util.concurrent.CancellationException {@code ctx.err()} if the context is done
   *     while this caller waits for another's flight
   * @throws ExecutionException caused by the exception {@code fn} threw
   * @throws InterruptedException if interrupted while waiting
   */
  public Result<V> call(Context ctx, K key, Callable<V> fn)
      throws InterruptedException, ExecutionException {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fn, "fn");
    Flight<V> flight = joinExisting(key);
    if (flight == null) {
      Flight<V> mine = new Flight<>();
      flight = installOrJoin(key, mine);
      if (flight == null) {
        run(key, mine, fn);
        return mine.result();
      }
    }
    flight.done.receive(ctx);
    return flight.result();
  }

  /**
   * As {@link #call(Object, Callable)}, but returns at once with a channel that delivers the
   * outcome: Go's {@code g.DoChan(key, fn)}. If no call is in flight, {@code fn} runs in a new
   * goroutine.
   *
   * @param key the key
   * @param fn the function
   * @return a channel that delivers one {@link Outcome} and is then closed
   */
  public ReceiveChannel<Outcome<V>> callAsync(K key, Callable<V> fn) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fn, "fn");
    Channel<Outcome<V>> out = Channel.make(1);
    Flight<V> joined = joinExisting(key); // joins now, in the caller, as Go's DoChan does
    Flight<V> mine = null;
    if (joined == null) {
      mine = new Flight<>();
      joined = installOrJoin(key, mine);
    }
    Flight<V> flight = joined != null ? joined : mine;
    boolean leads = joined == null;
    Go.go(
        () -> {
          if (leads) {
            run(key, flight, fn);
          } else {
            flight.done.receive();
          }
          out.send(flight.outcome());
          out.close();
        });
    return out;
  }

  /**
   * Forgets the flight in progress for {@code key}, if any: the next call runs {@code fn} again
   * instead of waiting for it. Callers already waiting still get its outcome. Go's {@code
   * g.Forget(key)}.
   *
   * @param key the key
   */
  public void forget(K key) {
    flights.remove(Objects.requireNonNull(key, "key"));
  }

  /** The fast path of a duplicate: the flight for {@code key}, joined; or null. */
  private Flight<V> joinExisting(K key) {
    Flight<V> f = flights.get(key);
    return f != null && f.join() ? f : null;
  }

  /**
   * Installs {@code mine} for {@code key} (returns null: the caller leads it), or joins the flight
   * there. A flight that stopped taking duplicates (its function returned) is dropped from the map
   * and the caller tries again, so it starts a new flight, as a caller after the end would.
   */
  private Flight<V> installOrJoin(K key, Flight<V> mine) {
    for (; ; ) {
      Flight<V> f = flights.putIfAbsent(key, mine);
      if (f == null) {
        return null;
      }
      if (f.join()) {
        return f;
      }
      flights.remove(key, f);
    }
  }

  private void run(K key, Flight<V> flight, Callable<V> fn) {
    try {
      flight.value = fn.call();
    } catch (InterruptedException e) {
      flight.error = e;
      Thread.currentThread().interrupt(); // the leader's own interrupt is not the waiters' to lose
    } catch (Exception | Error e) {
      flight.error = e;
    } finally {
      flight.closeJoins(); // fixes the duplicate count before anyone can read it
      flights.remove(key, flight);
      flight.done.close();
    }
  }

  /**
   * One call in flight. Its value and error are written before done is closed and read after.
   *
   * <p>joins counts the duplicates that joined, in its low bits; CLOSED is set by the leader once
   * the function returned, after which no caller can join, so the count the leader and the
   * waiters read after it is final.
   */
  private static final class Flight<V> {
    private static final int CLOSED = 1 << 31;
    private static final VarHandle JOINS;

    static {
      try {
        JOINS = MethodHandles.lookup().findVarHandle(Flight.class, "joins", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final Channel<Void> done = Channel.make();
    private volatile int joins;
    V value;
    Throwable error;

    /** Joins as a duplicate; false if the flight no longer takes any. */
    boolean join() {
      for (int j; ((j = joins) & CLOSED) == 0; ) {
        if (JOINS.compareAndSet(this, j, j + 1)) {
          return true;
        }
      }
      return false;
    }

    void closeJoins() {
      for (int j; ((j = joins) & CLOSED) == 0; ) {
        if (JOINS.compareAndSet(this, j, j | CLOSED)) {
          return;
        }
      }
    }

    private boolean shared() {
      return (joins & ~CLOSED) > 0;
    }

    Result<V> result() throws ExecutionException {
      if (error instanceof Error panic) {
        throw panic;
      }
      if (error != null) {
        throw new ExecutionException(error);
      }
      return new Result<>(value, shared());
    }

    Outcome<V> outcome() {
      return new Outcome<>(value, error, shared());
    }
  }
}
