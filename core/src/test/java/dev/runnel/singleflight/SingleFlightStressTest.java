package dev.runnel.singleflight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.ReceiveChannel;
import dev.runnel.Received;
import dev.runnel.singleflight.SingleFlight.Outcome;
import dev.runnel.singleflight.SingleFlight.Result;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many goroutines calling few keys, with {@code call} and {@code callAsync} mixed: {@code fn}
 * never runs twice at a time for a key, every caller of a flight gets that flight's value, and
 * {@code shared} says exactly whether the flight had more than one caller.
 */
@Timeout(60)
class SingleFlightStressTest {

  private static final int KEYS = 3;

  /** What one run of fn produces; {@code payload} is a plain field written inside fn. */
  private static final class Value {
    final int key;
    final long flight;
    long payload;

    Value(int key, long flight) {
      this.key = key;
      this.flight = flight;
    }
  }

  /** What one caller saw. */
  private record Seen(int key, Value value, boolean shared) {}

  @ParameterizedTest
  @EnumSource(Runner.class)
  void fnRunsAtMostOnceAtATimePerKeyAndEveryCallerGetsItsFlightsValue(Runner runner)
      throws Exception {
    int goroutines = runner == Runner.VIRTUAL ? 64 : 16;
    int callsEach = runner == Runner.VIRTUAL ? 300 : 600;
    SingleFlight<Integer, Value> sf = new SingleFlight<>();
    AtomicInteger[] running = new AtomicInteger[KEYS];
    for (int k = 0; k < KEYS; k++) {
      running[k] = new AtomicInteger();
    }
    AtomicLongArray maxRunning = new AtomicLongArray(KEYS);
    AtomicLong flights = new AtomicLong();
    ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();

    List<Task<Void>> tasks = new ArrayList<>();
    for (int g = 0; g < goroutines; g++) {
      tasks.add(
          runner.run(
              () -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (int i = 0; i < callsEach; i++) {
                  int key = rnd.nextInt(KEYS);
                  Callable<Value> fn =
                      () -> {
                        int now = running[key].incrementAndGet();
                        maxRunning.accumulateAndGet(key, now, Math::max);
                        Value v = new Value(key, flights.incrementAndGet());
                        for (int y = rnd.nextInt(4); y > 0; y--) {
                          Thread.yield();
                        }
                        v.payload = v.flight * 31 + key; // plain write, read by every caller
                        running[key].decrementAndGet();
                        return v;
                      };
                  if (rnd.nextInt(3) == 0) {
                    ReceiveChannel<Outcome<Value>> ch = sf.callAsync(key, fn);
                    Received<Outcome<Value>> r = ch.receive(Duration.ofSeconds(10));
                    assertThat(r).as("an async outcome arrives").isNotNull();
                    assertThat(r.ok()).isTrue();
                    assertThat(r.value().error()).isNull();
                    assertThat(ch.receiveOk().ok()).as("closed after the outcome").isFalse();
                    seen.add(new Seen(key, r.value().value(), r.value().shared()));
                  } else {
                    Result<Value> r = sf.call(key, fn);
                    seen.add(new Seen(key, r.value(), r.shared()));
                  }
                }
              }));
    }
    for (Task<Void> t : tasks) {
      t.join(Duration.ofSeconds(50));
    }

    for (int k = 0; k < KEYS; k++) {
      assertThat(maxRunning.get(k)).as("concurrent runs of fn for key %d", k).isEqualTo(1);
    }
    assertThat(seen).hasSize(goroutines * callsEach);
    Map<Long, List<Seen>> byFlight = new HashMap<>();
    for (Seen s : seen) {
      assertThat(s.value().key).as("a caller gets a value of its own key").isEqualTo(s.key());
      assertThat(s.value().payload)
          .as("fn's writes are visible to its callers")
          .isEqualTo(s.value().flight * 31 + s.key());
      byFlight.computeIfAbsent(s.value().flight, f -> new ArrayList<>()).add(s);
    }
    assertThat(byFlight).as("every run of fn reached a caller").hasSize((int) flights.get());
    int sharedFlights = 0;
    for (List<Seen> callers : byFlight.values()) {
      boolean many = callers.size() > 1;
      sharedFlights += many ? 1 : 0;
      Value first = callers.get(0).value();
      for (Seen s : callers) {
        assertThat(s.value()).as("one value instance per flight").isSameAs(first);
        assertThat(s.shared())
            .as("shared iff the flight had %d > 1 callers", callers.size())
            .isEqualTo(many);
      }
    }
    // Not a correctness condition, but a stress test that never overlaps tests nothing.
    assertThat(sharedFlights).as("some flights were shared").isPositive();
  }

  @Test
  void forgetRacingFlightsNeverBreaksTheOneValuePerFlightRule() throws Exception {
    SingleFlight<Integer, Value> sf = new SingleFlight<>();
    AtomicLong flights = new AtomicLong();
    ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
    List<Task<Void>> tasks = new ArrayList<>();
    for (int g = 0; g < 32; g++) {
      boolean forgetter = g % 8 == 0;
      tasks.add(
          Runner.VIRTUAL.run(
              () -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (int i = 0; i < 300; i++) {
                  int key = rnd.nextInt(KEYS);
                  if (forgetter) {
                    sf.forget(key);
                    Thread.yield();
                    continue;
                  }
                  Result<Value> r =
                      sf.call(
                          key,
                          () -> {
                            Value v = new Value(key, flights.incrementAndGet());
                            Thread.yield();
                            v.payload = v.flight * 31 + key;
                            return v;
                          });
                  seen.add(new Seen(key, r.value(), r.shared()));
                }
              }));
    }
    for (Task<Void> t : tasks) {
      t.join(Duration.ofSeconds(50));
    }
    Map<Long, List<Seen>> byFlight = new HashMap<>();
    for (Seen s : seen) {
      assertThat(s.value().key).isEqualTo(s.key());
      assertThat(s.value().payload).isEqualTo(s.value().flight * 31 + s.key());
      byFlight.computeIfAbsent(s.value().flight, f -> new ArrayList<>()).add(s);
    }
    assertThat(byFlight).hasSize((int) flights.get());
    for (List<Seen> callers : byFlight.values()) {
      for (Seen s : callers) {
        assertThat(s.shared()).isEqualTo(callers.size() > 1);
      }
    }
  }
}
