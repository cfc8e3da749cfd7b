package dev.runnel.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cron parsing, matching, the day-of-month/day-of-week rule and daylight saving. */
class CronExpressionTest {

  private static List<LocalDateTime> nextN(String expr, String from, int n) {
    CronExpression c = CronExpression.parse(expr);
    List<LocalDateTime> out = new ArrayList<>();
    LocalDateTime t = LocalDateTime.parse(from);
    for (int i = 0; i < n; i++) {
      t = c.nextLocal(t);
      out.add(t);
    }
    return out;
  }

  private static List<LocalDateTime> times(String... s) {
    return java.util.Arrays.stream(s).map(LocalDateTime::parse).toList();
  }

  @Test
  void stepsRangesAndListsSelectTheirValues() {
    assertThat(nextN("*/20 * * * *", "2024-01-01T00:00", 3))
        .isEqualTo(times("2024-01-01T00:20", "2024-01-01T00:40", "2024-01-01T01:00"));
    assertThat(nextN("10-50/20 3 * * *", "2024-01-01T00:00", 4))
        .isEqualTo(
            times("2024-01-01T03:10", "2024-01-01T03:30", "2024-01-01T03:50", "2024-01-02T03:10"));
    assertThat(nextN("5/20 0 * * *", "2024-01-01T00:00", 3))
        .isEqualTo(times("2024-01-01T00:05", "2024-01-01T00:25", "2024-01-01T00:45"));
    assertThat(nextN("0 1,13,22 * * *", "2024-01-01T12:00", 3))
        .isEqualTo(times("2024-01-01T13:00", "2024-01-01T22:00", "2024-01-02T01:00"));
  }

  @Test
  void theSearchIsStrictlyAfterAndIgnoresSeconds() {
    CronExpression c = CronExpression.parse("30 9 * * *");
    assertThat(c.nextLocal(LocalDateTime.parse("2024-01-01T09:30")))
        .isEqualTo(LocalDateTime.parse("2024-01-02T09:30"));
    assertThat(c.nextLocal(LocalDateTime.parse("2024-01-01T09:29:59.5")))
        .isEqualTo(LocalDateTime.parse("2024-01-01T09:30"));
    assertThat(c.matches(LocalDateTime.parse("2024-01-01T09:30:42"))).isTrue();
    assertThat(c.matches(LocalDateTime.parse("2024-01-01T09:31"))).isFalse();
  }

  @Test
  void namesAreCaseInsensitiveAndSevenIsSunday() {
    // 2024-01-06 is a Saturday
    assertThat(nextN("0 12 * * mon-Fri", "2024-01-06T00:00", 2))
        .isEqualTo(times("2024-01-08T12:00", "2024-01-09T12:00"));
    assertThat(nextN("0 0 * * 7", "2024-01-01T00:00", 1)).isEqualTo(times("2024-01-07T00:00"));
    assertThat(nextN("0 0 * * SUN", "2024-01-01T00:00", 1)).isEqualTo(times("2024-01-07T00:00"));
    assertThat(nextN("0 0 1 jun,DEC *", "2024-01-01T00:00", 2))
        .isEqualTo(times("2024-06-01T00:00", "2024-12-01T00:00"));
  }

  @Test
  void macrosStandForTheirExpressions() {
    assertThat(nextN("@hourly", "2024-01-01T10:10", 1)).isEqualTo(times("2024-01-01T11:00"));
    assertThat(nextN("@daily", "2024-01-01T10:10", 1)).isEqualTo(times("2024-01-02T00:00"));
    assertThat(nextN("@midnight", "2024-01-01T10:10", 1)).isEqualTo(times("2024-01-02T00:00"));
    assertThat(nextN("@weekly", "2024-01-01T10:10", 1)).isEqualTo(times("2024-01-07T00:00"));
    assertThat(nextN("@monthly", "2024-01-01T10:10", 1)).isEqualTo(times("2024-02-01T00:00"));
    assertThat(nextN("@yearly", "2024-01-01T10:10", 1)).isEqualTo(times("2025-01-01T00:00"));
    assertThat(nextN("@annually", "2024-01-01T10:10", 1)).isEqualTo(times("2025-01-01T00:00"));
  }

