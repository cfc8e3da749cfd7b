package dev.runnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Selects under load: plain and selecting senders and receivers over channels of mixed capacity,
 * selects pairing with selects, closes racing selects. Interrupts and timeouts racing a select's
 * hand-off are in {@link SelectRaceStressTest}.
 */
@Timeout(60)
class SelectStressTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void mixedCapacitiesWithPlainAndSelectingSendersAndReceivers() throws Exception {
    int[] capacities = {0, 1, 10, 100};
    int perSender = 10_000;
    int plainSenders = capacities.length; // one per channel
    int selectingSenders = 2;
    int total = (plainSenders + selectingSenders) * perSender;
    List<Channel<Integer>> chans = new ArrayList<>();
    for (int c : capacities) {
      chans.add(Channel.make(c));
    }
    AtomicIntegerArray counts = new AtomicIntegerArray(total);
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch sendersDone = new CountDownLatch(plainSenders + selectingSenders);
    for (int s = 0; s < plainSenders; s++) {
      Channel<Integer> ch = chans.get(s);
      int base = s * perSender;
      Go.go(
          () -> {
            try {
              for (int k = 0; k < perSender; k++) {
                ch.send(base + k);
              }
            } catch (Throwable t) {
              failures.add(t);
            } finally {
              sendersDone.countDown();
            }
          });
    }
    for (int s = 0; s < selectingSenders; s++) {
      int base = (plainSenders + s) * perSender;
      Go.go(
          () -> {
            try {
              for (int k = 0; k < perSender; k++) {
                Select sel = Select.select(); // one value offered on every channel
                for (Channel<Integer> ch : chans) {
                  sel.onSend(ch, base + k, () -> {});
                }
                sel.run();
              }
            } catch (Throwable t) {
              failures.add(t);
            } finally {
              sendersDone.countDown();
            }
          });
    }
    int selectingReceivers = 2;
    CountDownLatch receiversDone = new CountDownLatch(selectingReceivers + 1);
    for (int r = 0; r < selectingReceivers; r++) {
      Go.go(
          () -> {
            try {
              boolean[] closed = new boolean[chans.size()];
              AtomicInteger open = new AtomicInteger(chans.size());
              Select loop = Select.select(); // reused: the select-in-a-loop idiom
              for (int i = 0; i < chans.size(); i++) {
                int idx = i;
                loop.onReceiveOk(
                    chans.get(i),
                    got -> {
                      if (got.ok()) {
                        counts.incrementAndGet(got.value());
                      } else if (!closed[idx]) {
                        closed[idx] = true;
                        open.decrementAndGet();
                      }
                    });
              }
              while (open.get() > 0) {
                loop.run();
              }
            } catch (Throwable t) {
              failures.add(t);
            } finally {
              receiversDone.countDown();
            }
          });
    }
    Go.go( // and a plain receiver on the unbuffered channel
        () -> {
          try {
            for (int v : chans.get(0)) {
              counts.incrementAndGet(v);
            }
          } catch (Throwable t) {
            failures.add(t);
          } finally {
            receiversDone.countDown();
          }
        });
    assertThat(sendersDone.await(40, TimeUnit.SECONDS)).as("senders finished").isTrue();
    chans.forEach(Channel::close);
    assertThat(receiversDone.await(10, TimeUnit.SECONDS)).as("receivers finished").isTrue();
    assertThat(failures).isEmpty();
    assertEachOnce(counts);
    for (Channel<Integer> ch : chans) {
      assertThat(TestSupport.noWaiters(ch)).isTrue();
    }
  }

  @Test
  void selectsPairWithSelectsInBothDirections() throws Exception {
    Channel<Integer> a = Channel.make();
    Channel<Integer> b = Channel.make();
    Channel<Integer> c = Channel.make(1);
    Channel<Void> done = Channel.make();
    int goroutines = 6;
    int perGoroutine = 5_000;
    int total = goroutines * perGoroutine;
    AtomicIntegerArray counts = new AtomicIntegerArray(total);
    AtomicInteger received = new AtomicInteger();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch finished = new CountDownLatch(goroutines);
    for (int g = 0; g < goroutines; g++) {
      int base = g * perGoroutine;
      Go.go(
          () -> {
            try {
              int next = 0;
              AtomicBoolean stop = new AtomicBoolean();
              AtomicBoolean sentOne = new AtomicBoolean();
              while (!stop.get()) {
                sentOne.set(false);
                Select sel = Select.select().onReceive(done, v -> stop.set(true));
                for (Channel<Integer> ch : List.of(a, b, c)) {
                  sel.onReceive(
                      ch,
                      v -> {
                        counts.incrementAndGet(v);
                        if (received.incrementAndGet() == total) {
                          done.close();
                        }
                      });
                  if (next < perGoroutine) {
                    sel.onSend(ch, base + next, () -> sentOne.set(true));
                  }
                }
                sel.run();
                if (sentOne.get()) {
                  next++;
                }
              }
              assertThat(next).isEqualTo(perGoroutine);
            } catch (Throwable t) {
              failures.add(t);
            } finally {
              finished.countDown();
            }
          });
    }
    assertThat(finished.await(40, TimeUnit.SECONDS)).as("goroutines finished").isTrue();
    assertThat(failures).isEmpty();
    assertEachOnce(counts);
    for (Channel<Integer> ch : List.of(a, b, c)) {
      assertThat(TestSupport.noWaiters(ch)).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2})
  void closeRacingBlockedSelectsLosesAndDuplicatesNothing(int capacity) throws Exception {
    for (int round = 0; round < 200; round++) {
      Channel<Integer> ch = Channel.make(capacity);
      Channel<Integer> never = Channel.make();
      List<Task<List<Integer>>> senders = new ArrayList<>();
      for (int s = 0; s < 3; s++) {
        int base = s * 1_000_000;
        Runner runner = s % 2 == 0 ? Runner.VIRTUAL : Runner.PLATFORM;
        senders.add(
            runner.call(
                () -> {
                  List<Integer> delivered = new ArrayList<>();
                  for (int k = 0; ; k++) {
                    int v = base + k;
                    try {
                      Select.select()
                          .onSend(ch, v, () -> delivered.add(v))
                          .onReceive(never, x -> {
                            throw new AssertionError("never is never ready");
                          })
                          .run();
                    } catch (ChannelClosedException closed) {
                      return delivered;
                    }
                  }
                }));
      }
      List<Task<List<Integer>>> receivers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        Runner runner = r % 2 == 0 ? Runner.VIRTUAL : Runner.PLATFORM;
        receivers.add(
            runner.call(
                () -> {
                  List<Integer> got = new ArrayList<>();
                  AtomicBoolean open = new AtomicBoolean(true);
                  Select loop =
                      Select.select()
                          .onReceiveOk(
                              ch,
                              x -> {
                                if (x.ok()) {
                                  got.add(x.value());
                                } else {
                                  open.set(false);
                                }
                              })
                          .onReceive(never, x -> {});
                  while (open.get()) {
                    loop.run();
                  }
                  return got;
                }));
      }
      List<Integer> all = new ArrayList<>();
      int before = ThreadLocalRandom.current().nextInt(30);
      for (int i = 0; i < before; i++) {
        all.add(ch.receive());
      }
      ch.close();
      Set<Integer> delivered = new HashSet<>();
      for (Task<List<Integer>> s : senders) {
        delivered.addAll(s.join());
      }
      for (Task<List<Integer>> r : receivers) {
        all.addAll(r.join());
      }
      TestSupport.assertReceivedExactlyOnce(round, all, delivered);
      assertThat(TestSupport.noWaiters(never)).isTrue();
    }
  }

  @Test
  void timedSelectsRacingClosesAccountForEveryValue() throws Exception {
    Channel<Integer> x = Channel.make();
    Channel<Integer> y = Channel.make(2);
    int senders = 3;
    int attempts = 3_000;
    Queue<Integer> delivered = new ConcurrentLinkedQueue<>();
    Queue<Integer> received = new ConcurrentLinkedQueue<>();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch sendersDone = new CountDownLatch(senders);
    for (int s = 0; s < senders; s++) {
      int base = s * attempts;
      Go.go(
          () -> {
            try {
              for (int k = 0; k < attempts; k++) {
                int v = base + k;
                Duration timeout =
                    Duration.ofNanos(ThreadLocalRandom.current().nextLong(1, 50_000));
                try {
                  if (Select.select()
                      .onSend(x, v, () -> delivered.add(v))
                      .onSend(y, v, () -> delivered.add(v))
                      .run(timeout)) {
                    assertThat(delivered).contains(v);
                  }
                } catch (ChannelClosedException closed) {
                  // a send case on a closed channel was chosen: nothing was delivered
                }
              }
            } catch (Throwable t) {
              failures.add(t);
            } finally {
              sendersDone.countDown();
            }
          });
    }
    int receivers = 2;
    CountDownLatch receiversDone = new CountDownLatch(receivers);
    for (int r = 0; r < receivers; r++) {
      Go.go(
          () -> {
            try {
              boolean[] closed = new boolean[2];
              Select loop =
                  Select.select()
                      .onReceiveOk(x, got -> {
                        if (got.ok()) {
                          received.add(got.value());
                        } else {
                          closed[0] = true;
                        }
                      })
                      .onReceiveOk(y, got -> {
                        if (got.ok()) {
                          received.add(got.value());
                        } else {
                          closed[1] = true;
                        }
                      });
              while (!(closed[0] && closed[1])) {
                loop.run(Duration.ofNanos(ThreadLocalRandom.current().nextLong(1, 50_000)));
              }
            } catch (Throwable t) {
              failures.add(t);
            } finally {
              receiversDone.countDown();
            }
          });
    }
    TestSupport.eventually(
        "some values received", () -> received.size() >= 1_000 || sendersDone.getCount() == 0);
    x.close();
    TestSupport.eventually(
        "more values received", () -> received.size() >= 2_000 || sendersDone.getCount() == 0);
    y.close();
    assertThat(sendersDone.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(receiversDone.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(failures).isEmpty();
    List<Integer> got = new ArrayList<>(received);
    Set<Integer> unique = new HashSet<>(got);
    assertThat(unique).as("duplicates").hasSameSizeAs(got);
    assertThat(unique).isEqualTo(new HashSet<>(delivered));
    assertThat(new HashSet<>(delivered)).hasSameSizeAs(delivered);
  }

  @Test
  void selectsNamingChannelsInOppositeOrdersDoNotDeadlock() throws Exception {
    List<Channel<Integer>> chans = List.of(Channel.make(1), Channel.make(1), Channel.make(1));
    int goroutines = 4;
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(goroutines);
    for (int g = 0; g < goroutines; g++) {
      List<Channel<Integer>> order = new ArrayList<>(chans);
      if (g % 2 == 1) {
        java.util.Collections.reverse(order);
      }
      Go.go(
          () -> {
            try {
              Select s = Select.select();
              for (Channel<Integer> ch : order) {
                s.onSend(ch, 1, () -> {}).onReceive(ch, v -> {});
              }
              s.otherwise(() -> {});
              for (int i = 0; i < 50_000; i++) {
                s.run(); // locks all three channels every time
              }
            } catch (Throwable t) {
              failures.add(t);
            } finally {
              done.countDown();
            }
          });
    }
    assertThat(done.await(30, TimeUnit.SECONDS)).as("no deadlock").isTrue();
    assertThat(failures).isEmpty();
  }

  private static void assertEachOnce(AtomicIntegerArray counts) {
    for (int v = 0; v < counts.length(); v++) {
      if (counts.get(v) != 1) {
        throw new AssertionError("value " + v + " received " + counts.get(v) + " times");
      }
    }
  }
}
