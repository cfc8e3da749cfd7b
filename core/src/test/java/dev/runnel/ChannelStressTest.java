package dev.runnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many goroutines on one channel and close racing blocked operations. Bounded to a few seconds
 * each; every value is accounted for at the end. Interrupts and timeouts racing hand-offs are in
 * {@link ChannelRaceStressTest}.
 */
@Timeout(60)
class ChannelStressTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  // ------------------------------------------------------------------ many senders, many receivers

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 100})
  void manyGoroutinesDeliverEveryValueExactlyOnce(int capacity) throws Exception {
    manySendersManyReceivers(capacity, 8, 8, 100_000, Go::go);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 100})
  void manyPlatformThreadsDeliverEveryValueExactlyOnce(int capacity) throws Exception {
    manySendersManyReceivers(capacity, 4, 4, 20_000, body -> Runner.PLATFORM.run(body::run));
  }

  private static void manySendersManyReceivers(
      int capacity, int senders, int receivers, int values, Consumer<GoFunc> runner)
      throws Exception {
    Channel<Integer> ch = Channel.make(capacity);
    AtomicIntegerArray counts = new AtomicIntegerArray(values);
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch sendersDone = new CountDownLatch(senders);
    CountDownLatch receiversDone = new CountDownLatch(receivers);
    for (int s = 0; s < senders; s++) {
      int first = s;
      runner.accept(
          () -> {
            try {
              for (int v = first; v < values; v += senders) {
                ch.send(v);
              }
            } catch (Throwable t) {
              failures.add(t);
            } finally {
              sendersDone.countDown();
            }
          });
    }
    for (int r = 0; r < receivers; r++) {
      runner.accept(
          () -> {
            try {
              for (int v : ch) {
                counts.incrementAndGet(v);
              }
            } catch (Throwable t) {
              failures.add(t);
            } finally {
              receiversDone.countDown();
            }
          });
    }
    assertThat(sendersDone.await(40, TimeUnit.SECONDS)).as("senders finished").isTrue();
    ch.close();
    assertThat(receiversDone.await(10, TimeUnit.SECONDS)).as("receivers finished").isTrue();
    assertThat(failures).isEmpty();
    for (int v = 0; v < values; v++) {
      if (counts.get(v) != 1) {
        throw new AssertionError("value " + v + " received " + counts.get(v) + " times");
      }
    }
    assertThat(TestSupport.noWaiters(ch)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void bufferedChannelAsCountingSemaphoreBoundsConcurrencyAndPublishes(int capacity)
      throws Exception {
    // Go's memory model: the k-th receive happens-before the (k+C)-th send completes, so a
    // channel of capacity C is a semaphore; with C == 1 it is a mutex guarding plain fields
    Channel<Boolean> sem = Channel.make(capacity);
    int goroutines = 8;
    int rounds = 5_000;
    int[] plainCounter = {0};
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(goroutines);
    for (int g = 0; g < goroutines; g++) {
      Go.go(
          () -> {
            try {
              for (int i = 0; i < rounds; i++) {
                sem.send(true); // acquire
                int now = inside.incrementAndGet();
                maxInside.accumulateAndGet(now, Math::max);
                if (capacity == 1) {
                  plainCounter[0]++; // guarded only by the channel
                }
                inside.decrementAndGet();
                sem.receive(); // release
              }
            } catch (Throwable t) {
              failures.add(t);
            } finally {
              done.countDown();
            }
          });
    }
    assertThat(done.await(40, TimeUnit.SECONDS)).isTrue();
    assertThat(failures).isEmpty();
    assertThat(maxInside.get()).isBetween(1, capacity);
    if (capacity == 1) {
      assertThat(plainCounter[0]).isEqualTo(goroutines * rounds);
    }
  }

  // ------------------------------------------------------------------ close racing blocked ops

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 4})
  void closeRacingSendersAndReceiversLosesAndDuplicatesNothing(int capacity) throws Exception {
    int senders = 4;
    int receivers = 3;
    for (int round = 0; round < 200; round++) {
      Channel<Integer> ch = Channel.make(capacity);
      int receivesBeforeClose = ThreadLocalRandom.current().nextInt(40);
      List<Task<List<Integer>>> senderTasks = new ArrayList<>();
      for (int s = 0; s < senders; s++) {
        int base = s * 1_000_000;
        Runner runner = s % 2 == 0 ? Runner.VIRTUAL : Runner.PLATFORM;
        senderTasks.add(
            runner.call(
                () -> {
                  List<Integer> delivered = new ArrayList<>();
                  for (int k = 0; ; k++) {
                    try {
                      ch.send(base + k); // sends until the channel is closed
                    } catch (ChannelClosedException closed) {
                      return delivered; // base + k was not delivered
                    }
                    delivered.add(base + k);
                  }
                }));
      }
      List<Task<List<Integer>>> receiverTasks = new ArrayList<>();
      for (int r = 0; r < receivers; r++) {
        Runner runner = r % 2 == 0 ? Runner.VIRTUAL : Runner.PLATFORM;
        receiverTasks.add(
            runner.call(
                () -> {
                  List<Integer> got = new ArrayList<>();
                  Integer v;
                  while ((v = ch.receive()) != null) {
                    got.add(v);
                  }
                  return got;
                }));
      }
      // the closer receives a few values itself, then closes while others are blocked or busy
      List<Integer> closerGot = new ArrayList<>();
      for (int i = 0; i < receivesBeforeClose; i++) {
        closerGot.add(ch.receive());
      }
      ch.close();

      Set<Integer> sent = new HashSet<>();
      for (Task<List<Integer>> s : senderTasks) {
        sent.addAll(s.join());
      }
      List<Integer> received = new ArrayList<>(closerGot);
      for (Task<List<Integer>> r : receiverTasks) {
        received.addAll(r.join());
      }
      TestSupport.assertReceivedExactlyOnce(round, received, sent);
      assertThat(TestSupport.noWaiters(ch)).isTrue();
    }
  }

  @Test
  void closeWakesThousandsOfBlockedGoroutines() throws Exception {
    int n = 5_000;
    Channel<Integer> ch = Channel.make();
    Channel<Integer> full = Channel.make(1);
    full.send(0);
    AtomicInteger closedSeen = new AtomicInteger();
    AtomicInteger sendsFailed = new AtomicInteger();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(2 * n);
    for (int i = 0; i < n; i++) {
      int v = i + 1;
      Go.go(
          () -> {
            try {
              if (ch.receive() == null) {
                closedSeen.incrementAndGet();
              }
            } catch (Throwable t) {
              failures.add(t);
            } finally {
              done.countDown();
            }
          });
      Go.go(
          () -> {
            try {
              full.send(v);
            } catch (ChannelClosedException expected) {
              sendsFailed.incrementAndGet();
            } catch (Throwable t) {
              failures.add(t);
            } finally {
              done.countDown();
            }
          });
    }
    // wait until every goroutine is queued: none can complete before the closes
    TestSupport.eventually(
        "all goroutines are queued",
        () -> TestSupport.queuedReceivers(ch) == n && TestSupport.queuedSenders(full) == n);
    ch.close();
    full.close();
    assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(failures).isEmpty();
    assertThat(closedSeen).hasValue(n);
    assertThat(sendsFailed).hasValue(n);
    assertThat(full.receive()).isEqualTo(0); // the buffered value survives close
    assertThat(full.receive()).isNull();
  }
}