  @Test
  void bothDayFieldsRestrictedMeansEitherMatches() {
    // Vixie cron: 13th of the month OR Friday. 2024-09-13 is a Friday; 2024-09-06 is a Friday.
    assertThat(nextN("0 0 13 * FRI", "2024-09-01T00:00", 4))
        .isEqualTo(
            times("2024-09-06T00:00", "2024-09-13T00:00", "2024-09-20T00:00", "2024-09-27T00:00"));
    assertThat(nextN("0 0 13 * FRI", "2024-09-27T00:00", 2))
        .isEqualTo(times("2024-10-04T00:00", "2024-10-11T00:00"));
    assertThat(nextN("0 0 13 * FRI", "2024-10-11T00:00", 1)).isEqualTo(times("2024-10-13T00:00"));
  }

  @Test
  void aDayFieldStartingWithStarMeansBothMustMatch() {
    // */2 = odd days; AND Friday: 2024-09-13, then 2024-09-27
    assertThat(nextN("0 0 */2 * FRI", "2024-09-01T00:00", 2))
        .isEqualTo(times("2024-09-13T00:00", "2024-09-27T00:00"));
    assertThat(nextN("0 0 13 * *", "2024-09-01T00:00", 2))
        .isEqualTo(times("2024-09-13T00:00", "2024-10-13T00:00"));
  }

  @Test
  void theSearchCrossesMonthsYearsAndLeapDays() {
    assertThat(nextN("0 0 31 * *", "2024-01-31T00:00", 2))
        .isEqualTo(times("2024-03-31T00:00", "2024-05-31T00:00"));
    assertThat(nextN("0 0 29 2 *", "2024-03-01T00:00", 2))
        .isEqualTo(times("2028-02-29T00:00", "2032-02-29T00:00"));
    assertThat(nextN("59 23 31 12 *", "2024-12-31T23:59", 1)).isEqualTo(times("2025-12-31T23:59"));
  }

