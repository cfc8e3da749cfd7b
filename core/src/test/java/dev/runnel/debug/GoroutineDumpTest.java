package dev.runnel.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.Select;
import dev.runnel.sync.Mutex;
import dev.runnel.sync.WaitGroup;
import dev.runnel.testkit.Threads;
import dev.runnel.time.Time;
import dev.runnel.internal.ShortLock;
import java.lang.reflect.Field;
import java.util.concurrent.locks.LockSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link GoroutineDump} on live goroutines: time in state, creation, stack trimming, the text of
 * the whole dump, the id bookkeeping ({@code takeStartedAfter}, {@code countStartedAfter}, {@code
 * lastGoroutineId}), {@code filter}, and dumps taken while goroutines come and go.
 */
@Timeout(60)
class GoroutineDumpTest {

  private static final String CHANNEL_CORE = "dev.runnel.internal.ChannelCore.";

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  private static boolean isMachinery(StackTraceElement f) {
    String c = f.getClassName();
    return c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.")
        || c.startsWith("dev.runnel.internal.");
  }

  // ------------------------------------------------------------------ time in state

  @Test
  void timeInStateGrowsWhileTheGoroutineStaysBlocked() throws Exception {
    Channel<Integer> ch = Channel.make();
    Spawned g = Spawned.go(() -> ch.receive());
    try {
      GoroutineInfo first = g.awaitState("chan receive");
      GoroutineInfo second = g.awaitState("chan receive");
      assertThat(second.waiting()).isGreaterThanOrEqualTo(first.waiting());
      // From one second on, the text prints the time in state.
      GoroutineInfo later = g.await("a second in state", i -> i.waiting().toSeconds() >= 1);
      assertThat(later.state()).isEqualTo("chan receive");
      assertThat(later.waiting()).isGreaterThan(first.waiting());
      assertThat(later.toString())
          .containsPattern("^goroutine " + g.id() + " \\[chan receive, \\d+ seconds?\\]:\n");
    } finally {
      ch.close();
    }
    g.join();
  }

  @Test
  void aFreshlyParkedGoroutinePrintsNoTime() throws Exception {
    Channel<Integer> ch = Channel.make();
    Spawned g = Spawned.go(() -> ch.receive());
    try {
      GoroutineInfo info = g.awaitState("chan receive");
      if (info.waiting().toSeconds() < 1) { // always, unless the machine stalled for a second
        assertThat(info.toString()).startsWith("goroutine " + g.id() + " [chan receive]:\n");
      }
    } finally {
      ch.close();
    }
    g.join();
  }

  // ------------------------------------------------------------------ creation

  @Test
  void withoutCreationStacksTheDumpNamesTheStartingThreadOnly() throws Exception {
    assertThat(GoroutineDump.recordsCreationStacks()).as("off by default").isFalse();
    Channel<Integer> ch = Channel.make();
    Spawned g = Spawned.go(() -> ch.receive());
    try {
      GoroutineInfo info = g.awaitState("chan receive");
      String me = Thread.currentThread().getName();
      assertThat(info.createdBy()).isEqualTo(me);
      assertThat(info.creationStack()).isEmpty();
      assertThat(info.toString()).endsWith("created in thread \"" + me + "\"\n");
    } finally {
      ch.close();
    }
    g.join();
  }

  @Test
  void aGoroutineStartedByAGoroutineIsCreatedInThatGoroutine() throws Exception {
    Channel<Integer> ch = Channel.make();
    AtomicReference<Spawned> inner = new AtomicReference<>();
    Spawned outer = Spawned.go(() -> inner.set(Spawned.go(() -> ch.receive())));
    outer.join();
    Spawned g = inner.get();
    try {
      GoroutineInfo info = g.awaitState("chan receive");
      assertThat(info.createdBy()).isEqualTo("goroutine-" + outer.id());
      assertThat(info.toString()).endsWith("created in goroutine " + outer.id() + "\n");
    } finally {
      ch.close();
    }
    g.join();
  }

