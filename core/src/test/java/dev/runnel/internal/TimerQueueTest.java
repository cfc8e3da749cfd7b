package dev.runnel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link TimerQueue}: the 4-ary heap checked against a sequential model. */
@Timeout(120)
class TimerQueueTest {

  /** A task that records its firings in a shared log. */
  private static final class Task extends TimerTask {
    final int id;
    final List<long[]> fired; // {id, now}

    Task(int id, List<long[]> fired) {
      this.id = id;
      this.fired = fired;
    }

    @Override
    public void fire(long now) {
      fired.add(new long[] {id, now});
    }

    @Override
    public String toString() {
      return "task" + id;
    }
  }

  /** Model key: deadline relative to the base (no wrap-around in the model), then seq. */
  private record Key(long when, long seq) {}

  private static final Comparator<Key> ORDER =
      Comparator.comparingLong(Key::when).thenComparingLong(Key::seq);

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 20240601})
  void randomOperationsMatchASequentialModel(long seed) {
    // Deadlines straddle Long.MAX_VALUE: the queue compares by difference, so it must cope
    // with nanoTime values that wrap.
    long base = Long.MAX_VALUE - 50_000;
    Random rnd = new Random(seed);
    List<long[]> fired = new ArrayList<>();
    List<Boolean> earliestReports = new ArrayList<>();
    TimerQueue q = new TimerQueue(earliestReports::add);

    int nTasks = 300;
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < nTasks; i++) {
      tasks.add(new Task(i, fired));
    }
    TreeMap<Key, Task> model = new TreeMap<>(ORDER);
    Map<Task, Key> keys = new HashMap<>();
    long seq = 0;
    long now = 0; // relative to base

    for (int step = 0; step < 200_000; step++) {
      String where = "seed " + seed + " step " + step;
      Task t = tasks.get(rnd.nextInt(nTasks));
      int op = rnd.nextInt(10);
      if (op < 5) { // schedule or reschedule, sometimes in the past
        long when = now - 100 + rnd.nextInt(100_000);
        Key old = keys.get(t);
        boolean wasQueued = q.schedule(t, base + when);
        assertThat(wasQueued).as(where + " schedule's return").isEqualTo(old != null);
        if (old != null) {
          model.remove(old);
        }
        Key k = new Key(when, seq++);
        model.put(k, t);
        keys.put(t, k);
        assertThat(earliestReports.removeLast())
            .as(where + " listener's earliest flag")
            .isEqualTo(model.firstEntry().getValue() == t);
        assertThat(earliestReports).isEmpty();
      } else if (op < 7) { // cancel
        Key old = keys.remove(t);
        assertThat(q.cancel(t)).as(where + " cancel's return").isEqualTo(old != null);
        if (old != null) {
          model.remove(old);
        }
      } else { // time passes, then one runDue
        now += rnd.nextInt(3_000);
        var first = model.firstEntry();
        Task expected = first != null && first.getKey().when() <= now ? first.getValue() : null;
        boolean ran = q.runDue(base + now);
        assertThat(ran).as(where + " runDue's return").isEqualTo(expected != null);
        if (expected != null) {
          assertThat(fired).as(where + " fired").hasSize(1);
          assertThat(fired.get(0)[0]).as(where + " fired task").isEqualTo(expected.id);
          assertThat(fired.get(0)[1]).as(where + " fire's now").isEqualTo(base + now);
          model.remove(keys.remove(expected));
        } else {
          assertThat(fired).as(where + " nothing fires").isEmpty();
        }
        fired.clear();
      }
      assertThat(q.size()).as(where + " size").isEqualTo(model.size());
      long ifEmpty = 12345;
      long expectedEarliest = model.isEmpty() ? ifEmpty : base + model.firstKey().when();
      assertThat(q.earliest(ifEmpty)).as(where + " earliest").isEqualTo(expectedEarliest);
    }

    // drain: everything left fires in (deadline, scheduling order) order, exactly once
    List<Integer> expectedOrder = new ArrayList<>();
    for (Task t : model.values()) {
      expectedOrder.add(t.id);
    }
    now = model.isEmpty() ? now : model.lastKey().when();
    while (q.runDue(base + now)) {
      // keep draining
    }
    assertThat(fired.stream().map(f -> (int) f[0]).toList()).isEqualTo(expectedOrder);
    assertThat(q.size()).isZero();
  }

  @Test
  void equalDeadlinesFireInSchedulingOrderAndRescheduleGoesToTheBack() {
    List<long[]> fired = new ArrayList<>();
    TimerQueue q = new TimerQueue(e -> {});
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Task t = new Task(i, fired);
      tasks.add(t);
      q.schedule(t, 100);
    }
    // rescheduling to the same deadline is a new scheduling: it moves behind the others
    q.schedule(tasks.get(0), 100);
    q.schedule(tasks.get(10), 100);
    while (q.runDue(100)) {
      // drain
    }
    List<Integer> expected = new ArrayList<>();
    for (int i = 1; i < 50; i++) {
      if (i != 10) {
        expected.add(i);
      }
    }
    expected.add(0);
    expected.add(10);
    assertThat(fired.stream().map(f -> (int) f[0]).toList()).isEqualTo(expected);
  }

  @Test
  void cancelledTaskNeverFiresAndCanBeScheduledAgain() {
    List<long[]> fired = new ArrayList<>();
    TimerQueue q = new TimerQueue(e -> {});
    Task a = new Task(1, fired);
    Task b = new Task(2, fired);
    assertThat(q.schedule(a, 10)).isFalse();
    assertThat(q.schedule(b, 20)).isFalse();
    assertThat(q.cancel(a)).isTrue();
    assertThat(q.cancel(a)).isFalse();
    assertThat(q.runDue(15)).isFalse();
    assertThat(q.runDue(25)).isTrue();
    assertThat(q.cancel(b)).as("already fired").isFalse();
    assertThat(fired).hasSize(1);
    assertThat(fired.get(0)[0]).isEqualTo(2);
    assertThat(q.schedule(a, 30)).isFalse();
    assertThat(q.runDue(30)).isTrue();
    assertThat(fired.get(1)[0]).isEqualTo(1);
    assertThat(q.size()).isZero();
    assertThat(q.earliest(-7)).isEqualTo(-7);
  }

  @Test
  void rescheduleMovesATaskEarlierOrLater() {
    List<long[]> fired = new ArrayList<>();
    TimerQueue q = new TimerQueue(e -> {});
    Task a = new Task(1, fired);
    Task b = new Task(2, fired);
    q.schedule(a, 10);
    q.schedule(b, 20);
    assertThat(q.schedule(a, 30)).as("was queued").isTrue();
    assertThat(q.size()).isEqualTo(2);
    assertThat(q.earliest(0)).isEqualTo(20);
    assertThat(q.runDue(25)).isTrue();
    assertThat(q.runDue(25)).isFalse();
    assertThat(q.schedule(a, 5)).isTrue();
    assertThat(q.runDue(25)).isTrue();
    assertThat(fired.stream().map(f -> (int) f[0]).toList()).containsExactly(2, 1);
  }

  @Test
  void aThrowingTaskIsReportedAndTheQueueGoesOn() {
    List<long[]> fired = new ArrayList<>();
    TimerQueue q = new TimerQueue(e -> {});
    TimerTask boom =
        new TimerTask() {
          @Override
          public void fire(long now) {
            throw new IllegalStateException("boom");
          }
        };
    q.schedule(boom, 1);
    q.schedule(new Task(7, fired), 2);
    List<Throwable> reported = new ArrayList<>();
    Thread current = Thread.currentThread();
    Thread.UncaughtExceptionHandler saved = current.getUncaughtExceptionHandler();
    current.setUncaughtExceptionHandler((t, e) -> reported.add(e));
    try {
      assertThat(q.runDue(5)).isTrue();
      assertThat(q.runDue(5)).isTrue();
    } finally {
      current.setUncaughtExceptionHandler(saved);
    }
    assertThat(reported).singleElement().satisfies(e -> assertThat(e).hasMessage("boom"));
    assertThat(fired).hasSize(1);
    assertThat(q.size()).isZero();
  }

  @Test
  void listenerIsToldWhetherTheScheduledTaskIsNowTheEarliest() {
    List<Boolean> reports = new ArrayList<>();
    TimerQueue q = new TimerQueue(reports::add);
    List<long[]> fired = new ArrayList<>();
    Task a = new Task(1, fired);
    Task b = new Task(2, fired);
    Task c = new Task(3, fired);
    q.schedule(a, 100); // the only one: earliest
    q.schedule(b, 200); // later
    q.schedule(c, 50); // earlier
    q.schedule(b, 10); // rescheduled to the front
    q.schedule(b, 300); // rescheduled to the back
    assertThat(reports).containsExactly(true, false, true, true, false);
  }

  @Test
  void aMillionTimersScheduledThenCancelledLeaveNothing() {
    int n = 1_000_000;
    TimerQueue q = new TimerQueue(e -> {});
    List<long[]> fired = new ArrayList<>();
    Random rnd = new Random(7);
    List<Task> tasks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Task t = new Task(i, fired);
      tasks.add(t);
      assertThat(q.schedule(t, rnd.nextInt(1_000_000_000))).isFalse();
    }
    assertThat(q.size()).isEqualTo(n);
    Collections.shuffle(tasks, rnd);
    int notQueued = 0;
    for (Task t : tasks) {
      if (!q.cancel(t)) {
        notQueued++;
      }
    }
    assertThat(notQueued).isZero();
    assertThat(q.size()).isZero();
    assertThat(q.runDue(Long.MAX_VALUE >> 1)).isFalse();
    assertThat(fired).isEmpty();
    assertThat(q.cancel(tasks.get(0))).isFalse();
  }

  @Test
  void manyTimersDrainInDeadlineOrder() {
    int n = 200_000;
    TimerQueue q = new TimerQueue(e -> {});
    List<long[]> fired = new ArrayList<>(n);
    Random rnd = new Random(11);
    long[] whenOf = new long[n];
    for (int i = 0; i < n; i++) {
      whenOf[i] = rnd.nextInt(10_000); // many equal deadlines
      q.schedule(new Task(i, fired), whenOf[i]);
    }
    while (q.runDue(10_000)) {
      // drain
    }
    assertThat(fired).hasSize(n);
    for (int k = 1; k < n; k++) {
      int prev = (int) fired.get(k - 1)[0];
      int cur = (int) fired.get(k)[0];
      boolean inOrder = whenOf[prev] < whenOf[cur] || (whenOf[prev] == whenOf[cur] && prev < cur);
      if (!inOrder) {
        throw new AssertionError("out of order at " + k + ": task" + prev + " then task" + cur);
      }
    }
  }
}
