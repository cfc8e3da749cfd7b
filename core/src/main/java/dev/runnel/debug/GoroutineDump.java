package dev.runnel.debug;

import dev.runnel.internal.Goroutines;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What every goroutine is doing: Go's goroutine traceback for Runnel, as text ({@link
 * #toString()}), records ({@link #goroutines()}) and JSON ({@link #toJson()}).
 *
 * <p>{@link #take()} covers every goroutine started by Runnel ({@code Go.go}, {@code WaitGroup.go},
 * {@code ErrGroup.go}, timer callbacks) that has not returned, in id order. The text is one block
 * per goroutine, separated by blank lines, in the shape of Go's traceback:
 *
 * <pre>
 * goroutine 7 [chan receive, 3 minutes]:
 * 	waiting on chan[0/0]@1b6d3586
 * 	at dev.runnel.Channel.receive(Channel.java:128)
 * 	at com.example.Worker.run(Worker.java:42)
 * created in goroutine 1
 * 	at com.example.Main.main(Main.java:12)
 * </pre>
 *
 * The state is Go's wait reason (see {@link GoroutineInfo#state()}); the time in that state is
 * printed from one second on, and as Go prints it ({@code N minutes}) from one minute on; the
 * creation stack only while {@link #recordCreationStacks} is on.
 *
 * <p>A dump does not stop the program: each goroutine is read on its own, as {@code jstack} reads
 * threads, so goroutines that move while it is taken may appear in states that never coexisted.
 * A program that takes no dump pays only for the registry of live goroutines (a link in and out
 * of a striped list at each start and end): a blocked goroutine's wait reason, the object it waits
 * on and when it parked are its park blocker's, which Runnel sets anyway.
 */
public final class GoroutineDump {

  private static final Runnable NOTHING = () -> {};

  private final Instant takenAt;
  private final List<GoroutineInfo> goroutines;

  private GoroutineDump(Instant takenAt, List<GoroutineInfo> goroutines) {
    this.takenAt = takenAt;
    this.goroutines = List.copyOf(goroutines);
  }

  /**
   * Reads every live goroutine.
   *
   * @return the dump, goroutines in id order
   */
  public static GoroutineDump take() {
    return takeStartedAfter(0);
  }

  /**
   * Reads the goroutines started after the one with id {@code id} that are still alive, without
   * reading the others: what a leak check needs.
   *
   * @param id a value of {@link #lastGoroutineId()}
   * @return the dump, goroutines in id order
   */
  public static GoroutineDump takeStartedAfter(long id) {
    List<GoroutineInfo> all = new ArrayList<>();
    for (Goroutines.Goroutine g : Goroutines.all()) {
      if (g.id() > id && g.thread().isAlive()) {
        all.add(ThreadInspector.inspect(g));
      }
    }
    all.sort(Comparator.comparingLong(GoroutineInfo::id));
    return new GoroutineDump(Instant.now(), all);
  }

  /**
   * Reads, beside the goroutines started after the one with id {@code goroutineId}, the virtual
   * threads that Runnel did not start ({@code Thread.ofVirtual()}, a virtual-thread-per-task
   * executor) created after the thread with id {@code threadId}: what a leak check that covers
   * every virtual thread needs. Those threads are listed by no public API; they are read from the
   * JDK's thread dump ({@code HotSpotDiagnosticMXBean.dumpThreads}, a few milliseconds), which
   * gives their name and stack but not what they wait on: their entries have id -1, the state
   * {@code running}, {@code sleep} or {@code waiting}, and their stack as the JDK printed it
   * (trimmed as for goroutines). Without the {@code jdk.management} module they cannot be read,
   * and only goroutines are returned.
   *
   * @param goroutineId a value of {@link #lastGoroutineId()}
   * @param threadId a value of {@link #lastThreadId()}
   * @return the dump: goroutines in id order, then the other virtual threads in creation order
   */
  public static GoroutineDump takeStartedAfter(long goroutineId, long threadId) {
    List<GoroutineInfo> all = new ArrayList<>(takeStartedAfter(goroutineId).goroutines);
    all.addAll(VirtualThreadCensus.createdAfter(threadId));
    return new GoroutineDump(Instant.now(), all);
  }

  /**
   * The id of the thread created last, of any kind ({@link Thread#threadId()}): the JDK numbers
   * threads in creation order, so threads created after this call have larger ids. The mark for
   * {@link #takeStartedAfter(long, long)}.
   *
   * @return the id of a thread created now and never started
   */
  public static long lastThreadId() {
    return Thread.ofVirtual().unstarted(NOTHING).threadId();
  }

  /**
   * The id of the goroutine started last. Ids count up from 1 in start order, so goroutines
   * started after this call have larger ids.
   *
   * @return the last id given, 0 if no goroutine was started yet
   */
  public static long lastGoroutineId() {
    return Goroutines.lastId();
  }

  /**
   * How many goroutines started after the one with id {@code id} are still alive; cheap, reads no
   * stacks.
   *
   * @param id a value of {@link #lastGoroutineId()}
   * @return the count
   */
  public static int countStartedAfter(long id) {
    int n = 0;
    for (Goroutines.Goroutine g : Goroutines.all()) {
      if (g.id() > id) {
        n++;
      }
    }
    return n;
  }

  /** A dump of the given entries, for detectors that add threads. */
  static GoroutineDump of(List<GoroutineInfo> goroutines) {
    return new GoroutineDump(Instant.now(), goroutines);
  }

  /**
   * Turns the recording of creation stacks on or off, for goroutines started from now on. Off by
   * default, as it costs a stack walk per goroutine started (see BENCHMARKS.md); the system
   * property {@code dev.runnel.creationStacks=true} turns it on at startup.
   *
   * @param on whether to record the stack of each {@code Go.go} call
   */
  public static void recordCreationStacks(boolean on) {
    Goroutines.recordCreationStacks(on);
  }

  /**
   * Whether creation stacks are recorded.
   *
   * @return true if on
   */
  public static boolean recordsCreationStacks() {
    return Goroutines.recordsCreationStacks();
  }

  /**
   * The goroutines.
   *
   * @return the goroutines in id order, unmodifiable
   */
  public List<GoroutineInfo> goroutines() {
    return goroutines;
  }

  /**
   * When the dump was taken.
   *
   * @return the wall-clock time
   */
  public Instant takenAt() {
    return takenAt;
  }

  /**
   * The goroutines that {@code filter} accepts.
   *
   * @param filter which goroutines to keep
   * @return a dump of those, with the same time
   */
  public GoroutineDump filter(Predicate<? super GoroutineInfo> filter) {
    Objects.requireNonNull(filter, "filter");
    return new GoroutineDump(takenAt, goroutines.stream().filter(filter).toList());
  }

  /**
   * The dump as text in Go's traceback shape, blocks separated by blank lines.
   *
   * @return the text; empty if there are no goroutines
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (GoroutineInfo g : goroutines) {
      sb.append(sb.isEmpty() ? "" : "\n").append(g);
    }
    return sb.toString();
  }

  /**
   * The dump as JSON, for tools: {@code {"takenAt": "...", "goroutines": [{"id": 7, "name":
   * "goroutine-7", "state": "chan receive", "waitingNanos": 1200000, "waitingOn":
   * "chan[0/0]@1b6d3586", "createdBy": "main", "creationStack": [...], "stack":
   * ["dev.runnel.Channel.receive(Channel.java:128)", ...]}]}}; {@code waitingOn} is null when
   * there is nothing to name.
   *
   * @return the JSON text
   */
  public String toJson() {
    StringBuilder sb = new StringBuilder("{\"takenAt\":").append(quote(takenAt.toString()));
    sb.append(",\"goroutines\":[");
    for (int i = 0; i < goroutines.size(); i++) {
      GoroutineInfo g = goroutines.get(i);
      sb.append(i == 0 ? "{" : ",{")
          .append("\"id\":").append(g.id())
          .append(",\"name\":").append(quote(g.name()))
          .append(",\"state\":").append(quote(g.state()))
          .append(",\"waitingNanos\":").append(nanos(g.waiting()))
          .append(",\"waitingOn\":").append(quote(g.waitingOn()))
          .append(",\"createdBy\":").append(quote(g.createdBy()))
          .append(",\"creationStack\":");
      frames(sb, g.creationStack());
      sb.append(",\"stack\":");
      frames(sb, g.stack());
      sb.append('}');
    }
    return sb.append("]}").toString();
  }

  private static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException overflow) {
      return Long.MAX_VALUE;
    }
  }

  private static void frames(StringBuilder sb, List<StackTraceElement> frames) {
    sb.append('[');
    for (int i = 0; i < frames.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(quote(frames.get(i).toString()));
    }
    sb.append(']');
  }

  /** A JSON string literal, or {@code null}. */
  static String quote(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
