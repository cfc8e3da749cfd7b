package dev.runnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** A select that waits: wake-up, interrupts, timeouts, reuse in a loop, fairness. */
@Timeout(10)
class SelectBlockingTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  static List<Arguments> runnersAndCases() {
    return List.of(
        Arguments.of(Runner.VIRTUAL, 0),
        Arguments.of(Runner.VIRTUAL, 1),
        Arguments.of(Runner.VIRTUAL, 2),
        Arguments.of(Runner.VIRTUAL, 3),
        Arguments.of(Runner.PLATFORM, 0),
        Arguments.of(Runner.PLATFORM, 1),
        Arguments.of(Runner.PLATFORM, 2),
        Arguments.of(Runner.PLATFORM, 3));
  }

  @ParameterizedTest
  @MethodSource("runnersAndCases")
  void blockedSelectIsWokenByWhicheverChannelBecomesReady(Runner runner, int ready)
      throws Exception {
    Channel<Integer> r0 = Channel.make();
    Channel<Integer> r1 = Channel.make(2);
    Channel<Integer> s2 = Channel.make();
    Channel<Integer> s3 = Channel.make(1);
    s3.send(-1); // full
    AtomicReference<String> chosen = new AtomicReference<>();
    Task<Void> selecting =
        runner.runBlocked(
            () ->
                Select.select()
                    .onReceive(r0, v -> chosen.set("r0 " + v))
                    .onReceive(r1, v -> chosen.set("r1 " + v))
                    .onSend(s2, 2, () -> chosen.set("s2"))
                    .onSend(s3, 3, () -> chosen.set("s3"))
                    .run());
    switch (ready) {
      case 0 -> r0.send(10);
      case 1 -> r1.send(11);
      case 2 -> assertThat(s2.receive()).isEqualTo(2);
      default -> assertThat(s3.receive()).isEqualTo(-1); // makes room: the select's 3 moves in
    }
    selecting.join();
    assertThat(chosen.get())
        .isEqualTo(List.of("r0 10", "r1 11", "s2", "s3").get(ready));
    if (ready == 3) {
      assertThat(s3.tryReceive()).isEqualTo(new Received<>(3, true));
    }
    for (Channel<Integer> ch : List.of(r0, r1, s2, s3)) {
      assertThat(TestSupport.noWaiters(ch)).as("no stale node on %s", ch).isTrue();
    }
    assertThat(r0.trySend(0)).isFalse(); // nobody waits any more
    assertThat(s2.tryReceive()).isNull();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptedSelectThrowsAndLeavesEveryChannelAsItWas(Runner runner) throws Exception {
    Channel<String> a = Channel.make();
    Channel<String> b = Channel.make();
    Channel<String> c = Channel.make();
    AtomicInteger bodies = new AtomicInteger();
    Task<Boolean> selecting =
        runner.callBlocked(
            () -> {
              try {
                Select.select()
                    .onReceive(a, v -> bodies.incrementAndGet())
                    .onReceiveOk(b, v -> bodies.incrementAndGet())
                    .onSend(c, "from select", bodies::incrementAndGet)
                    .run();
                return null;
              } catch (InterruptedException e) {
                return Thread.currentThread().isInterrupted();
              }
            });
    selecting.thread().interrupt();
    assertThat(selecting.join()).as("flag after InterruptedException").isFalse();
    assertThat(bodies).hasValue(0);
    for (Channel<String> ch : List.of(a, b, c)) {
      assertThat(TestSupport.noWaiters(ch)).isTrue();
    }
    assertThat(c.tryReceive()).as("the select sent nothing").isNull();
    assertThat(a.trySend("x")).as("the select receives nothing any more").isFalse();
    // a later sender's value goes to a plain receive
    Task<Void> sender = runner.runBlocked(() -> a.send("later"));
    assertThat(a.receive()).isEqualTo("later");
    sender.join();
  }

  @Test
  void interruptFlagSetOnEntryThrowsEvenWithAReadyCase() throws InterruptedException {
    Channel<String> ch = Channel.make(1);
    ch.send("v");
    AtomicInteger bodies = new AtomicInteger();
    Select s = Select.select().onReceive(ch, v -> bodies.incrementAndGet());
    Thread.currentThread().interrupt();
    try {
      s.run();
      throw new AssertionError("run() returned");
    } catch (InterruptedException expected) {
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
    assertThat(bodies).hasValue(0);
    assertThat(ch.size()).isEqualTo(1);
  }

  @Test
  void selectWithOtherwiseIsNonBlockingAndKeepsTheInterruptFlag() throws InterruptedException {
    Channel<String> ch = Channel.make(1);
    AtomicInteger otherwise = new AtomicInteger();
    Thread.currentThread().interrupt();
    Select.select().onReceive(ch, v -> {}).otherwise(otherwise::incrementAndGet).run();
    assertThat(otherwise).hasValue(1);
    assertThat(Thread.interrupted()).isTrue();
  }

  @Test
  void zeroTimeoutRunIsNonBlockingAndKeepsTheInterruptFlag() throws InterruptedException {
    Channel<String> ch = Channel.make(1);
    AtomicInteger bodies = new AtomicInteger();
    Select s = Select.select().onReceive(ch, v -> bodies.incrementAndGet());
    Thread.currentThread().interrupt();
    assertThat(s.run(Duration.ZERO)).isFalse();
    ch.trySend("v");
    assertThat(s.run(Duration.ZERO)).isTrue();
    assertThat(bodies).hasValue(1);
    assertThat(Thread.interrupted()).isTrue();
  }

  @Test
  void runWithTimeoutReturnsFalseAndLeavesNothingBehind() throws InterruptedException {
    Channel<String> a = Channel.make();
    Channel<String> b = Channel.make(1);
    b.send("full");
    AtomicInteger bodies = new AtomicInteger();
    Select s =
        Select.select()
            .onReceive(a, v -> bodies.incrementAndGet())
            .onSend(b, "x", bodies::incrementAndGet);
    assertThat(s.run(Duration.ofMillis(20))).isFalse();
    assertThat(s.run(Duration.ZERO)).isFalse();
    assertThat(s.run(Duration.ofMillis(-5))).isFalse();
    assertThat(bodies).hasValue(0);
    assertThat(TestSupport.noWaiters(a)).isTrue();
    assertThat(TestSupport.noWaiters(b)).isTrue();
    assertThat(b.receive()).isEqualTo("full");
    assertThat(s.run(Duration.ofMillis(20))).isTrue(); // b has room now
    assertThat(bodies).hasValue(1);
    assertThat(b.receive()).isEqualTo("x");
  }

  @Test
  void runWithTimeoutTakesOtherwiseAtOnce() throws InterruptedException {
    AtomicInteger otherwise = new AtomicInteger();
    assertThat(
            Select.select()
                .onReceive(Channel.make(), v -> {})
                .otherwise(otherwise::incrementAndGet)
                .run(Duration.ofMinutes(1)))
        .isTrue();
    assertThat(otherwise).hasValue(1);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void runWithTimeoutIsWokenByAPartner(Runner runner) throws Exception {
    Channel<String> ch = Channel.make();
    AtomicReference<String> got = new AtomicReference<>();
    Task<Boolean> selecting =
        runner.callBlocked(
            () -> Select.select().onReceive(ch, got::set).run(Duration.ofMinutes(1)));
    ch.send("v");
    assertThat(selecting.join()).isTrue();
    assertThat(got).hasValue("v");
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void hugeTimeoutIsAWaitWithoutDeadline(Runner runner) throws Exception {
    Channel<String> ch = Channel.make();
    Task<Boolean> selecting =
        runner.callBlocked(
            () -> Select.select().onReceive(ch, v -> {}).run(Duration.ofSeconds(Long.MAX_VALUE)));
    ch.send("v");
    assertThat(selecting.join()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void blockedSelectsSayWhatTheyWaitOn(Runner runner) {
    Channel<String> ch = Channel.make();
    Select s = Select.select().onReceive(ch, v -> {});
    Task<Void> selecting = runner.run(s::run);
    dev.runnel.internal.Waiter w = TestSupport.awaitParked(selecting.thread());
    assertThat(w.reason()).isEqualTo(dev.runnel.internal.WaitReason.SELECT);
    assertThat(w.waitingOn()).isSameAs(s);
    Task<Void> empty = runner.run(() -> Select.select().run());
    assertThat(TestSupport.awaitParked(empty.thread()).reason())
        .isEqualTo(dev.runnel.internal.WaitReason.SELECT_NO_CASES);
    selecting.thread().interrupt();
    empty.thread().interrupt();
    assertThat(selecting.failure()).isInstanceOf(InterruptedException.class);
    assertThat(empty.failure()).isInstanceOf(InterruptedException.class);
  }

  // ------------------------------------------------------------------ select in a loop

  @Test
  void reusedBuilderLeavesNoStaleNodesWhenTheSameCaseKeepsWinning() throws Exception {
    Channel<Integer> a = Channel.make();
    Channel<Integer> b = Channel.make();
    int n = 2_000;
    Task<Void> feeder =
        Runner.VIRTUAL.run(
            () -> {
              for (int i = 0; i < n; i++) {
                a.send(i);
              }
            });
    AtomicInteger next = new AtomicInteger();
    Select loop =
        Select.select()
            .onReceive(a, v -> assertThat(v).isEqualTo(next.getAndIncrement()))
            .onReceive(b, v -> {
              throw new AssertionError("b never has a value");
            });
    for (int i = 0; i < n; i++) {
      loop.run(); // often parks with a node on both a and b
    }
    feeder.join();
    assertThat(next).hasValue(n);
    assertThat(TestSupport.queuedReceivers(b)).as("nodes in b's receive queue").isZero();
    assertThat(TestSupport.noWaiters(a)).isTrue();
    assertThat(b.trySend(1)).as("nobody is waiting on b").isFalse();
  }

  @Test
  void reusedBuilderWithReadyCaseLeavesNothingOnTheOtherChannel() throws InterruptedException {
    Channel<Integer> a = Channel.make(1);
    Channel<Integer> b = Channel.make();
    AtomicInteger wins = new AtomicInteger();
    Select loop = Select.select().onReceive(a, v -> wins.incrementAndGet()).onSend(b, 0, () -> {});
    for (int i = 0; i < 10_000; i++) {
      a.send(i);
      loop.run();
    }
    assertThat(wins).hasValue(10_000);
    assertThat(TestSupport.noWaiters(b)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void reusedBuilderAddingCasesBetweenRuns(Runner runner) throws Exception {
    Channel<String> a = Channel.make(1);
    Channel<String> b = Channel.make(1);
    AtomicReference<String> got = new AtomicReference<>();
    Select s = Select.select().onReceive(a, got::set);
    a.send("a");
    s.run();
    s.onReceive(b, got::set); // a case added after a run takes part in the next
    Task<Void> selecting = runner.runBlocked(s::run);
    b.send("b");
    selecting.join();
    assertThat(got).hasValue("b");
  }

  // ------------------------------------------------------------------ fairness

  @Test
  void readyCasesAreChosenUniformly() throws InterruptedException {
    int cases = 4;
    int runs = 100_000;
    int[] counts = new int[cases];
    Select s = Select.select();
    for (int i = 0; i < cases; i++) {
      Channel<Integer> ch = Channel.make(1);
      ch.send(i);
      int k = i;
      s.onReceive(
          ch,
          v -> {
            counts[k]++;
            ch.trySend(v); // keep it ready
          });
    }
    for (int i = 0; i < runs; i++) {
      s.run();
    }
    // expected 25,000 each; one standard deviation is about 137, the bound is over 18 of them
    for (int i = 0; i < cases; i++) {
      assertThat(counts[i]).as("case %d", i).isBetween(22_500, 27_500);
    }
  }

  @Test
  void readySendAndReceiveCasesAreChosenUniformly() throws InterruptedException {
    Channel<Integer> in = Channel.make(1);
    Channel<Integer> out = Channel.make(1);
    int[] counts = new int[2];
    Select s =
        Select.select()
            .onReceive(in, v -> {
              counts[0]++;
              in.trySend(v);
            })
            .onSend(out, 1, () -> {
              counts[1]++;
              out.tryReceive();
            });
    in.send(0);
    for (int i = 0; i < 20_000; i++) {
      s.run();
    }
    assertThat(counts[0]).isBetween(9_000, 11_000);
    assertThat(counts[1]).isBetween(9_000, 11_000);
  }

  @Test
  void uniformityIsOverCasesEvenWhenTwoNameTheSameChannel() throws InterruptedException {
    Channel<Integer> a = Channel.make(1);
    Channel<Integer> b = Channel.make(1);
    a.send(0);
    b.send(0);
    int[] counts = new int[3];
    Select s =
        Select.select()
            .onReceive(a, v -> {
              counts[0]++;
              a.trySend(v);
            })
            .onReceive(a, v -> {
              counts[1]++;
              a.trySend(v);
            })
            .onReceive(b, v -> {
              counts[2]++;
              b.trySend(v);
            });
    for (int i = 0; i < 30_000; i++) {
      s.run();
    }
    for (int c : counts) {
      assertThat(c).isBetween(9_000, 11_000); // 10,000 expected, sd about 82
    }
  }

  @Test
  void closedSendCaseIsJustOneOfTheReadyCases() throws InterruptedException {
    Channel<Integer> closed = Channel.make();
    closed.close();
    Channel<Integer> ready = Channel.make(1);
    int panics = 0;
    int receives = 0;
    Select s = Select.select().onSend(closed, 1, () -> {}).onReceive(ready, v -> {});
    for (int i = 0; i < 2_000; i++) {
      ready.trySend(0);
      try {
        s.run();
        receives++;
      } catch (ChannelClosedException e) {
        panics++;
      }
    }
    // Go picks uniformly among ready cases; the closed send panics only when it is picked
    assertThat(panics).isBetween(800, 1_200);
    assertThat(receives).isBetween(800, 1_200);
  }
}