  @Test
  void malformedExpressionsNameTheFieldAndToken() {
    assertBad("* * * *", "expected 5 fields");
    assertBad("", "expected 5 fields");
    assertBad("* * * * * *", "found 6");
    assertBad("60 * * * *", "minute field '60'");
    assertBad("* 24 * * *", "hour field '24'");
    assertBad("* * 0 * *", "day-of-month field '0'");
    assertBad("* * * 13 *", "month field '13'");
    assertBad("* * * * 8", "day-of-week field '8'");
    assertBad("* * * FOO *", "month field 'FOO'");
    assertBad("* * * * MON-XYZ", "day-of-week field 'MON-XYZ'");
    assertBad("*/0 * * * *", "minute field '*/0'");
    assertBad("30-10 * * * *", "range start after its end");
    assertBad("1,,2 * * * *", "empty list item");
    assertBad("a * * * *", "minute field 'a'");
    assertBad("-5 * * * *", "minute field '-5'");
    assertBad("*/x * * * *", "minute field '*/x'");
    assertBad("@sometimes", "unknown macro '@sometimes'");
    assertBad("0 0 30 FEB *", "day-of-month '30' never occurs in month 'FEB'");
    assertBad("0 0 31 4,6 *", "never occurs");
    assertThatThrownBy(() -> CronExpression.parse(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aDayThatOnlyOccursInSomeMonthsIsAccepted() {
    LocalDateTime newYear = LocalDateTime.parse("2024-01-01T00:00");
    assertThat(CronExpression.parse("0 0 31 4,5 *").nextLocal(newYear))
        .isEqualTo(LocalDateTime.parse("2024-05-31T00:00"));
    // with a restricted day of week the OR rule makes any such day reachable
    assertThat(CronExpression.parse("0 0 30 2 MON").nextLocal(newYear))
        .isEqualTo(LocalDateTime.parse("2024-02-05T00:00"));
  }

  private static void assertBad(String expr, String message) {
    assertThatThrownBy(() -> CronExpression.parse(expr))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aTimeInTheSpringGapRunsAtTheFirstInstantAfterIt() {
    // Paris, 2024-03-31: 02:00 CET becomes 03:00 CEST (01:00Z)
    CronExpression c = CronExpression.parse("30 2 * * *");
    ZonedDateTime from = ZonedDateTime.parse("2024-03-31T00:00+01:00[Europe/Paris]");
    ZonedDateTime run = c.next(from);
    assertThat(run.toInstant()).isEqualTo(java.time.Instant.parse("2024-03-31T01:00:00Z"));
    assertThat(run.toLocalDateTime()).isEqualTo(LocalDateTime.parse("2024-03-31T03:00"));
    assertThat(c.next(run).toLocalDateTime()).isEqualTo(LocalDateTime.parse("2024-04-01T02:30"));
  }

  @Test
  void severalTimesInTheGapCollapseIntoOneRun() {
    CronExpression c = CronExpression.parse("*/20 * * * *");
    ZonedDateTime t = ZonedDateTime.parse("2024-03-31T01:40+01:00[Europe/Paris]");
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      t = c.next(t);
      runs.add(t.toOffsetDateTime().toString());
    }
    // 02:00, 02:20 and 02:40 do not exist: one run at 03:00 (which also matches), then 03:20
    assertThat(runs)
        .containsExactly(
            "2024-03-31T03:00+02:00", "2024-03-31T03:20+02:00", "2024-03-31T03:40+02:00");
  }

  @Test
  void aTimeRepeatedInTheAutumnOverlapRunsOnce() {
    // Paris, 2024-10-27: 03:00 CEST becomes 02:00 CET; 02:00-02:59 happens twice
    CronExpression c = CronExpression.parse("30 2 * * *");
    ZonedDateTime run = c.next(ZonedDateTime.parse("2024-10-27T00:00+02:00[Europe/Paris]"));
    assertThat(run.toOffsetDateTime().toString()).isEqualTo("2024-10-27T02:30+02:00");
    assertThat(c.next(run).toOffsetDateTime().toString()).isEqualTo("2024-10-28T02:30+01:00");
  }

  @Test
  void anHourlyExpressionSkipsTheRepeatedHour() {
    CronExpression c = CronExpression.parse("0 * * * *");
    ZonedDateTime t = ZonedDateTime.parse("2024-10-27T01:30+02:00[Europe/Paris]");
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      t = c.next(t);
      runs.add(t.toOffsetDateTime().toString());
    }
    assertThat(runs)
        .containsExactly(
            "2024-10-27T02:00+02:00", "2024-10-27T03:00+01:00", "2024-10-27T04:00+01:00");
  }

  @Test
  void aSearchStartingInTheSecondOccurrenceRunsThere() {
    CronExpression c = CronExpression.parse("30 2 * * *");
    ZonedDateTime from = ZonedDateTime.parse("2024-10-27T02:10+01:00[Europe/Paris]");
    assertThat(c.next(from).toOffsetDateTime().toString()).isEqualTo("2024-10-27T02:30+01:00");
    ZonedDateTime afterFirst = ZonedDateTime.parse("2024-10-27T02:40+02:00[Europe/Paris]");
    assertThat(c.next(afterFirst).toOffsetDateTime().toString())
        .isEqualTo("2024-10-28T02:30+01:00");
  }

  @Test
  void equalityAndTextFollowTheSource() {
    assertThat(CronExpression.parse("0 0 * * *")).isEqualTo(CronExpression.parse("0 0 * * *"));
    assertThat(CronExpression.parse("0 0 * * *").toString()).isEqualTo("0 0 * * *");
    CronExpression spaced = CronExpression.parse(" 0   0 * * * ");
    assertThat(spaced.nextLocal(LocalDateTime.parse("2024-01-01T01:00")))
        .isEqualTo(LocalDateTime.parse("2024-01-02T00:00"));
  }
}
