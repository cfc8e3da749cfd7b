package dev.runnel.singleflight;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.ReceiveChannel;
import dev.runnel.context.Context;
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
   * @param shared whether the value was given to more than one caller
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
    Objects.requireNonNull(fn, "fn");
    Flight<V> mine = new Flight<>();
    Flight<V> flight = join(key, mine);
    if (flight == mine) {
      run(key, mine, fn);
    } else {
      flight.done.receive(ctx);
    }
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
    Objects.requireNonNull(fn, "fn");
    Channel<Outcome<V>> out = Channel.make(1);
    Flight<V> mine = new Flight<>();
    Flight<V> flight = join(key, mine);
    Go.go(
        () -> {
          if (flight == mine) {
            run(key, mine, fn);
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
    flights.remove(key);
  }

  /** Registers as a duplicate of the flight for {@code key}, or installs {@code mine}. */
  private Flight<V> join(K key, Flight<V> mine) {
    return flights.compute(
        key,
        (k, current) -> {
          if (current == null) {
            return mine;
          }
          current.duplicates++; // under the map's lock for this key: exact, see run
          return current;
        });
  }

  private void run(K key, Flight<V> flight, Callable<V> fn) {
    try {
      flight.value = fn.call();
    } catch (Exception | Error e) {
      flight.error = e;
    } finally {
      // Leaving the map under its lock for the key fixes the duplicate count: none can join after.
      flights.compute(key, (k, current) -> current == flight ? null : current);
      flight.done.close();
    }
  }

  /** One call in flight. Its fields are written before done is closed and read after. */
  private static final class Flight<V> {
    final Channel<Void> done = Channel.make();
    /** Callers that joined; guarded by the map's lock for the key while the flight is in it. */
    int duplicates;
    V value;
    Throwable error;

    Result<V> result() throws ExecutionException {
      if (error instanceof Error panic) {
        throw panic;
      }
      if (error != null) {
        throw new ExecutionException(error);
      }
      return new Result<>(value, duplicates > 0);
    }

    Outcome<V> outcome() {
      return new Outcome<>(value, error, duplicates > 0);
    }
  }
}
