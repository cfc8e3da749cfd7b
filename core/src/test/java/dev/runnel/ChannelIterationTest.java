package dev.runnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.testkit.Threads.Runner;
import dev.runnel.testkit.Threads.Task;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Go's {@code for v := range ch} as Java iteration, and smoke tests of the channel
 * happens-before rules (the proofs are jcstress tests in the stress module).
 */
@Timeout(10)
class ChannelIterationTest {

  // ------------------------------------------------------------------ iteration

  @ParameterizedTest
  @EnumSource(Runner.class)
  void iterationEndsWhenClosedAndDrained(Runner runner) throws Exception {
    Channel<Integer> ch = Channel.make();
    Task<Void> producer =
        runner.run(
            () -> {
              for (int i = 0; i < 100; i++) {
                ch.send(i);
              }
              ch.close();
            });
    List<Integer> all = new ArrayList<>();
    for (int v : ch) {
      all.add(v);
    }
    producer.join();
    assertThat(all).hasSize(100).isSorted().startsWith(0).endsWith(99);
  }

  @Test
  void iterationOverClosedBufferedChannelYieldsTheBuffer() throws InterruptedException {
    Channel<String> ch = Channel.make(3);
    ch.send("a");
    ch.send("b");
    ch.close();
    List<String> all = new ArrayList<>();
    ch.forEach(all::add);
    assertThat(all).containsExactly("a", "b");
  }

  @Test
  void iteratorNextAfterEndThrowsNoSuchElement() throws InterruptedException {
    Channel<String> ch = Channel.make(1);
    ch.send("only");
    ch.close();
    Iterator<String> it = ch.iterator();
    assertThat(it.next()).isEqualTo("only"); // next without hasNext works too
    assertThat(it.hasNext()).isFalse();
    assertThat(it.hasNext()).isFalse();
    assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void interruptedHasNextThrowsUncheckedAndKeepsTheFlag(Runner runner) throws Exception {
    Channel<String> ch = Channel.make();
    Task<Boolean> iterating =
        runner.callBlocked(
            () -> {
              Iterator<String> it = ch.iterator();
              try {
                it.hasNext();
                return null;
              } catch (UncheckedInterruptedException e) {
                assertThat(e.getCause()).isInstanceOf(InterruptedException.class);
                return Thread.currentThread().isInterrupted();
              }
            });
    iterating.thread().interrupt();
    assertThat(iterating.join()).as("interrupt flag still set").isTrue();
    // the interrupted iteration consumed nothing
    Task<Void> sender = runner.runBlocked(() -> ch.send("later"));
    assertThat(ch.receive()).isEqualTo("later");
    sender.join();
  }

  @Test
  void hasNextWithInterruptFlagSetThrowsAndKeepsTheFlag() {
    Channel<String> ch = Channel.make();
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> ch.iterator().hasNext())
          .isInstanceOf(UncheckedInterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  // ------------------------------------------------------------------ memory model smoke

  /** A plain (non-volatile) holder: only the channel's happens-before makes its field visible. */
  static final class Box {
    int plain;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 16})
  void writesBeforeSendAreVisibleAfterReceive(int capacity) throws Exception {
    Channel<Box> ch = Channel.make(capacity);
    int n = 10_000;
    Task<Void> producer =
        Runner.VIRTUAL.run(
            () -> {
              for (int i = 1; i <= n; i++) {
                Box b = new Box();
                b.plain = i;
                ch.send(b);
              }
              ch.close();
            });
    int expected = 1;
    for (Box b : ch) {
      assertThat(b.plain).isEqualTo(expected++);
    }
    producer.join();
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void closeHappensBeforeAReceiveThatSeesIt(Runner runner) throws Exception {
    for (int i = 0; i < 200; i++) {
      Channel<String> ch = Channel.make();
      Box box = new Box();
      Task<Integer> receiver =
          runner.call(
              () -> {
                assertThat(ch.receive()).isNull();
                return box.plain;
              });
      box.plain = i + 1;
      ch.close();
      assertThat(receiver.join()).isEqualTo(i + 1);
    }
  }

  @ParameterizedTest
  @EnumSource(Runner.class)
  void unbufferedReceiveHappensBeforeSendCompletes(Runner runner) throws Exception {
    Channel<String> ch = Channel.make();
    Box box = new Box();
    Task<Void> receiver =
        runner.runBlocked(
            () -> {
              box.plain = 42; // before the receive
              ch.receive();
            });
    ch.send("go");
    assertThat(box.plain).isEqualTo(42); // visible once send returned
    receiver.join();
  }

  @Test
  void workerPoolFromTheReadmeDoesEveryJobOnce() throws InterruptedException {
    Channel<Integer> jobs = Channel.make(16);
    Channel<String> results = Channel.make();
    for (int w = 1; w <= 3; w++) {
      int id = w;
      Go.go(
          () -> {
            for (int job : jobs) {
              results.send("worker " + id + " did " + job);
            }
          });
    }
    Go.go(
        () -> {
          for (int j = 0; j < 9; j++) {
            jobs.send(j);
          }
          jobs.close();
        });
    Channel<Boolean> quit = Channel.make();
    List<String> done = new ArrayList<>();
    Select loop = Select.select().onReceive(results, done::add).onReceive(quit, q -> {});
    for (int i = 0; i < 9; i++) {
      loop.run();
    }
    assertThat(done).hasSize(9);
    List<Integer> jobsDone =
        done.stream()
            .map(r -> Integer.parseInt(r.substring(r.lastIndexOf(' ') + 1)))
            .sorted()
            .toList();
    assertThat(jobsDone).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(done).allMatch(r -> r.matches("worker [123] did \\d"));
  }
}