  @Test
  void withCreationStacksTheFirstFrameIsTheGoCall() throws Exception {
    boolean was = GoroutineDump.recordsCreationStacks();
    Channel<Integer> ch = Channel.make();
    long id;
    GoroutineDump.recordCreationStacks(true);
    try {
      assertThat(GoroutineDump.recordsCreationStacks()).isTrue();
      long before = GoroutineDump.lastGoroutineId();
      Go.go(() -> ch.receive()); // this line is the creation site
      id = before + 1;
    } finally {
      GoroutineDump.recordCreationStacks(was);
    }
    try {
      GoroutineInfo info = Spawned.awaitState(id, "chan receive");
      assertThat(info.creationStack()).isNotEmpty();
      StackTraceElement top = info.creationStack().get(0);
      assertThat(top.getClassName()).isEqualTo(GoroutineDumpTest.class.getName());
      assertThat(top.getMethodName()).isEqualTo("withCreationStacksTheFirstFrameIsTheGoCall");
      assertThat(info.createdBy()).isEqualTo(Thread.currentThread().getName());
      assertThat(info.toString())
          .contains(
              "created in thread \"" + Thread.currentThread().getName() + "\"\n\tat " + top + "\n");
    } finally {
      ch.close();
    }
    Threads.eventually(
        "the goroutine ends", () -> Spawned.find(GoroutineDump.takeStartedAfter(id - 1), id) == null);
  }

  @Test
  void creationStacksAreOnlyForGoroutinesStartedWhileOn() throws Exception {
    boolean was = GoroutineDump.recordsCreationStacks();
    Channel<Integer> ch = Channel.make();
    Spawned before = Spawned.go(() -> ch.receive());
    Spawned during;
    GoroutineDump.recordCreationStacks(true);
    try {
      during = Spawned.go(() -> ch.receive());
    } finally {
      GoroutineDump.recordCreationStacks(false);
    }
    Spawned after = Spawned.go(() -> ch.receive());
    GoroutineDump.recordCreationStacks(was);
    try {
      assertThat(before.awaitState("chan receive").creationStack()).isEmpty();
      List<StackTraceElement> stack = during.awaitState("chan receive").creationStack();
      assertThat(stack).isNotEmpty();
      // Runtime frames (Go.go, dev.runnel.internal) are dropped from the top.
      assertThat(stack.get(0).getClassName()).isEqualTo(Spawned.class.getName());
      assertThat(stack.get(0).getMethodName()).isEqualTo("go");
      assertThat(after.awaitState("chan receive").creationStack()).isEmpty();
    } finally {
      ch.close();
    }
    before.join();
    during.join();
    after.join();
  }

  // ------------------------------------------------------------------ stack trimming

  @Test
  void aParkedGoroutinesStackHasNoMachineryAtEitherEnd() throws Exception {
    Channel<Integer> ch = Channel.make();
    Mutex mu = new Mutex();
    mu.lock();
    long before = GoroutineDump.lastGoroutineId();
    Go.go(() -> ch.receive());
    Go.go(
        () -> {
          mu.lock();
          mu.unlock();
        });
    Go.go(() -> Select.select().onReceive(ch, v -> {}).run());
    Go.go(
        () -> {
          try {
            Time.sleep(Duration.ofMinutes(10));
          } catch (InterruptedException expected) {
            // released by the test
          }
        });
    String[] states = {"chan receive", "sync.Mutex.Lock", "select", "sleep"};
    try {
      for (int i = 0; i < states.length; i++) {
        GoroutineInfo info = Spawned.awaitState(before + 1 + i, states[i]);
        List<StackTraceElement> stack = info.stack();
        assertThat(stack).as("stack of %s", info).isNotEmpty();
        assertThat(isMachinery(stack.get(0))).as("top frame of %s", info).isFalse();
        assertThat(isMachinery(stack.get(stack.size() - 1))).as("bottom of %s", info).isFalse();
        // Started by Go.go from here, the bottom frame is this test's lambda.
        assertThat(stack.get(stack.size() - 1).getClassName())
            .as("bottom of %s", info)
            .isEqualTo(GoroutineDumpTest.class.getName());
        assertThat(stack.get(stack.size() - 1).getMethodName()).startsWith("lambda$");
        assertThat(info.stackContains("dev.runnel.internal.")).as("%s", info).isFalse();
      }
    } finally {
      ch.close();
      mu.unlock();
      interruptGoroutine(before + 4);
    }
    Threads.eventually(
        "the goroutines end",
        () -> GoroutineDump.takeStartedAfter(before).goroutines().stream()
            .noneMatch(g -> g.id() <= before + 4));
  }

