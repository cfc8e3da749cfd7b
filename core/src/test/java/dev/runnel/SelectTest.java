package dev.runnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Go's select: readiness, default, nil channels, closed channels, exactly one communication, no
 * self-pairing. Waiting, interrupts, timeouts, reuse and fairness are in {@link
 * SelectBlockingTest}; misuse in {@link SelectMisuseTest}.
 */
@Timeout(10)
class SelectTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  // ------------------------------------------------------------------ ready cases and default

  @Test
  void readyReceiveCaseRunsWithTheValue() throws InterruptedException {
    Channel<String> ch = Channel.make(1);
    ch.send("v");
    AtomicReference<String> got = new AtomicReference<>();
    Select.select().onReceive(ch, got::set).run();
    assertThat(got).hasValue("v");
    assertThat(ch.size()).isZero();
  }

  @Test
  void readySendCaseDeliversAndRunsItsBody() throws InterruptedException {
    Channel<String> ch = Channel.make(1);
    AtomicInteger ran = new AtomicInteger();
    Select.select().onSend(ch, "v", ran::incrementAndGet).run();
    assertThat(ran).hasValue(1);
    assertThat(ch.tryReceive()).isEqualTo(new Received<>("v", true));
  }

  @Test
  void mixedSendAndReceiveCasesPickWhicheverIsReady() throws InterruptedException {
    Channel<Integer> in = Channel.make(1);
    Channel<Integer> out = Channel.make(1);
    List<String> log = new ArrayList<>();
    Select s =
        Select.select()
            .onReceive(in, v -> log.add("received " + v))
            .onSend(out, 7, () -> log.add("sent"));
    s.run(); // in is empty, out has room: the send case
    assertThat(log).containsExactly("sent");
    in.send(1); // out is full now: only the receive case is ready
    s.run();
    assertThat(log).containsExactly("sent", "received 1");
    assertThat(out.receive()).isEqualTo(7);
  }

  @Test
  void otherwiseRunsWhenNothingIsReadyWithoutBlocking() throws InterruptedException {
    Channel<Integer> empty = Channel.make();
    Channel<Integer> full = Channel.make(1);
    full.send(0);
    AtomicInteger otherwise = new AtomicInteger();
    Select s =
        Select.select()
            .onReceive(empty, v -> {})
            .onSend(full, 1, () -> {})
            .onSend(empty, 2, () -> {})
            .otherwise(otherwise::incrementAndGet);
    for (int i = 0; i < 100; i++) {
      s.run();
    }
    assertThat(otherwise).hasValue(100);
    assertThat(full.size()).isEqualTo(1);
    assertThat(TestSupport.noWaiters(empty)).isTrue();
    assertThat(TestSupport.noWaiters(full)).isTrue();
  }

  @Test
  void otherwiseIsNotTakenWhenACaseIsReady() throws InterruptedException {
    Channel<Integer> ch = Channel.make(1);
    AtomicInteger otherwise = new AtomicInteger();
    AtomicInteger received = new AtomicInteger();
    Select s = Select.select().onReceive(ch, v -> received.incrementAndGet());
    s.otherwise(otherwise::incrementAndGet);
    for (int i = 0; i < 1000; i++) {
      ch.send(i);
      s.run();
    }
    assertThat(received).hasValue(1000);
    assertThat(otherwise).hasValue(0);
  }

  @Test
  void selectWithOnlyOtherwiseRunsIt() throws InterruptedException {
    AtomicInteger ran = new AtomicInteger();
    Select.select().otherwise(ran::incrementAndGet).run();
    assertThat(ran).hasValue(1);
  }

  @Test
  void multipleOtherwiseIsRejected() {
    Select s = Select.select().otherwise(() -> {});
    assertThatThrownBy(() -> s.otherwise(() -> {})).isInstanceOf(IllegalStateException.class);
  }

  // ------------------------------------------------------------------ nil channels

  @Test
  void nullChannelCasesAreNeverReady() throws InterruptedException {
    AtomicInteger otherwise = new AtomicInteger();
    Select.select()
        .onReceive(null, v -> {
          throw new AssertionError("nil receive case ran");
        })
        .onReceiveOk(null, r -> {
          throw new AssertionError("nil receiveOk case ran");
        })
        .onSend(null, "v", () -> {
          throw new AssertionError("nil send case ran");
        })
        .otherwise(otherwise::incrementAndGet)
        .run();
    assertThat(otherwise).hasValue(1);
  }

  @Test
  void nullChannelCaseBesideAReadyCaseNeverWins() throws InterruptedException {
    Channel<Integer> ch = Channel.make(1);
    AtomicInteger real = new AtomicInteger();
    Select s =
        Select.select()
            .onReceive(null, v -> {
              throw new AssertionError("nil case ran");
            })
            .onReceive(ch, v -> real.incrementAndGet())
            .onSend(null, 1, () -> {
              throw new AssertionError("nil case ran");
            });
    for (int i = 0; i < 200; i++) {
      ch.send(i);
      s.run();
    }
    assertThat(real).hasValue(200);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void onlyNullCasesWithoutOtherwiseBlockUntilInterrupted(Runner runner) {
    Select s = Select.select().onReceive(null, v -> {}).onSend(null, 1, () -> {});
    Task<Void> selecting = runner.runBlocked(s::run);
    selecting.thread().interrupt();
    assertThat(selecting.failure()).isInstanceOf(InterruptedException.class);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void emptySelectBlocksUntilInterrupted(Runner runner) throws Exception {
    Task<Boolean> selecting =
        runner.callBlocked(
            () -> {
              try {
                Select.select().run();
                return null;
              } catch (InterruptedException e) {
                return Thread.currentThread().isInterrupted();
              }
            });
    selecting.thread().interrupt();
    assertThat(selecting.join()).as("flag after InterruptedException").isFalse();
  }

  @Test
  void emptySelectWithTimeoutTimesOut() throws InterruptedException {
    assertThat(Select.select().run(Duration.ofMillis(10))).isFalse();
    assertThat(Select.select().onReceive(null, v -> {}).run(Duration.ofMillis(10))).isFalse();
  }

  // ------------------------------------------------------------------ closed channels

  @Test
  void receiveCaseOnClosedChannelIsAlwaysReady() throws InterruptedException {
    Channel<String> closed = Channel.make();
    closed.close();
    Channel<String> never = Channel.make();
    List<Object> got = new ArrayList<>();
    Select s = Select.select().onReceive(closed, got::add).onReceive(never, got::add);
    for (int i = 0; i < 20; i++) {
      s.run();
    }
    assertThat(got).hasSize(20).containsOnlyNulls();
    got.clear();
    AtomicInteger otherwise = new AtomicInteger();
    Select.select().onReceive(closed, got::add).otherwise(otherwise::incrementAndGet).run();
    assertThat(otherwise).as("closed beats default").hasValue(0);
    List<Received<String>> oks = new ArrayList<>();
    Select.select().onReceiveOk(closed, oks::add).onReceiveOk(never, oks::add).run();
    assertThat(oks).containsExactly(Received.closed());
  }

  @Test
  void receiveCaseOnClosedBufferedChannelDrainsFirst() throws InterruptedException {
    Channel<String> ch = Channel.make(2);
    ch.send("a");
    ch.close();
    List<Received<String>> got = new ArrayList<>();
    Select s = Select.select().onReceiveOk(ch, got::add);
    s.run();
    s.run();
    assertThat(got).containsExactly(new Received<>("a", true), Received.closed());
  }

  @Test
  void selectedSendOnClosedChannelThrows() {
    Channel<String> ch = Channel.make(1);
    ch.close();
    Select s = Select.select().onSend(ch, "v", () -> {
      throw new AssertionError("body of a failed send ran");
    });
    assertThatThrownBy(s::run)
        .isInstanceOf(ChannelClosedException.class)
        .hasMessage("send on closed channel");
    // a send case on a closed channel is ready, so it is chosen even with a default
    Select withDefault = Select.select().onSend(ch, "v", () -> {}).otherwise(() -> {});
    assertThatThrownBy(withDefault::run).isInstanceOf(ChannelClosedException.class);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedSelectWithSendCaseThrowsWhenThatChannelIsClosed(Runner runner) {
    Channel<String> ch = Channel.make();
    Channel<String> other = Channel.make();
    Task<Void> selecting =
        runner.runBlocked(
            () -> Select.select().onSend(ch, "v", () -> {}).onReceive(other, v -> {}).run());
    ch.close();
    assertThat(selecting.failure())
        .isInstanceOf(ChannelClosedException.class)
        .hasMessage("send on closed channel");
    assertThat(TestSupport.noWaiters(other)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedSelectReceiveCaseSeesClose(Runner runner) throws Exception {
    Channel<String> ch = Channel.make();
    Channel<String> other = Channel.make();
    Task<Received<String>> selecting =
        runner.callBlocked(
            () -> {
              AtomicReference<Received<String>> got = new AtomicReference<>();
              Select.select().onReceive(other, v -> {}).onReceiveOk(ch, got::set).run();
              return got.get();
            });
    ch.close();
    assertThat(selecting.join()).isEqualTo(Received.closed());
    assertThat(TestSupport.noWaiters(other)).isTrue();
  }

  // ------------------------------------------------------------------ one communication

  @Test
  void exactlyOneCommunicationPerRun() throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      Channel<Integer> a = Channel.make(1);
      Channel<Integer> b = Channel.make(1);
      Channel<Integer> c = Channel.make(1);
      a.send(1);
      b.send(2);
      AtomicInteger bodies = new AtomicInteger();
      Select.select()
          .onReceive(a, v -> bodies.incrementAndGet())
          .onReceive(b, v -> bodies.incrementAndGet())
          .onSend(c, 3, bodies::incrementAndGet)
          .run();
      assertThat(bodies).hasValue(1);
      int communications = (1 - a.size()) + (1 - b.size()) + c.size();
      assertThat(communications).as("receives from a, b plus sends to c").isEqualTo(1);
    }
  }

  @Test
  void sameChannelInSeveralCasesCommunicatesOnce() throws InterruptedException {
    Channel<Integer> ch = Channel.make(1);
    int[] wins = new int[2];
    Select s = Select.select().onReceive(ch, v -> wins[0]++).onReceive(ch, v -> wins[1]++);
    for (int i = 0; i < 1000; i++) {
      ch.send(i);
      s.run();
      assertThat(ch.size()).isZero();
    }
    assertThat(wins[0] + wins[1]).isEqualTo(1000);
    assertThat(wins[0]).isBetween(300, 700); // both cases are chosen
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedSelectWithSameChannelTwiceTakesOneValue(Runner runner) throws Exception {
    Channel<Integer> ch = Channel.make();
    AtomicInteger bodies = new AtomicInteger();
    Task<Void> selecting =
        runner.runBlocked(
            () ->
                Select.select()
                    .onReceive(ch, v -> bodies.incrementAndGet())
                    .onReceiveOk(ch, v -> bodies.incrementAndGet())
                    .run());
    ch.send(1);
    selecting.join();
    assertThat(bodies).hasValue(1);
    assertThat(ch.trySend(2)).as("no receiver left queued").isFalse();
    assertThat(TestSupport.noWaiters(ch)).isTrue();
  }

  @Test
  void selectNeverPairsWithItself() throws InterruptedException {
    Channel<Integer> ch = Channel.make();
    AtomicInteger bodies = new AtomicInteger();
    Select s =
        Select.select()
            .onSend(ch, 1, bodies::incrementAndGet)
            .onReceive(ch, v -> bodies.incrementAndGet());
    assertThat(s.run(Duration.ofMillis(50))).isFalse();
    assertThat(bodies).hasValue(0);
    assertThat(TestSupport.noWaiters(ch)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedSelfPairingSelectStaysBlockedUntilAPartnerComes(Runner runner) throws Exception {
    Channel<Integer> ch = Channel.make();
    List<String> log = new ArrayList<>();
    Task<Void> selecting =
        runner.runBlocked(
            () ->
                Select.select()
                    .onSend(ch, 1, () -> log.add("sent"))
                    .onReceive(ch, v -> log.add("received " + v))
                    .run());
    // parked: it did not complete with itself; a receiver from outside pairs with its send case
    assertThat(ch.receive()).isEqualTo(1);
    selecting.join();
    assertThat(log).containsExactly("sent");
    assertThat(TestSupport.noWaiters(ch)).isTrue();
  }

  @Test
  void manyCasesOnlyTheReadyOneWins() throws InterruptedException {
    List<Channel<Integer>> chans = new ArrayList<>();
    AtomicInteger winner = new AtomicInteger(-1);
    Select s = Select.select();
    for (int i = 0; i < 20; i++) {
      Channel<Integer> ch = Channel.make(1);
      chans.add(ch);
      int k = i;
      s.onReceive(ch, v -> winner.set(k));
    }
    for (int round = 0; round < 40; round++) {
      int ready = (round * 7) % 20;
      chans.get(ready).send(round);
      s.run();
      assertThat(winner).hasValue(ready);
    }
  }

  @Test
  void bodyMayUseTheChannelItsCaseCommunicatedOn() throws InterruptedException {
    Channel<Integer> ch = Channel.make(1);
    ch.send(1);
    List<Integer> seen = new ArrayList<>();
    // bodies run after the select released every channel lock: no self-deadlock
    Select s =
        Select.select()
            .onReceive(
                ch,
                v -> {
                  seen.add(v);
                  if (v == null) {
                    return; // closed
                  } else if (v < 5) {
                    assertThat(ch.trySend(v + 1)).isTrue();
                  } else {
                    ch.close();
                  }
                });
    for (int i = 0; i < 6; i++) {
      s.run();
    }
    assertThat(seen).containsExactly(1, 2, 3, 4, 5, null);
  }
}
