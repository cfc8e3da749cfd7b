package dev.runnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.TestSupport.Runner;
import dev.runnel.TestSupport.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many goroutines on one channel, close racing blocked operations, interrupts and timeouts racing
 * hand-offs. Bounded to a few seconds each; every value is accounted for at the end.
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
    java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger maxInside = new java.util.concurrent.atomic.AtomicInteger();
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
      Set<Integer> unique = new HashSet<>(received);
      assertThat(unique).as("round %d: duplicates", round).hasSameSizeAs(received);
      assertThat(unique).as("round %d: received = delivered", round).isEqualTo(sent);
      assertThat(TestSupport.noWaiters(ch)).isTrue();
    }
  }

  // ------------------------------------------------------------------ interrupt racing hand-off

  /** What a blocked operation saw when an interrupt raced a hand-off. */
  record Outcome(boolean completed, Object value, boolean flagAfterwards) {}

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptRacingAHandOffToAReceiverIsAllOrNothing(Runner runner) throws Exception {
    for (int round = 0; round < 300; round++) {
      Channel<Integer> ch = Channel.make();
      AtomicBoolean interruptDone = new AtomicBoolean();
      Task<Outcome> receiver =
          runner.callBlocked(
              () -> {
                Integer v = null;
                boolean completed;
                try {
                  v = ch.receive();
                  completed = true;
                } catch (InterruptedException e) {
                  completed = false;
                }
                TestSupport.eventually("interrupt() returned", interruptDone::get);
                return new Outcome(completed, v, Thread.interrupted());
              });
      Thread interrupter =
          Thread.ofPlatform()
              .start(
                  () -> {
                    receiver.thread().interrupt();
                    interruptDone.set(true);
                  });
      boolean sent = ch.trySend(round);
      interrupter.join();
      Outcome o = receiver.join();
      if (o.completed()) {
        assertThat(sent).isTrue();
        assertThat(o.value()).isEqualTo(round);
        assertThat(o.flagAfterwards()).as("round %d: interrupt not swallowed", round).isTrue();
      } else {
        assertThat(sent).as("round %d: a receive that threw took nothing", round).isFalse();
        assertThat(o.flagAfterwards()).as("round %d: flag cleared once thrown", round).isFalse();
      }
      assertThat(TestSupport.noWaiters(ch)).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptRacingAHandOffFromASenderIsAllOrNothing(Runner runner) throws Exception {
    for (int round = 0; round < 300; round++) {
      Channel<Integer> ch = Channel.make(round % 2); // unbuffered, and a full buffer of one
      if (ch.capacity() == 1) {
        ch.send(-1);
      }
      int value = round;
      AtomicBoolean interruptDone = new AtomicBoolean();
      Task<Outcome> sender =
          runner.callBlocked(
              () -> {
                boolean completed;
                try {
                  ch.send(value);
                  completed = true;
                } catch (InterruptedException e) {
                  completed = false;
                }
                TestSupport.eventually("interrupt() returned", interruptDone::get);
                return new Outcome(completed, value, Thread.interrupted());
              });
      Thread interrupter =
          Thread.ofPlatform()
              .start(
                  () -> {
                    sender.thread().interrupt();
                    interruptDone.set(true);
                  });
      Received<Integer> first = ch.tryReceive();
      interrupter.join();
      Outcome o = sender.join();
      List<Integer> taken = new ArrayList<>();
      if (first != null) {
        taken.add(first.value());
      }
      Received<Integer> r;
      while ((r = ch.tryReceive()) != null) {
        taken.add(r.value());
      }
      if (ch.capacity() == 1) {
        assertThat(taken).as("round %d", round).startsWith(-1);
        taken.remove(0);
      }
      if (o.completed()) {
        assertThat(taken).as("round %d", round).containsExactly(value);
        assertThat(o.flagAfterwards()).as("round %d: interrupt not swallowed", round).isTrue();
      } else {
        assertThat(taken).as("round %d: a send that threw delivered nothing", round).isEmpty();
        assertThat(o.flagAfterwards()).isFalse();
      }
    }
  }

  // ------------------------------------------------------------------ timeout racing hand-off
  @ParameterizedTest
  @EnumSource(Runner.class)
  void timeoutRacingAHandOffFromATimedSendIsAllOrNothing(Runner runner) throws Exception {
    int rounds = runner == Runner.VIRTUAL ? 500 : 200; // platform threads start slowly
    for (int round = 0; round < rounds; round++) {
      Channel<Integer> ch = Channel.make(round % 2); // unbuffered, and a full buffer of one
      if (ch.capacity() == 1) {
        ch.send(-1);
      }
      int value = round;
      Duration timeout = Duration.ofNanos(ThreadLocalRandom.current().nextLong(1, 300_000));
      Task<Boolean> sender = runner.call(() -> ch.send(value, timeout));
      List<Integer> taken = new ArrayList<>();
      while (!sender.isDone()) {
        Received<Integer> r = ch.tryReceive();
        if (r != null) {
          taken.add(r.value());
          if (r.value() == value) {
            break;
          }
        }
        Thread.onSpinWait();
      }
      boolean sent = sender.join();
      Received<Integer> r;
      while ((r = ch.tryReceive()) != null) {
        taken.add(r.value());
      }
      taken.remove(Integer.valueOf(-1));
      if (sent) {
        assertThat(taken).as("round %d", round).containsExactly(value);
      } else {
        assertThat(taken).as("round %d: a send that timed out delivered nothing", round).isEmpty();
      }
      assertThat(TestSupport.noWaiters(ch)).isTrue();
    }
  }



  @ParameterizedTest
  @EnumSource(Runner.class)
  void timeoutRacingAHandOffIsAllOrNothing(Runner runner) throws Exception {
    for (int round = 0; round < 500; round++) {
      Channel<Integer> ch = Channel.make();
      Duration timeout = Duration.ofNanos(ThreadLocalRandom.current().nextLong(1, 300_000));
      Task<Received<Integer>> receiver = runner.call(() -> ch.receive(timeout));
      int successes = 0;
      while (!receiver.isDone()) {
        if (ch.trySend(round)) {
          successes++;
          break;
        }
        Thread.onSpinWait();
      }
      Received<Integer> got = receiver.join();
      if (got == null) {
        assertThat(successes).as("round %d: a receive that timed out took nothing", round).isZero();
      } else {
        assertThat(successes).isEqualTo(1);
        assertThat(got).isEqualTo(new Received<>(round, true));
      }
      assertThat(TestSupport.noWaiters(ch)).isTrue();
    }
  }
}
