package dev.runnel.debug;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.Channel;
import dev.runnel.Select;
import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.errgroup.ErrGroup;
import dev.runnel.internal.WaitReason;
import dev.runnel.semaphore.WeightedSemaphore;
import dev.runnel.singleflight.SingleFlight;
import dev.runnel.sync.Cond;
import dev.runnel.sync.Mutex;
import dev.runnel.sync.RWMutex;
import dev.runnel.sync.WaitGroup;
import dev.runnel.time.ManualClock;
import dev.runnel.time.Time;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every wait reason a goroutine dump reports: a goroutine parked in each kind of Runnel wait shows
 * Go's words for it, and names the object it waits on.
 */
@Timeout(60)
class WaitReasonDumpTest {

  /** Go's wait reasons that Runnel reports, as the issue and GoroutineInfo list them. */
  static final List<String> REASONS =
      List.of(
          "chan receive",
          "chan send",
          "chan receive (nil chan)",
          "select",
          "select (no cases)",
          "sync.Mutex.Lock",
          "sync.RWMutex.Lock",
          "sync.RWMutex.RLock",
          "sync.WaitGroup.Wait",
          "sync.Cond.Wait",
          "semacquire",
          "sleep");

  private static final Duration LONG = Duration.ofMinutes(10);

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  /**
   * Waits until the dump shows {@code g} in {@code state}, and checks what every parked entry
   * must say: a Runnel reason, a non-negative time, the object, and a stack with the caller's frame.
   */
  private static GoroutineInfo assertParked(Spawned g, String state, String waitingOnPrefix) {
    GoroutineInfo info = g.awaitState(state);
    assertThat(REASONS).as("reason of %s", info).contains(info.state());
    assertThat(info.waiting()).as("time in state").isGreaterThanOrEqualTo(Duration.ZERO);
    assertThat(info.waitingOn()).as("waiting on, in %s", info).startsWith(waitingOnPrefix);
    assertThat(info.stackContains(WaitReasonDumpTest.class.getName()))
        .as("stack has the test's lambda: %s", info)
        .isTrue();
    assertThat(info.toString()).startsWith("goroutine " + g.id() + " [" + state);
    return info;
  }

  @Test
  void theReasonListMatchesWaitReason() {
    assertThat(Arrays.stream(WaitReason.values()).map(WaitReason::goName))
        .containsExactlyInAnyOrderElementsOf(REASONS);
  }

  // ------------------------------------------------------------------ channels

  @Test
  void receiveOnEmptyUnbufferedChannelIsChanReceive() throws Exception {
    Channel<Integer> ch = Channel.make();
    Spawned g = Spawned.go(() -> ch.receive());
    try {
      assertParked(g, "chan receive", "chan[0/0]@");
    } finally {
      ch.close();
    }
    g.join();
  }

  @Test
  void receiveOnEmptyBufferedChannelIsChanReceive() throws Exception {
    Channel<Integer> ch = Channel.make(3);
    Spawned g = Spawned.go(() -> ch.receive());
    try {
      assertParked(g, "chan receive", "chan[0/3]@");
    } finally {
      ch.close();
    }
    g.join();
  }

  @Test
  void sendOnUnbufferedChannelIsChanSend() throws Exception {
    Channel<Integer> ch = Channel.make();
    Spawned g = Spawned.go(() -> ch.send(1));
    try {
      assertParked(g, "chan send", "chan[0/0]@");
    } finally {
      assertThat(ch.receive()).isEqualTo(1);
    }
    g.join();
  }

  @Test
  void sendOnFullBufferedChannelIsChanSendAndShowsLengthAndCapacity() throws Exception {
    Channel<Integer> ch = Channel.make(2);
    ch.send(1);
    ch.send(2);
    Spawned g = Spawned.go(() -> ch.send(3));
    try {
      assertParked(g, "chan send", "chan[2/2]@");
    } finally {
      for (int i = 1; i <= 3; i++) {
        assertThat(ch.receive()).isEqualTo(i);
      }
    }
    g.join();
  }

  @Test
  void timedReceiveIsChanReceive() throws Exception {
    Channel<Integer> ch = Channel.make();
    Spawned g = Spawned.go(() -> ch.receive(LONG));
    try {
      assertParked(g, "chan receive", "chan[0/0]@");
    } finally {
      ch.close();
    }
    g.join();
  }

  @Test
  void receiveWithContextIsChanReceive() throws Exception {
    Channel<Integer> ch = Channel.make();
    CancelContext ctx = Context.withCancel(Context.background());
    Spawned g = Spawned.go(() -> ch.receive(ctx));
    try {
      assertParked(g, "chan receive", "chan[0/0]@");
    } finally {
      ctx.cancel();
    }
    assertThat(g.failure()).isInstanceOf(CancellationException.class);
  }

