package dev.runnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.TestSupport.Outcome;
import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An interrupt or a timeout racing a hand-off to a blocked select: the select either communicated
 * on exactly one case (and an interrupt stays pending on the flag) or on none.
 */
@Timeout(60)
class SelectRaceStressTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }


  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptRacingASelectsHandOffIsAllOrNothing(Runner runner) throws Exception {
    for (int round = 0; round < 300; round++) {
      Channel<Integer> a = Channel.make();
      Channel<Integer> b = Channel.make();
      Channel<Integer> out = Channel.make();
      AtomicBoolean interruptDone = new AtomicBoolean();
      Task<Outcome> selecting =
          runner.callBlocked(
              () -> {
                AtomicReference<Object> got = new AtomicReference<>();
                boolean completed;
                try {
                  Select.select()
                      .onReceive(a, got::set)
                      .onReceive(b, got::set)
                      .onSend(out, -1, () -> got.set("sent"))
                      .run();
                  completed = true;
                } catch (InterruptedException e) {
                  completed = false;
                }
                TestSupport.eventually("interrupt() returned", interruptDone::get);
                return new Outcome(completed, got.get(), Thread.interrupted());
              });
      Thread interrupter =
          Thread.ofPlatform()
              .start(
                  () -> {
                    selecting.thread().interrupt();
                    interruptDone.set(true);
                  });
      boolean sent;
      Object expected;
      if (round % 2 == 0) {
        sent = (round % 4 == 0 ? a : b).trySend(round);
        expected = round;
      } else {
        sent = out.tryReceive() != null;
        expected = "sent";
      }
      interrupter.join();
      Outcome o = selecting.join();
      if (o.completed()) {
        assertThat(sent).isTrue();
        assertThat(o.value()).isEqualTo(expected);
        assertThat(o.flagAfterwards()).as("round %d: interrupt not swallowed", round).isTrue();
      } else {
        assertThat(sent).as("round %d: an interrupted select communicated", round).isFalse();
        assertThat(o.value()).isNull();
        assertThat(o.flagAfterwards()).isFalse();
      }
      for (Channel<Integer> ch : List.of(a, b, out)) {
        assertThat(TestSupport.noWaiters(ch)).isTrue();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void timeoutRacingASelectsHandOffIsAllOrNothing(Runner runner) throws Exception {
    for (int round = 0; round < 500; round++) {
      Channel<Integer> a = Channel.make();
      Channel<Integer> b = Channel.make();
      Duration timeout = Duration.ofNanos(ThreadLocalRandom.current().nextLong(1, 300_000));
      AtomicReference<Integer> got = new AtomicReference<>();
      Task<Boolean> selecting =
          runner.call(
              () -> Select.select().onReceive(a, got::set).onReceive(b, got::set).run(timeout));
      Channel<Integer> target = round % 2 == 0 ? a : b;
      int successes = 0;
      while (!selecting.isDone()) {
        if (target.trySend(round)) {
          successes++;
          break;
        }
        Thread.onSpinWait();
      }
      boolean ran = selecting.join();
      assertThat(ran).as("round %d: select ran iff the hand-off succeeded", round)
          .isEqualTo(successes == 1);
      assertThat(got.get()).isEqualTo(ran ? Integer.valueOf(round) : null);
      assertThat(TestSupport.noWaiters(a)).isTrue();
      assertThat(TestSupport.noWaiters(b)).isTrue();
    }
  }
}
