package dev.runnel.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link GoroutineInfo} as a value: its Go-traceback text, its checks, and its stack queries. */
@Timeout(30)
class GoroutineInfoFormatTest {

  private static final StackTraceElement RECEIVE =
      new StackTraceElement("dev.runnel.Channel", "receive", "Channel.java", 128);
  private static final StackTraceElement WORKER =
      new StackTraceElement("com.example.Worker", "run", "Worker.java", 42);
  private static final StackTraceElement MAIN =
      new StackTraceElement("com.example.Main", "main", "Main.java", 12);

  private static GoroutineInfo waitingFor(Duration d) {
    return new GoroutineInfo(7, "goroutine-7", "chan receive", d, null, "main", List.of(), List.of());
  }

  private static String header(Duration d) {
    String text = waitingFor(d).toString();
    return text.substring(0, text.indexOf('\n'));
  }

  @ParameterizedTest(name = "{0} ms -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0       | goroutine 7 [chan receive]:",
        "999     | goroutine 7 [chan receive]:",
        "1000    | goroutine 7 [chan receive, 1 second]:",
        "1999    | goroutine 7 [chan receive, 1 second]:",
        "2000    | goroutine 7 [chan receive, 2 seconds]:",
        "5000    | goroutine 7 [chan receive, 5 seconds]:",
        "59999   | goroutine 7 [chan receive, 59 seconds]:",
        "60000   | goroutine 7 [chan receive, 1 minutes]:", // Go's own plural
        "119999  | goroutine 7 [chan receive, 1 minutes]:",
        "120000  | goroutine 7 [chan receive, 2 minutes]:",
        "190000  | goroutine 7 [chan receive, 3 minutes]:",
        "7200000 | goroutine 7 [chan receive, 120 minutes]:",
      })
  void timeInStateIsPrintedAsGoDoesFromOneSecondOn(long millis, String expected) {
    assertThat(header(Duration.ofMillis(millis))).isEqualTo(expected);
  }

  @Test
  void theJavadocExampleIsWhatAGoroutinePrints() {
    GoroutineInfo info =
        new GoroutineInfo(
            7,
            "goroutine-7",
            "chan receive",
            Duration.ofMinutes(3).plusSeconds(10),
            "chan[0/0]@1b6d3586",
            "goroutine-1",
            List.of(MAIN),
            List.of(RECEIVE, WORKER));
    assertThat(info.toString())
        .isEqualTo(
            """
            goroutine 7 [chan receive, 3 minutes]:
            \twaiting on chan[0/0]@1b6d3586
            \tat dev.runnel.Channel.receive(Channel.java:128)
            \tat com.example.Worker.run(Worker.java:42)
            created in goroutine 1
            \tat com.example.Main.main(Main.java:12)
            """);
  }

  @Test
  void withoutWaitingOnOrCreationStackThoseLinesAreLeftOut() {
    GoroutineInfo info =
        new GoroutineInfo(
            9, "goroutine-9", "running", Duration.ZERO, null, "main", List.of(), List.of(WORKER));
    assertThat(info.toString())
        .isEqualTo(
            "goroutine 9 [running]:\n\tat com.example.Worker.run(Worker.java:42)\n"
                + "created in thread \"main\"\n");
  }

  @Test
  void aCreatorThatIsNotAGoroutineIsNamedAsAThread() {
    for (String creator : List.of("main", "goroutine-", "goroutine-x", "worker goroutine-3")) {
      GoroutineInfo info =
          new GoroutineInfo(2, "goroutine-2", "sleep", Duration.ZERO, null, creator, List.of(), List.of());
      assertThat(info.toString()).as(creator).endsWith("created in thread \"" + creator + "\"\n");
    }
    GoroutineInfo byGoroutine =
        new GoroutineInfo(
            2, "goroutine-2", "sleep", Duration.ZERO, null, "goroutine-15", List.of(), List.of());
    assertThat(byGoroutine.toString()).endsWith("created in goroutine 15\n");
  }

  @Test
  void aThreadThatIsNotAGoroutineIsNamedAndHasNoCreationLine() {
    GoroutineInfo info =
        new GoroutineInfo(
            -1, "main", "chan receive", Duration.ofSeconds(3), "chan[0/0]@1", "", List.of(MAIN),
            List.of(RECEIVE, MAIN));
    assertThat(info.toString())
        .isEqualTo(
            "thread \"main\" [chan receive, 3 seconds]:\n"
                + "\twaiting on chan[0/0]@1\n"
                + "\tat dev.runnel.Channel.receive(Channel.java:128)\n"
                + "\tat com.example.Main.main(Main.java:12)\n");
  }

  @Test
  void theTextEndsWithANewline() {
    assertThat(waitingFor(Duration.ZERO).toString())
        .isEqualTo("goroutine 7 [chan receive]:\ncreated in thread \"main\"\n");
  }

  @Test
  void componentsAreCheckedAndListsCopied() {
    List<StackTraceElement> stack = new ArrayList<>(List.of(RECEIVE));
    List<StackTraceElement> creation = new ArrayList<>(List.of(MAIN));
    GoroutineInfo info =
        new GoroutineInfo(1, "goroutine-1", "select", Duration.ZERO, null, "main", creation, stack);
    stack.add(WORKER);
    creation.clear();
    assertThat(info.stack()).containsExactly(RECEIVE);
    assertThat(info.creationStack()).containsExactly(MAIN);
    assertThatThrownBy(() -> info.stack().add(WORKER))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(
            () -> new GoroutineInfo(1, null, "s", Duration.ZERO, null, "m", List.of(), List.of()))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(
            () -> new GoroutineInfo(1, "n", null, Duration.ZERO, null, "m", List.of(), List.of()))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new GoroutineInfo(1, "n", "s", null, null, "m", List.of(), List.of()))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(
            () -> new GoroutineInfo(1, "n", "s", Duration.ZERO, null, null, List.of(), List.of()))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(
            () -> new GoroutineInfo(1, "n", "s", Duration.ZERO, null, "m", null, List.of()))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(
            () -> new GoroutineInfo(1, "n", "s", Duration.ZERO, null, "m", List.of(), null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void topFunctionIsTheInnermostClassAndMethod() {
    GoroutineInfo info =
        new GoroutineInfo(
            1, "goroutine-1", "chan receive", Duration.ZERO, null, "main", List.of(),
            List.of(RECEIVE, WORKER));
    assertThat(info.topFunction()).isEqualTo("dev.runnel.Channel.receive");
    assertThat(waitingFor(Duration.ZERO).topFunction()).isEmpty();
  }

  @Test
  void stackContainsMatchesAMethodAClassOrAPackage() {
    GoroutineInfo info =
        new GoroutineInfo(
            1, "goroutine-1", "chan receive", Duration.ZERO, null, "main", List.of(),
            List.of(RECEIVE, WORKER));
    assertThat(info.stackContains("com.example.Worker.run")).isTrue();
    assertThat(info.stackContains("com.example.Worker")).isTrue();
    assertThat(info.stackContains("com.example.")).isTrue();
    assertThat(info.stackContains("com.example")).isTrue();
    assertThat(info.stackContains("dev.runnel.Channel.receive")).isTrue();
    // A name must end at a dot: no partial class or method names.
    assertThat(info.stackContains("com.example.Work")).isFalse();
    assertThat(info.stackContains("com.example.Worker.ru")).isFalse();
    assertThat(info.stackContains("com.exam")).isFalse();
    assertThat(info.stackContains("com.example.Main")).isFalse();
    assertThat(info.stackContains("com.example.Worker.run.")).isFalse();
    assertThat(info.stackContains("")).isFalse();
    assertThat(waitingFor(Duration.ZERO).stackContains("com.")).isFalse();
  }
}
