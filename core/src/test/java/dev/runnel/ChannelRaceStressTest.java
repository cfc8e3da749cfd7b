package dev.runnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.TestSupport.Outcome;
import dev.runnel.testkit.Threads;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An interrupt or a timeout racing a hand-off: the blocked operation either completed (and an
 * interrupt stays pending on the flag) or had no effect at all, never something in between.
 */
@Timeout(60)
class ChannelRaceStressTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  // ------------------------------------------------------------------ interrupt racing hand-off


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

  // ------------------------------------------------------------------ interrupts during ping-pong

  /** How the ping-pong goroutines send and receive. */
  enum Form {
    PLAIN,
    TIMED,
    SELECT;

    void send(Channel<Integer> ch, int v) throws InterruptedException {
      switch (this) {
        case PLAIN -> ch.send(v);
        case TIMED -> assertThat(ch.send(v, Duration.ofMinutes(1))).isTrue();
        case SELECT -> Select.select().onSend(ch, v, () -> {}).onReceive(null, x -> {}).run();
      }
    }

    int receive(Channel<Integer> ch) throws InterruptedException {
      return switch (this) {
        case PLAIN -> ch.receive();
        case TIMED -> ch.receive(Duration.ofMinutes(1)).value();
        case SELECT -> {
          int[] got = new int[1];
          Select.select().onReceive(ch, v -> got[0] = v).onSend(null, 0, () -> {}).run();
          yield got[0];
        }
      };
    }
  }

  /** Retries an operation that was interrupted: an interrupted operation had no effect. */
  private static <T> T retry(Threads.Body<T> op, AtomicInteger interrupts) throws Exception {
    while (true) {
      try {
        return op.call();
      } catch (InterruptedException e) {
        interrupts.incrementAndGet();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Form.class)
  void interruptsDuringPingPongNeitherLoseNorDuplicate(Form form) throws Exception {
    for (Runner runner : Runner.values()) {
      pingPongUnderInterrupts(form, runner);
    }
  }

  private static void pingPongUnderInterrupts(Form form, Runner runner) throws Exception {
    Channel<Integer> ping = Channel.make();
    Channel<Integer> pong = Channel.make();
    int n = 10_000;
    AtomicInteger interrupts = new AtomicInteger();
    Task<Void> pinger =
        runner.run(
            () -> {
              for (int i = 0; i < n; i++) {
                int v = i;
                retry(() -> {
                  form.send(ping, v);
                  return null;
                }, interrupts);
                assertThat(retry(() -> form.receive(pong), interrupts)).isEqualTo(i);
              }
            });
    Task<Void> ponger =
        runner.run(
            () -> {
              for (int i = 0; i < n; i++) {
                int v = retry(() -> form.receive(ping), interrupts);
                assertThat(v).as("ping %d", i).isEqualTo(i);
                retry(() -> {
                  form.send(pong, v);
                  return null;
                }, interrupts);
              }
            });
    Thread interrupter =
        Thread.ofPlatform()
            .start(
                () -> {
                  ThreadLocalRandom random = ThreadLocalRandom.current();
                  while (!(pinger.isDone() && ponger.isDone())) {
                    (random.nextBoolean() ? pinger : ponger).thread().interrupt();
                    LockSupport.parkNanos(random.nextLong(1_000, 50_000)); // pacing only
                  }
                });
    pinger.join();
    ponger.join();
    interrupter.join();
    assertThat(TestSupport.noWaiters(ping)).isTrue();
    assertThat(TestSupport.noWaiters(pong)).isTrue();
  }
}