  @Test
  void sendWithContextIsChanSend() throws Exception {
    Channel<Integer> ch = Channel.make();
    CancelContext ctx = Context.withCancel(Context.background());
    Spawned g = Spawned.go(() -> ch.send(ctx, 7));
    try {
      assertParked(g, "chan send", "chan[0/0]@");
    } finally {
      ctx.cancel();
    }
    assertThat(g.failure()).isInstanceOf(CancellationException.class);
  }

  @Test
  void receiveOnNilChannelIsChanReceiveNilChan() throws Exception {
    // A never-cancelled context's done() is Go's nil channel.
    Spawned g = Spawned.go(() -> Context.background().done().receive());
    try {
      assertParked(g, "chan receive (nil chan)", "nil chan");
    } finally {
      g.thread().interrupt();
    }
    assertThat(g.failure()).isInstanceOf(InterruptedException.class);
  }

  @Test
  void receiveWithContextOnNilChannelIsChanReceiveNilChan() throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    Spawned g = Spawned.go(() -> Context.background().done().receive(ctx));
    try {
      assertParked(g, "chan receive (nil chan)", "nil chan");
    } finally {
      ctx.cancel();
    }
    assertThat(g.failure()).isInstanceOf(CancellationException.class);
  }

  @Test
  void twoReceiversOnOneChannelShowTheSameObject() throws Exception {
    Channel<Integer> ch = Channel.make();
    Channel<Integer> other = Channel.make();
    Spawned a = Spawned.go(() -> ch.receive());
    Spawned b = Spawned.go(() -> ch.receive());
    Spawned c = Spawned.go(() -> other.receive());
    try {
      String onA = assertParked(a, "chan receive", "chan[").waitingOn();
      String onB = assertParked(b, "chan receive", "chan[").waitingOn();
      String onC = assertParked(c, "chan receive", "chan[").waitingOn();
      assertThat(onA).isEqualTo(onB).isEqualTo(ch.toString());
      assertThat(onC).isNotEqualTo(onA).isEqualTo(other.toString());
    } finally {
      ch.close();
      other.close();
    }
    a.join();
    b.join();
    c.join();
  }

  // ------------------------------------------------------------------ select

  @Test
  void blockedSelectIsSelectAndListsItsCases() throws Exception {
    Channel<Integer> in = Channel.make();
    Channel<Integer> out = Channel.make(1);
    out.send(0);
    Spawned g =
        Spawned.go(() -> Select.select().onReceive(in, v -> {}).onSend(out, 1, () -> {}).run());
    try {
      GoroutineInfo info = assertParked(g, "select", "select[");
      assertThat(info.waitingOn()).contains("receive " + in).contains("send " + out);
    } finally {
      in.close();
    }
    g.join();
  }

  @Test
  void timedSelectIsSelect() throws Exception {
    Channel<Integer> in = Channel.make();
    Spawned g = Spawned.go(() -> Select.select().onReceive(in, v -> {}).run(LONG));
    try {
      assertParked(g, "select", "select[receive " + in);
    } finally {
      in.close();
    }
    g.join();
  }

  @Test
  void selectWithNoCasesIsSelectNoCases() throws Exception {
    Spawned g = Spawned.go(() -> Select.select().run());
    try {
      assertParked(g, "select (no cases)", "select[]");
    } finally {
      g.thread().interrupt();
    }
    assertThat(g.failure()).isInstanceOf(InterruptedException.class);
  }

  // ------------------------------------------------------------------ sync

  @Test
  void lockOnHeldMutexIsMutexLock() throws Exception {
    Mutex mu = new Mutex();
    mu.lock();
    Spawned g =
        Spawned.go(
            () -> {
              mu.lock();
              mu.unlock();
            });
    try {
      assertParked(g, "sync.Mutex.Lock", "Mutex[locked");
    } finally {
      mu.unlock();
    }
    g.join();
  }

  @Test
  void timedLockIsMutexLock() throws Exception {
    Mutex mu = new Mutex();
    mu.lock();
    Spawned g =
        Spawned.go(
            () -> {
              if (mu.lock(LONG)) {
                mu.unlock();
              }
            });
    try {
      assertParked(g, "sync.Mutex.Lock", "Mutex[locked");
    } finally {
      mu.unlock();
    }
    g.join();
  }

  @Test
  void lockWithContextIsMutexLock() throws Exception {
    Mutex mu = new Mutex();
    mu.lock();
    CancelContext ctx = Context.withCancel(Context.background());
    Spawned g = Spawned.go(() -> mu.lock(ctx));
    try {
      assertParked(g, "sync.Mutex.Lock", "Mutex[locked");
    } finally {
      ctx.cancel();
      mu.unlock();
    }
    assertThat(g.failure()).isInstanceOf(CancellationException.class);
  }

  @Test
  void writerBehindReaderIsRWMutexLock() throws Exception {
    RWMutex rw = new RWMutex();
    rw.readLock();
    Spawned g =
        Spawned.go(
            () -> {
              rw.lock();
              rw.unlock();
            });
    try {
      assertParked(g, "sync.RWMutex.Lock", "RWMutex[");
    } finally {
      rw.readUnlock();
    }
    g.join();
  }

  @Test
  void writerBehindWriterIsRWMutexLock() throws Exception {
    RWMutex rw = new RWMutex();
    rw.lock();
    Spawned g =
        Spawned.go(
            () -> {
              rw.lock();
              rw.unlock();
            });
    try {
      assertParked(g, "sync.RWMutex.Lock", "RWMutex[writer");
    } finally {
      rw.unlock();
    }
    g.join();
  }

  @Test
  void readerBehindWriterIsRWMutexRLock() throws Exception {
    RWMutex rw = new RWMutex();
    rw.lock();
    Spawned g =
        Spawned.go(
            () -> {
              rw.readLock();
              rw.readUnlock();
            });
    try {
      assertParked(g, "sync.RWMutex.RLock", "RWMutex[writer");
    } finally {
      rw.unlock();
    }
    g.join();
  }

  @Test
  void waitOnWaitGroupIsWaitGroupWait() throws Exception {
    WaitGroup wg = new WaitGroup();
    wg.add(1);
    Spawned g = Spawned.go(() -> wg.await());
    try {
      assertParked(g, "sync.WaitGroup.Wait", "WaitGroup[count=1");
    } finally {
      wg.done();
    }
    g.join();
  }

  @Test
  void waitOnWaitGroupWithContextIsWaitGroupWait() throws Exception {
    WaitGroup wg = new WaitGroup();
    wg.add(1);
    CancelContext ctx = Context.withCancel(Context.background());
    Spawned g = Spawned.go(() -> wg.await(ctx));
    try {
      assertParked(g, "sync.WaitGroup.Wait", "WaitGroup[count=1");
    } finally {
      ctx.cancel();
      wg.done();
    }
    assertThat(g.failure()).isInstanceOf(CancellationException.class);
  }

  @Test
  void waitOnCondIsCondWait() throws Exception {
    Mutex mu = new Mutex();
    Cond cond = new Cond(mu);
    boolean[] ready = {false};
    Spawned g =
        Spawned.go(
            () -> {
              mu.lock();
              try {
                while (!ready[0]) {
                  cond.await();
                }
              } finally {
                mu.unlock();
              }
            });
    try {
      assertParked(g, "sync.Cond.Wait", Cond.class.getName() + "@");
    } finally {
      mu.lock();
      ready[0] = true;
      cond.broadcast();
      mu.unlock();
    }
    g.join();
  }

  @Test
  void waitOnCondWithContextIsCondWait() throws Exception {
    Mutex mu = new Mutex();
    Cond cond = new Cond(mu);
    CancelContext ctx = Context.withCancel(Context.background());
    Spawned g =
        Spawned.go(
            () -> {
              mu.lock();
              try {
                cond.await(ctx);
              } finally {
                mu.unlock();
              }
            });
    try {
      assertParked(g, "sync.Cond.Wait", Cond.class.getName() + "@");
    } finally {
      ctx.cancel();
    }
    assertThat(g.failure()).isInstanceOf(CancellationException.class);
  }

  // ------------------------------------------------------------------ semaphore, time

  @Test
  void acquireOnFullWeightedSemaphoreIsSemacquire() throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(1);
    sem.acquire(1);
    Spawned g =
        Spawned.go(
            () -> {
              sem.acquire(1);
              sem.release(1);
            });
    try {
      assertParked(g, "semacquire", "WeightedSemaphore[1/1 in use");
    } finally {
      sem.release(1);
    }
    g.join();
  }

  @Test
  void acquireWithContextIsSemacquire() throws Exception {
    WeightedSemaphore sem = new WeightedSemaphore(1);
    sem.acquire(1);
    CancelContext ctx = Context.withCancel(Context.background());
    Spawned g = Spawned.go(() -> sem.acquire(ctx, 1));
    try {
      assertParked(g, "semacquire", "WeightedSemaphore[");
    } finally {
      ctx.cancel();
      sem.release(1);
    }
    assertThat(g.failure()).isInstanceOf(CancellationException.class);
  }

  @Test
  void timeSleepIsSleep() throws Exception {
    Spawned g = Spawned.go(() -> Time.sleep(LONG));
    try {
      assertParked(g, "sleep", "");
    } finally {
      g.thread().interrupt();
    }
    assertThat(g.failure()).isInstanceOf(InterruptedException.class);
  }

  @Test
  void timeSleepWithContextIsSleep() throws Exception {
    CancelContext ctx = Context.withCancel(Context.background());
    Spawned g = Spawned.go(() -> Time.sleep(ctx, LONG));
    try {
      assertParked(g, "sleep", "");
    } finally {
      ctx.cancel();
    }
    assertThat(g.failure()).isInstanceOf(CancellationException.class);
  }

  @Test
  void sleepOnManualClockIsSleep() throws Exception {
    ManualClock clock = new ManualClock();
    Spawned g = Spawned.go(() -> clock.sleep(Duration.ofHours(1)));
    try {
      assertParked(g, "sleep", "");
    } finally {
      clock.advance(Duration.ofHours(1));
    }
    g.join();
  }

  // ------------------------------------------------------------------ running

  @Test
  void spinningGoroutineIsRunningWithNoTimeAndNothingWaitedOn() throws Exception {
    SpinFlag flag = new SpinFlag();
    Spawned g =
        Spawned.go(
            () -> {
              flag.started = true;
              while (!flag.stop) {
                Thread.onSpinWait();
              }
            });
    try {
      GoroutineInfo info = g.await("running after start", i -> flag.started);
      info = g.awaitState("running");
      assertThat(info.waiting()).isEqualTo(Duration.ZERO);
      assertThat(info.waitingOn()).isNull();
      assertThat(info.toString()).startsWith("goroutine " + g.id() + " [running]:\n");
    } finally {
      flag.stop = true;
    }
    g.join();
  }

  /** Flags a spinning goroutine reads. */
  private static final class SpinFlag {
    volatile boolean started;
    volatile boolean stop;
  }

  // ------------------------------------------------------------------ composite types

  @Test
  void singleFlightDuplicateWaitsInChanReceive() throws Exception {
    SingleFlight<String, Integer> flights = new SingleFlight<>();
    Channel<Integer> entered = Channel.make(1);
    Channel<Void> gate = Channel.make();
    Spawned leader =
        Spawned.go(
            () ->
                flights.call(
                    "k",
                    () -> {
                      entered.send(1);
                      gate.receive();
                      return 1;
                    }));
    entered.receive();
    Spawned duplicate = Spawned.go(() -> flights.call("k", () -> 2));
    try {
      // The duplicate waits for the flight's done channel, as Go's waiters wait on its WaitGroup.
      GoroutineInfo info = assertParked(duplicate, "chan receive", "chan[0/0]@");
      assertThat(info.stackContains(SingleFlight.class.getName() + ".call")).isTrue();
      assertParked(leader, "chan receive", gate.toString());
    } finally {
      gate.close();
    }
    leader.join();
    duplicate.join();
  }

  @Test
  void errGroupAwaitIsWaitGroupWait() throws Exception {
    ErrGroup group = new ErrGroup();
    Channel<Void> gate = Channel.make();
    long before = GoroutineDump.lastGoroutineId();
    group.go(() -> gate.receive());
    Spawned waiter = Spawned.go(() -> group.await());
    try {
      assertParked(waiter, "sync.WaitGroup.Wait", "WaitGroup[count=1");
      // The group's own goroutine is listed too, blocked on the gate.
      GoroutineInfo member = Spawned.find(GoroutineDump.takeStartedAfter(before), before + 1);
      assertThat(member).isNotNull();
      assertThat(member.state()).isEqualTo("chan receive");
      assertThat(member.waitingOn()).isEqualTo(gate.toString());
    } finally {
      gate.close();
    }
    waiter.join();
  }

  @Test
  void errGroupGoAtItsLimitIsChanSend() throws Exception {
    ErrGroup group = new ErrGroup();
    group.setLimit(1);
    Channel<Void> gate = Channel.make();
    group.go(() -> gate.receive());
    Spawned starter = Spawned.go(() -> group.go(() -> {}));
    try {
      // The limit is a buffered channel of tokens, full: the starter waits to send one.
      assertParked(starter, "chan send", "chan[1/1]@");
    } finally {
      gate.close();
    }
    starter.join();
    group.await();
  }
}