  /** Interrupts a goroutine found by id, through the registry the dump reads. */
  private static void interruptGoroutine(long id) {
    for (dev.runnel.internal.Goroutines.Goroutine g : dev.runnel.internal.Goroutines.all()) {
      if (g.id() == id) {
        g.thread().interrupt();
      }
    }
  }

  @Test
  void aParkedReceiveStartsAtChannelReceive() throws Exception {
    Channel<Integer> ch = Channel.make();
    Spawned g = Spawned.go(() -> ch.receive());
    try {
      GoroutineInfo info = g.awaitState("chan receive");
      assertThat(info.topFunction()).isEqualTo(Channel.class.getName() + ".receive");
    } finally {
      ch.close();
    }
    g.join();
  }

  // ------------------------------------------------------------------ the whole dump

  @Test
  void goDumpIsOneBlockPerGoroutineInIdOrderSeparatedByBlankLines() throws Exception {
    Channel<Integer> ch = Channel.make();
    List<Spawned> ours = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ours.add(Spawned.go(() -> ch.receive()));
    }
    try {
      for (Spawned g : ours) {
        g.awaitState("chan receive");
      }
      String text = Go.dump();
      assertThat(text).endsWith("\n").doesNotEndWith("\n\n").doesNotContain("\n\n\n");
      String[] blocks = text.split("\n\n", -1);
      long previous = Long.MIN_VALUE;
      List<Long> ids = new ArrayList<>();
      for (String block : blocks) {
        assertThat(block).startsWith("goroutine ").contains(" [");
        long id = Long.parseLong(block.substring("goroutine ".length(), block.indexOf(" [")));
        assertThat(id).as("ids in order in%n%s", text).isGreaterThan(previous);
        previous = id;
        ids.add(id);
      }
      for (Spawned g : ours) {
        assertThat(ids).containsOnlyOnce(g.id());
        assertThat(text).contains("goroutine " + g.id() + " [chan receive");
      }
    } finally {
      ch.close();
    }
    for (Spawned g : ours) {
      g.join();
    }
    String after = Go.dump();
    for (Spawned g : ours) {
      assertThat(after).doesNotContain("goroutine " + g.id() + " [");
    }
  }

  @Test
  void toStringIsTheBlocksJoinedByBlankLines() throws Exception {
    Channel<Integer> in = Channel.make();
    Channel<Integer> out = Channel.make();
    long mark = GoroutineDump.lastGoroutineId();
    Spawned a = Spawned.go(() -> in.receive());
    Spawned b = Spawned.go(() -> out.send(1));
    try {
      a.awaitState("chan receive");
      b.awaitState("chan send");
      GoroutineDump dump = GoroutineDump.takeStartedAfter(mark);
      assertThat(ids(dump)).containsExactly(a.id(), b.id());
      String joined =
          dump.goroutines().stream().map(GoroutineInfo::toString).collect(Collectors.joining("\n"));
      assertThat(dump.toString()).isEqualTo(joined);
      assertThat(dump.toString()).contains("]:\n", "\n\ngoroutine " + b.id() + " [chan send");
    } finally {
      in.close();
      out.receive();
    }
    a.join();
    b.join();
  }

  @Test
  void anEmptyDumpIsEmptyText() {
    GoroutineDump none = GoroutineDump.take().filter(g -> false);
    assertThat(none.goroutines()).isEmpty();
    assertThat(none.toString()).isEmpty();
  }

  @Test
  void aGoroutineThatReturnedIsNotInLaterDumps() throws Exception {
    long mark = GoroutineDump.lastGoroutineId();
    Spawned g = Spawned.go(() -> {});
    g.join();
    assertThat(GoroutineDump.take().goroutines()).noneMatch(i -> i.id() == g.id());
    assertThat(GoroutineDump.takeStartedAfter(mark).goroutines()).noneMatch(i -> i.id() == g.id());
  }

  // ------------------------------------------------------------------ ids

  @Test
  void takeStartedAfterListsOnlyNewerGoroutinesAndCountAgrees() throws Exception {
    Channel<Integer> ch = Channel.make();
    long first = GoroutineDump.lastGoroutineId();
    Spawned older = Spawned.go(() -> ch.receive());
    older.awaitState("chan receive");
    long second = GoroutineDump.lastGoroutineId();
    Spawned newer = Spawned.go(() -> ch.receive());
    try {
      newer.awaitState("chan receive");
      assertThat(ids(GoroutineDump.takeStartedAfter(second))).containsExactly(newer.id());
      assertThat(GoroutineDump.countStartedAfter(second)).isEqualTo(1);
      assertThat(ids(GoroutineDump.takeStartedAfter(first)))
          .containsExactly(older.id(), newer.id());
      assertThat(GoroutineDump.countStartedAfter(first)).isEqualTo(2);
      assertThat(ids(GoroutineDump.take())).contains(older.id(), newer.id());
      long last = GoroutineDump.lastGoroutineId();
      assertThat(GoroutineDump.takeStartedAfter(last).goroutines()).isEmpty();
      assertThat(GoroutineDump.countStartedAfter(last)).isZero();
    } finally {
      ch.close();
    }
    older.join();
    newer.join();
    assertThat(GoroutineDump.countStartedAfter(first)).isZero();
    assertThat(GoroutineDump.takeStartedAfter(first).goroutines()).isEmpty();
  }

  private static List<Long> ids(GoroutineDump dump) {
    return dump.goroutines().stream().map(GoroutineInfo::id).toList();
  }

  @Test
  void lastGoroutineIdCountsOnePerGoCall() throws Exception {
    Channel<Long> ids = Channel.make(5);
    for (int i = 0; i < 5; i++) {
      long before = GoroutineDump.lastGoroutineId();
      Go.go(() -> ids.send(Go.goroutineId()));
      long after = GoroutineDump.lastGoroutineId();
      assertThat(after).isEqualTo(before + 1);
      assertThat(ids.receive()).isEqualTo(after);
    }
  }

  // ------------------------------------------------------------------ filter

  @Test
  void filterKeepsTheTimeAndTheOrder() throws Exception {
    Channel<Integer> ch = Channel.make();
    long mark = GoroutineDump.lastGoroutineId();
    List<Spawned> ours = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ours.add(Spawned.go(() -> ch.receive()));
    }
    try {
      for (Spawned g : ours) {
        g.awaitState("chan receive");
      }
      GoroutineDump dump = GoroutineDump.takeStartedAfter(mark);
      long dropped = ours.get(1).id();
      GoroutineDump kept = dump.filter(g -> g.id() != dropped);
      assertThat(kept.takenAt()).isEqualTo(dump.takenAt());
      assertThat(ids(kept)).containsExactly(ours.get(0).id(), ours.get(2).id(), ours.get(3).id());
      assertThat(kept.goroutines()).isSubsetOf(dump.goroutines());
      assertThat(dump.goroutines()).hasSize(4); // the original is untouched
      assertThat(dump.filter(g -> true).toString()).isEqualTo(dump.toString());
      assertThatThrownBy(() -> dump.filter(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> dump.goroutines().clear())
          .isInstanceOf(UnsupportedOperationException.class);
    } finally {
      ch.close();
    }
    for (Spawned g : ours) {
      g.join();
    }
  }

  @Test
  void topFunctionAndStackContainsOnALiveGoroutine() throws Exception {
    Channel<Integer> ch = Channel.make();
    Spawned g = Spawned.go(() -> ch.receive());
    try {
      GoroutineInfo info = g.awaitState("chan receive");
      StackTraceElement top = info.stack().get(0);
      assertThat(info.topFunction()).isEqualTo(top.getClassName() + "." + top.getMethodName());
      assertThat(info.stackContains("dev.runnel.Channel.receive")).isTrue();
      assertThat(info.stackContains("dev.runnel.Channel")).isTrue();
      assertThat(info.stackContains("dev.runnel.")).isTrue();
      assertThat(info.stackContains(GoroutineDumpTest.class.getName())).isTrue();
      assertThat(info.stackContains("dev.runnel.Channel.send")).isFalse();
      assertThat(info.stackContains("dev.runnel.Chan")).isFalse();
    } finally {
      ch.close();
    }
    g.join();
  }

  @Test
  void aGoroutineOnAChannelsInternalLockIsNotWaiting() throws Exception {
    Channel<Integer> ch = Channel.make(1);
    Field coreField = Class.forName("dev.runnel.ReceiveSide").getDeclaredField("core");
    coreField.setAccessible(true);
    ShortLock lock = (ShortLock) coreField.get(ch);
    lock.lock();
    Spawned g = Spawned.go(() -> ch.send(1));
    try {
      Threads.eventually(
          "parked on the channel's lock",
          () -> LockSupport.getBlocker(g.thread()) == lock);
      GoroutineInfo info = g.info();
      assertThat(info.state()).as("a short critical section's waiter runs: %s", info)
          .isEqualTo("running");
      assertThat(info.waitingOn()).isNull();
    } finally {
      lock.unlock();
    }
    g.join();
    assertThat(ch.receive()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ churn

  @Test
  void dumpsTakenWhileGoroutinesComeAndGoNeverThrowNorRepeat() throws Exception {
    int n = 3000;
    long mark = GoroutineDump.lastGoroutineId();
    WaitGroup wg = new WaitGroup();
    Channel<Integer> pipe = Channel.make(16);
    AtomicLong received = new AtomicLong();
    Spawned drain =
        Spawned.go(
            () -> {
              for (Integer v : pipe) {
                received.addAndGet(v);
              }
            });
    Spawned churner =
        Spawned.go(
            () -> {
              for (int i = 0; i < n; i++) {
                wg.add(1);
                Go.go(
                    () -> {
                      try {
                        pipe.send(1);
                      } finally {
                        wg.done();
                      }
                    });
              }
              wg.await();
              pipe.close();
            });
    int dumps = 0;
    Set<String> states = new HashSet<>();
    do {
      for (GoroutineDump dump : List.of(GoroutineDump.take(), GoroutineDump.takeStartedAfter(mark))) {
        List<Long> ids = ids(dump);
        for (int i = 1; i < ids.size(); i++) {
          assertThat(ids.get(i)).as("ids strictly increasing: %s", ids).isGreaterThan(ids.get(i - 1));
        }
        assertThat(dump.toString()).isNotNull();
        assertThat(dump.toJson()).startsWith("{").endsWith("}");
        for (GoroutineInfo g : dump.goroutines()) {
          states.add(g.state());
        }
        GoroutineDump.countStartedAfter(mark);
        dumps++;
      }
    } while (!churner.isDone());
    churner.join();
    drain.join();
    assertThat(received.get()).isEqualTo(n);
    assertThat(dumps).isPositive();
    Set<String> known = new HashSet<>(WaitReasonDumpTest.REASONS);
    known.add("running");
    // Outside Runnel: a goroutine may wait a moment on a JDK lock while it starts or ends (the
    // registry is a ConcurrentHashMap, whose bins are monitors).
    known.add("monitor enter");
    known.add("waiting");
    assertThat(known).as("states seen during the churn").containsAll(states);
    Threads.eventually(
        "the churn's goroutines end", () -> GoroutineDump.countStartedAfter(mark) == 0);
  }
}
