package dev.runnel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.context.Context;
import dev.runnel.rate.RateLimiter;
import dev.runnel.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every stage: what it emits, in what order, and how many goroutines it runs at once. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipelineStagesTest {

  private static final Context BG = Context.background();

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void mapFilterFlatMapPeekDropAndTakeDoWhatStreamsDo() throws Exception {
    List<Integer> peeked = Collections.synchronizedList(new ArrayList<>());
    assertThat(
            Pipeline.from(range(10))
                .map(i -> i * 3)
                .filter(i -> i % 2 == 0)
                .flatMap(i -> List.of(i, -i))
                .peek(peeked::add)
                .drop(2)
                .take(5)
                .toList(BG))
        .containsExactly(6, -6, 12, -12, 18);
    assertThat(peeked).startsWith(0, 0, 6, -6, 12, -12, 18);
    assertThat(Pipeline.from(range(3)).take(0).toList(BG)).isEmpty();
    assertThat(Pipeline.from(range(3)).drop(5).toList(BG)).isEmpty();
  }

  @Test
  void terminalsFoldReduceCountForEachAndSendTo() throws Exception {
    Pipeline<Integer> p = Pipeline.from(range(5));
    assertThat(p.fold(BG, "", (s, i) -> s + i)).isEqualTo("01234");
    assertThat(p.reduce(BG, Integer::sum)).contains(10);
    assertThat(p.filter(i -> false).reduce(BG, Integer::sum)).isEmpty();
    assertThat(p.count(BG)).isEqualTo(5);
    List<Integer> seen = new ArrayList<>();
    p.forEach(BG, seen::add);
    assertThat(seen).isEqualTo(range(5));
    Channel<Integer> ch = Channel.make(5);
    p.sendTo(BG, ch);
    ch.close(); // the owner closes it
    List<Integer> received = new ArrayList<>();
    for (Integer i : ch) {
      received.add(i);
    }
    assertThat(received).isEqualTo(range(5));
  }

  @Test
  void bufferSetsTheCapacityOfTheChannelAfterTheLastStage() throws Exception {
    Channel<Integer> src = Channel.make();
    try (RunningPipeline<Integer> run = Pipeline.from(src).map(i -> i).buffer(3).start(BG)) {
      assertThat(run.output().capacity()).isEqualTo(3);
      src.close();
    }
    try (RunningPipeline<Integer> run = Pipeline.from(src).map(i -> i).start(BG)) {
      assertThat(run.output().capacity()).isEqualTo(Pipeline.DEFAULT_CAPACITY);
    }
    try (RunningPipeline<Integer> run = Pipeline.from(src).map(i -> i).buffer(0).start(BG)) {
      assertThat(run.output().capacity()).isZero();
    }
    assertThatThrownBy(() -> Pipeline.of(1).buffer(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative buffer capacity");
  }

  @Test
  void badArgumentsAreRefusedWithMessages() {
    Pipeline<Integer> p = Pipeline.of(1);
    assertThatThrownBy(() -> p.mapParallel(0, true, i -> i))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 workers");
    assertThatThrownBy(() -> p.batch(0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batch size 0");
    assertThatThrownBy(() -> p.batch(2, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("non-positive batch age");
    assertThatThrownBy(() -> p.take(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.drop(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.map(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Pipeline.merge(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.broadcast(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.toList(null)).isInstanceOf(NullPointerException.class);
  }

  // ---------------------------------------------------------------- mapParallel

  @RepeatedTest(5)
  void orderedParallelMapKeepsInputOrderUnderRandomDelays() throws Exception {
    int n = 200;
    Random random = new Random();
    List<CountDownLatch> gates = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      gates.add(new CountDownLatch(1));
    }
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    List<Integer> order = new ArrayList<>(range(n));
    Collections.shuffle(order, random);
    // Gates open in a random order from another goroutine, so items finish out of order.
    dev.runnel.Go.go(
        () -> {
          for (int i : order) {
            gates.get(i).countDown();
            if (random.nextBoolean()) {
              Thread.yield();
            }
          }
        });
    List<Integer> out =
        Pipeline.from(range(n))
            .mapParallel(
                4,
                true,
                i -> {
                  mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                  gates.get(i).await();
                  for (int y = random.nextInt(3); y > 0; y--) {
                    Thread.yield();
                  }
                  running.decrementAndGet();
                  return i * 2;
                })
            .toList(BG);
    assertThat(out).isEqualTo(range(n).stream().map(i -> i * 2).toList());
    assertThat(mostAtOnce.get()).isBetween(1, 4);
  }

  @Test
  void parallelMapRunsExactlyNFunctionsAtOnce() throws Exception {
    for (boolean ordered : new boolean[] {true, false}) {
      CyclicBarrier four = new CyclicBarrier(4); // only passes if 4 functions run at once
      AtomicInteger running = new AtomicInteger();
      AtomicInteger mostAtOnce = new AtomicInteger();
      long count =
          Pipeline.from(range(40))
              .mapParallel(
                  4,
                  ordered,
                  i -> {
                    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                    four.await();
                    running.decrementAndGet();
                    return i;
                  })
              .count(BG);
      assertThat(count).isEqualTo(40);
      assertThat(mostAtOnce.get()).isEqualTo(4);
    }
  }

  @Test
  void unorderedParallelMapPassesResultsOnAsTheyAreReady() throws Exception {
    CountDownLatch oneOut = new CountDownLatch(1);
    try (RunningPipeline<Integer> run =
        Pipeline.of(0, 1)
            .mapParallel(
                2,
                false,
                i -> {
                  if (i == 0) {
                    oneOut.await(); // item 0 waits until item 1 has been received
                  }
                  return i;
                })
            .start(BG)) {
      assertThat(run.receive()).isEqualTo(1);
      oneOut.countDown();
      assertThat(run.receive()).isEqualTo(0);
      assertThat(run.receive()).isNull();
    }
  }

  // ---------------------------------------------------------------- batch

  @Test
  void batchEmitsBySizeAndTheRestAtTheEnd() throws Exception {
    assertThat(Pipeline.from(range(7)).batch(3, Duration.ofHours(1), new ManualClock()).toList(BG))
        .containsExactly(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6));
    assertThat(Pipeline.from(range(2)).batch(1, Duration.ofHours(1)).toList(BG))
        .containsExactly(List.of(0), List.of(1));
  }

  @Test
  void withoutAClockBatchAgesOnTheClockOfTheTerminalsContext() throws Exception {
    ManualClock clock = new ManualClock();
    Channel<String> src = Channel.make();
    try (RunningPipeline<List<String>> run =
        Pipeline.from(src)
            .batch(3, Duration.ofSeconds(1))
            .start(Context.withClock(BG, clock))) {
      src.send("a");
      clock.awaitPendingTimers(1);
      clock.advance(Duration.ofSeconds(1));
      assertThat(run.receive()).containsExactly("a");
      src.close();
      assertThat(run.receive()).isNull();
    }
  }

  @Test
  void batchEmitsWhenItsOldestItemReachesMaxAgeOnThePipelinesClock() throws Exception {
    ManualClock clock = new ManualClock();
    Channel<String> src = Channel.make(); // unbuffered: a send returns once the batch has the item
    try (RunningPipeline<List<String>> run =
        Pipeline.from(src).batch(3, Duration.ofSeconds(1), clock).start(BG)) {
      src.send("a");
      src.send("b");
      clock.awaitPendingTimers(1);
      clock.advance(Duration.ofSeconds(1));
      assertThat(run.receive()).containsExactly("a", "b"); // by age

      src.send("c");
      src.send("d");
      src.send("e");
      assertThat(run.receive()).containsExactly("c", "d", "e"); // by size, no time passed

      src.send("f");
      clock.awaitPendingTimers(1); // the batch's age timer is armed
      clock.advance(Duration.ofMillis(600));
      src.send("g"); // the age counts from f, the first item of the batch
      clock.advance(Duration.ofMillis(400));
      assertThat(run.receive()).containsExactly("f", "g");

      src.send("h");
      src.close();
      assertThat(run.receive()).containsExactly("h"); // the rest, at the end
      assertThat(run.receive()).isNull();
    }
  }

  // ---------------------------------------------------------------- throttle

  @Test
  void throttlePassesItemsAtTheLimitersRateOnItsClock() throws Exception {
    ManualClock clock = new ManualClock();
    RateLimiter oneASecond = new RateLimiter(1, 1, clock);
    try (RunningPipeline<Integer> run = Pipeline.of(1, 2, 3).throttle(oneASecond).start(BG)) {
      assertThat(run.receive()).isEqualTo(1); // the burst
      for (int i = 2; i <= 3; i++) {
        clock.awaitPendingTimers(1); // the stage waits for a token
        clock.advance(Duration.ofSeconds(1));
        assertThat(run.receive()).isEqualTo(i);
      }
      assertThat(run.receive()).isNull();
    }
  }

  // ---------------------------------------------------------------- several pipelines

  @Test
  void mergeInterleavesEveryInputAndEndsWhenAllHaveEnded() throws Exception {
    List<Integer> merged =
        Pipeline.merge(Pipeline.from(range(50)), Pipeline.from(range(50)).map(i -> i + 100))
            .toList(BG);
    assertThat(merged).hasSize(100).containsAll(range(50));
    assertThat(merged.stream().filter(i -> i < 100).toList()).isEqualTo(range(50)); // each in order
    assertThat(Pipeline.of(1).mergeWith(Pipeline.of(2)).toList(BG)).containsExactlyInAnyOrder(1, 2);
  }

  @Test
  void zipPairsItemsAndEndsWithTheShorterInputCancellingTheOther() throws Exception {
    CountDownLatch endlessStopped = new CountDownLatch(1);
    Pipeline<Integer> endless =
        Pipeline.generate(
            (ctx, out) -> {
              try {
                for (int i = 0; ; i++) {
                  out.emit(i);
                }
              } finally {
                endlessStopped.countDown();
              }
            });
    assertThat(Pipeline.of("a", "b", "c").zip(endless, (s, i) -> s + i).toList(BG))
        .containsExactly("a0", "b1", "c2");
    assertThat(endlessStopped.getCount()).isZero();
  }

  @Test
  void broadcastSendsEveryItemToEveryBranchAndMergesThem() throws Exception {
    List<Function<Pipeline<Integer>, Pipeline<? extends String>>> branches =
        List.of(in -> in.map(i -> "a" + i), in -> in.filter(i -> i % 2 == 0).map(i -> "b" + i));
    List<String> out = Pipeline.from(range(6)).broadcast(branches).toList(BG);
    assertThat(out)
        .containsExactlyInAnyOrder("a0", "a1", "a2", "a3", "a4", "a5", "b0", "b2", "b4");
  }

  @Test
  void aBroadcastBranchThatTakesEnoughIsLeftOutAndTheOthersGoOn() throws Exception {
    List<Function<Pipeline<Integer>, Pipeline<? extends Integer>>> branches =
        List.of(in -> in.take(2), in -> in.map(i -> i + 1000));
    List<Integer> out = Pipeline.from(range(100)).broadcast(branches).toList(BG);
    assertThat(out.stream().filter(i -> i < 1000).toList()).containsExactly(0, 1);
    assertThat(out.stream().filter(i -> i >= 1000).toList())
        .isEqualTo(range(100).stream().map(i -> i + 1000).toList());
  }
}
