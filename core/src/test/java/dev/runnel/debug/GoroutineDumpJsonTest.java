package dev.runnel.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link GoroutineDump#toJson()}: valid JSON with every field of every goroutine, safely quoted. */
@Timeout(60)
class GoroutineDumpJsonTest {

  private static final StackTraceElement FRAME =
      new StackTraceElement("com.example.Worker", "run", "Worker.java", 42);

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(String json) {
    return (Map<String, Object>) MiniJson.parse(json);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> goroutines(Map<String, Object> root) {
    return (List<Map<String, Object>>) root.get("goroutines");
  }

  @Test
  void theChecker() {
    // The strict reader used below rejects what a sloppy writer would produce.
    assertThat(MiniJson.parse("{\"a\":[1,-2,\"x\\n\\u0001\",null,true]}"))
        .isEqualTo(Map.of("a", java.util.Arrays.asList(1L, -2L, "x\n\u0001", null, true)));
    for (String bad :
        List.of("{", "{\"a\":1,}", "[1 2]", "\"a\nb\"", "{\"a\":1}x", "{\"a\":1,\"a\":2}", "\"\\x\"")) {
      assertThatThrownBy(() -> MiniJson.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void liveGoroutinesHaveEveryField() throws Exception {
    Channel<Integer> ch = Channel.make(2);
    ch.send(1);
    ch.send(2);
    long mark = GoroutineDump.lastGoroutineId();
    Spawned sender = Spawned.go(() -> ch.send(3));
    SpinFlag flag = new SpinFlag();
    Spawned spinner =
        Spawned.go(
            () -> {
              while (!flag.stop) {
                Thread.onSpinWait();
              }
            });
    try {
      sender.awaitState("chan send");
      spinner.awaitState("running");
      GoroutineDump dump =
          GoroutineDump.takeStartedAfter(mark)
              .filter(g -> g.id() == sender.id() || g.state().equals("running"));
      Map<String, Object> root = parse(dump.toJson());
      assertThat(root.keySet()).containsExactly("takenAt", "goroutines");
      assertThat(Instant.parse((String) root.get("takenAt"))).isEqualTo(dump.takenAt());
      List<Map<String, Object>> gs = goroutines(root);
      assertThat(gs).hasSize(dump.goroutines().size());
      for (int k = 0; k < gs.size(); k++) {
        Map<String, Object> j = gs.get(k);
        GoroutineInfo info = dump.goroutines().get(k);
        assertThat(j.keySet())
            .containsExactly(
                "id", "name", "state", "waitingNanos", "waitingOn", "createdBy", "creationStack",
                "stack");
        assertThat(j.get("id")).isEqualTo(info.id());
        assertThat(j.get("name")).isEqualTo(info.name()).isEqualTo("goroutine-" + info.id());
        assertThat(j.get("state")).isEqualTo(info.state());
        assertThat(j.get("waitingNanos")).isEqualTo(info.waiting().toNanos());
        assertThat(j.get("waitingOn")).isEqualTo(info.waitingOn());
        assertThat(j.get("createdBy")).isEqualTo(Thread.currentThread().getName());
        assertThat(j.get("creationStack")).isEqualTo(List.of());
        assertThat(j.get("stack"))
            .isEqualTo(info.stack().stream().map(StackTraceElement::toString).toList());
      }
      Map<String, Object> s = gs.stream().filter(j -> j.get("id").equals(sender.id())).findFirst()
          .orElseThrow();
      assertThat(s.get("state")).isEqualTo("chan send");
      assertThat((String) s.get("waitingOn")).startsWith("chan[2/2]@");
      assertThat((Long) s.get("waitingNanos")).isNotNegative();
      Map<String, Object> r = gs.stream().filter(j -> j.get("id").equals(spinner.id())).findFirst()
          .orElseThrow();
      assertThat(r.get("state")).isEqualTo("running");
      assertThat(r).containsEntry("waitingOn", null).containsEntry("waitingNanos", 0L);
    } finally {
      flag.stop = true;
      for (int v = 1; v <= 3; v++) {
        ch.receive();
      }
    }
    sender.join();
    spinner.join();
  }

  /** A flag a spinning goroutine reads. */
  private static final class SpinFlag {
    volatile boolean stop;
  }

  @Test
  void aGoroutineWithAnOddNameIsQuoted() throws Exception {
    // A goroutine can rename its thread; the dump prints the thread name.
    String odd = "odd \"name\" \\ with\nnewline\ttab\r\u0001\u001f and é";
    Channel<Integer> ch = Channel.make();
    Spawned g =
        Spawned.go(
            () -> {
              Thread.currentThread().setName(odd);
              ch.receive();
            });
    try {
      g.await("renamed and parked", i -> i.name().equals(odd) && i.state().equals("chan receive"));
      String json = GoroutineDump.takeStartedAfter(g.id() - 1).toJson();
      assertThat(json.chars()).as("no raw control characters").allMatch(c -> c >= 0x20);
      Map<String, Object> j =
          goroutines(parse(json)).stream().filter(m -> m.get("id").equals(g.id())).findFirst()
              .orElseThrow();
      assertThat(j.get("name")).isEqualTo(odd);
      assertThat(json).contains("\\u0001", "\\u001f", "\\n", "\\t", "\\r", "\\\"", "\\\\");
    } finally {
      ch.close();
    }
    g.join();
  }

  @Test
  void everyStringFieldIsQuotedAndNullStaysNull() {
    String nasty = "a\"b\\c\nd\re\tf\u0000g\u0007h\u001fi/j\u007fk\u2028l😀";
    GoroutineInfo info =
        new GoroutineInfo(
            3,
            nasty,
            nasty,
            Duration.ofMillis(1500),
            nasty,
            nasty,
            List.of(new StackTraceElement("a\"b", "m\n", "F\".java", 1)),
            List.of(FRAME));
    GoroutineInfo plain =
        new GoroutineInfo(4, "goroutine-4", "running", Duration.ZERO, null, "main", List.of(), List.of());
    GoroutineDump dump = GoroutineDump.of(List.of(info, plain));
    String json = dump.toJson();
    assertThat(json.chars()).allMatch(c -> c >= 0x20);
    List<Map<String, Object>> gs = goroutines(parse(json));
    Map<String, Object> j = gs.get(0);
    assertThat(j)
        .containsEntry("id", 3L)
        .containsEntry("name", nasty)
        .containsEntry("state", nasty)
        .containsEntry("waitingNanos", 1_500_000_000L)
        .containsEntry("waitingOn", nasty)
        .containsEntry("createdBy", nasty);
    assertThat(j.get("creationStack")).isEqualTo(List.of(info.creationStack().get(0).toString()));
    assertThat(j.get("stack")).isEqualTo(List.of("com.example.Worker.run(Worker.java:42)"));
    assertThat(gs.get(1)).containsEntry("waitingOn", null).containsEntry("waitingNanos", 0L);
    assertThat(json).contains("\"waitingOn\":null");
  }

  @Test
  void quoteEscapesWhatJsonRequires() {
    assertThat(GoroutineDump.quote(null)).isEqualTo("null");
    assertThat(GoroutineDump.quote("")).isEqualTo("\"\"");
    assertThat(GoroutineDump.quote("a\"b")).isEqualTo("\"a\\\"b\"");
    assertThat(GoroutineDump.quote("a\\b")).isEqualTo("\"a\\\\b\"");
    assertThat(GoroutineDump.quote("\n\r\t")).isEqualTo("\"\\n\\r\\t\"");
    assertThat(GoroutineDump.quote("\u0000\u0008\u001f")).isEqualTo("\"\\u0000\\u0008\\u001f\"");
    assertThat(GoroutineDump.quote(" é😀")).isEqualTo("\" é😀\"");
    for (char c = 0; c < 0x80; c++) {
      String s = "x" + c + "y";
      assertThat(MiniJson.parse(GoroutineDump.quote(s))).as("char %d", (int) c).isEqualTo(s);
    }
  }

  @Test
  void aWaitTooLongForNanosIsCappedNotAnError() {
    GoroutineInfo info =
        new GoroutineInfo(
            5, "goroutine-5", "sleep", Duration.ofSeconds(Long.MAX_VALUE), null, "main", List.of(),
            List.of());
    Map<String, Object> j = goroutines(parse(GoroutineDump.of(List.of(info)).toJson())).get(0);
    assertThat(j.get("waitingNanos")).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void anEmptyDumpIsAnEmptyArray() {
    GoroutineDump none = GoroutineDump.of(List.of());
    Map<String, Object> root = parse(none.toJson());
    assertThat(root.get("goroutines")).isEqualTo(List.of());
    assertThat(Instant.parse((String) root.get("takenAt"))).isEqualTo(none.takenAt());
  }
}
