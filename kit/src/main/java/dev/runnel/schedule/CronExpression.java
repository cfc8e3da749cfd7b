package dev.runnel.schedule;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A five-field cron expression, {@code minute hour day-of-month month day-of-week}, and the
 * times it matches: the classic Unix (Vixie) crontab syntax.
 *
 * <table>
 *   <caption>Fields</caption>
 *   <tr><th>field</th><th>values</th><th>names</th></tr>
 *   <tr><td>minute</td><td>0-59</td><td></td></tr>
 *   <tr><td>hour</td><td>0-23</td><td></td></tr>
 *   <tr><td>day-of-month</td><td>1-31</td><td></td></tr>
 *   <tr><td>month</td><td>1-12</td><td>{@code JAN}-{@code DEC}</td></tr>
 *   <tr><td>day-of-week</td><td>0-7 (0 and 7 are Sunday)</td><td>{@code SUN}-{@code SAT}</td></tr>
 * </table>
 *
 * <p>Each field is {@code *} or a comma-separated list of items; an item is a value {@code N}, a
 * range {@code N-M}, or either of those or {@code *} followed by a step {@code /S} ({@code *}/15
 * is 0,15,30,45; {@code 10-50/20} is 10,30,50; {@code 5/20} is 5,25,45, from 5 to the field's
 * maximum). Names are case-insensitive and may appear wherever a number may, in ranges too. The
 * macros {@code @yearly} ({@code @annually}), {@code @monthly}, {@code @weekly}, {@code @daily}
 * ({@code @midnight}) and {@code @hourly} stand for their usual expressions.
 *
 * <p><b>Day-of-month and day-of-week.</b> As in Vixie cron (and POSIX crontab): when both day
 * fields are restricted, a day matches if <em>either</em> matches ({@code 0 0 13 * FRI} runs on
 * every 13th and on every Friday); when either starts with {@code *}, a day must match both. A
 * field counts as unrestricted exactly when its text starts with {@code *}, so {@code *}/2 in the
 * day-of-month field still selects the AND rule, as in Vixie cron.
 *
 * <p><b>Time zones and daylight saving.</b> Fields are matched against the local date-time in a
 * zone ({@link #next(ZonedDateTime)} uses the zone of its argument). When the local clock jumps
 * forward, a local time in the gap runs at the first instant after the gap (the transition), and
 * several such times collapse into that one run; when the local clock falls back, a local time
 * that occurs twice runs once, at its first occurrence (or at its second, when the search starts
 * between the two). So {@code 30 2 * * *} runs every day, and {@code 0 * * * *} skips one hour
 * in the autumn; for uniform intervals, use a zone without daylight saving such as UTC.
 *
 * <p>Every expression this class accepts matches some time: a day-of-month that no selected
 * month has ({@code 0 0 30 FEB *}) is refused when parsed. Instances are immutable and safe to
 * share between goroutines.
 *
 * <p>Go: the standard library has no cron; {@code robfig/cron}'s standard parser accepts the same
 * five fields and applies the same day-of-month/day-of-week rule.
 *
 * {@snippet :
 * CronExpression weekdays = CronExpression.parse("30 9 * * MON-FRI");
 * ZonedDateTime next = weekdays.next(ZonedDateTime.now(ZoneId.of("Europe/Paris")));
 * }
 */
public final class CronExpression {

  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  /** Days searched before giving up: a 28-year calendar cycle, far more than any match needs. */
  private static final int MAX_DAYS = 28 * 366;

  private final String text;
  // Bit n set: value n matches. Days of week use bits 0 (Sunday) to 6.
  private final long minutes;
  private final long hours;
  private final long daysOfMonth;
  private final long months;
  private final long daysOfWeek;
  private final boolean dayOfMonthStar;
  private final boolean dayOfWeekStar;

  private CronExpression(String text, String[] fields) {
    this.text = text;
    minutes = Field.MINUTE.parse(fields[0], text);
    hours = Field.HOUR.parse(fields[1], text);
    daysOfMonth = Field.DAY_OF_MONTH.parse(fields[2], text);
    months = Field.MONTH.parse(fields[3], text);
    long dow = Field.DAY_OF_WEEK.parse(fields[4], text);
    daysOfWeek = (dow | (dow >>> 7)) & 0x7F; // 7 is Sunday too
    dayOfMonthStar = fields[2].startsWith("*");
    dayOfWeekStar = fields[4].startsWith("*");
    if (!dayOfMonthStar && dayOfWeekStar) {
      requireSomeDayOccurs(fields);
    }
  }

  /**
   * Parses a cron expression.
   *
   * @param expression five whitespace-separated fields, or a macro such as {@code @daily}
   * @return the expression
   * @throws NullPointerException if {@code expression} is null
   * @throws IllegalArgumentException if it is malformed; the message names the field and the bad
   *     token
   */
  public static CronExpression parse(String expression) {
    Objects.requireNonNull(expression, "expression");
    String trimmed = expression.strip();
    String expanded =
        switch (trimmed.toLowerCase(Locale.ROOT)) {
          case "@yearly", "@annually" -> "0 0 1 1 *";
          case "@monthly" -> "0 0 1 * *";
          case "@weekly" -> "0 0 * * 0";
          case "@daily", "@midnight" -> "0 0 * * *";
          case "@hourly" -> "0 * * * *";
          default -> {
            if (trimmed.startsWith("@")) {
              throw new IllegalArgumentException(
                  "cron: unknown macro '" + trimmed + "' (expected @yearly, @annually, @monthly,"
                      + " @weekly, @daily, @midnight or @hourly)");
            }
            yield trimmed;
          }
        };
    String[] fields = expanded.isEmpty() ? new String[0] : expanded.split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException(
          "cron: expected 5 fields (minute hour day-of-month month day-of-week), found "
              + fields.length
              + " in \""
              + expression
              + "\"");
    }
    return new CronExpression(expression, fields);
  }

  /**
   * Whether {@code t} (to the minute; seconds are ignored) matches this expression.
   *
   * @param t a local date-time
   * @return true if every field matches
   */
  public boolean matches(LocalDateTime t) {
    return dayMatches(t.toLocalDate())
        && bit(hours, t.getHour())
        && bit(minutes, t.getMinute());
  }

  /**
   * The first local date-time strictly after {@code after}, at a whole minute, that matches,
   * ignoring time zones.
   *
   * @param after where the search starts (exclusive)
   * @return the next match
   */
  public LocalDateTime nextLocal(LocalDateTime after) {
    LocalDateTime t = after.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    LocalDate day = t.toLocalDate();
    int fromHour = t.getHour();
    int fromMinute = t.getMinute();
    for (int i = 0; i < MAX_DAYS; i++) {
      if (dayMatches(day)) {
        for (int h = nextBit(hours, fromHour); h >= 0; h = nextBit(hours, h + 1)) {
          int m = nextBit(minutes, h == fromHour ? fromMinute : 0);
          if (m >= 0) {
            return day.atTime(h, m);
          }
        }
      }
      day = day.plusDays(1);
      fromHour = 0;
      fromMinute = 0;
    }
    throw new IllegalStateException("cron: no match within 28 years for \"" + text + "\"");
  }

  /**
   * The first instant strictly after {@code after} at which this expression runs in {@code
   * after}'s zone, by the daylight-saving rule in the class description.
   *
   * @param after where the search starts (exclusive), and the zone
   * @return the next run, in {@code after}'s zone
   */
  public ZonedDateTime next(ZonedDateTime after) {
    ZoneId zone = after.getZone();
    ZoneRules rules = zone.getRules();
    Instant from = after.toInstant();
    LocalDateTime local = after.toLocalDateTime();
    for (; ; ) {
      local = nextLocal(local);
      Instant at = firstInstantOf(local, rules, from);
      if (at != null) {
        return ZonedDateTime.ofInstant(at, zone);
      }
    }
  }

  /**
   * The instant that local time {@code local} runs at, if after {@code from}: the transition if
   * {@code local} falls in a gap, the earliest occurrence after {@code from} in an overlap.
   */
  private static Instant firstInstantOf(LocalDateTime local, ZoneRules rules, Instant from) {
    ZoneOffsetTransition transition = rules.getTransition(local);
    Instant at;
    if (transition == null) {
      at = local.toInstant(rules.getOffset(local));
    } else if (transition.isGap()) {
      at = transition.getInstant();
    } else {
      at = local.toInstant(transition.getOffsetBefore()); // the first occurrence
      if (!at.isAfter(from)) {
        at = local.toInstant(transition.getOffsetAfter());
      }
    }
    return at.isAfter(from) ? at : null;
  }

  private boolean dayMatches(LocalDate d) {
    if (!bit(months, d.getMonthValue())) {
      return false;
    }
    boolean dom = bit(daysOfMonth, d.getDayOfMonth());
    boolean dow = bit(daysOfWeek, d.getDayOfWeek().getValue() % 7);
    return dayOfMonthStar || dayOfWeekStar ? dom && dow : dom || dow;
  }

  private void requireSomeDayOccurs(String[] fields) {
    for (int month = 1; month <= 12; month++) {
      if (bit(months, month)) {
        int longest = java.time.Month.of(month).maxLength();
        if (nextBit(daysOfMonth, 1) <= longest) {
          return;
        }
      }
    }
    throw new IllegalArgumentException(
        "cron: day-of-month '"
            + fields[2]
            + "' never occurs in month '"
            + fields[3]
            + "' in \""
            + text
            + "\"");
  }

  private static boolean bit(long set, int n) {
    return (set & (1L << n)) != 0;
  }

  /** The smallest set bit at or above {@code from}, or -1. */
  private static int nextBit(long set, int from) {
    if (from > 63) {
      return -1;
    }
    long rest = set & (-1L << from);
    return rest == 0 ? -1 : Long.numberOfTrailingZeros(rest);
  }

  /**
   * The expression's text, as given to {@link #parse}.
   *
   * @return the text
   */
  @Override
  public String toString() {
    return text;
  }

  /** Equal when parsed from the same text. */
  @Override
  public boolean equals(Object o) {
    return o instanceof CronExpression c && c.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** The five fields: their names, bounds and value names. */
  private enum Field {
    MINUTE("minute", 0, 59, List.of()),
    HOUR("hour", 0, 23, List.of()),
    DAY_OF_MONTH("day-of-month", 1, 31, List.of()),
    MONTH("month", 1, 12, MONTHS),
    DAY_OF_WEEK("day-of-week", 0, 7, DAYS);

    private final String label;
    private final int min;
    private final int max;
    private final List<String> names; // names.get(i) stands for value first + i

    Field(String label, int min, int max, List<String> names) {
      this.label = label;
      this.min = min;
      this.max = max;
      this.names = names;
    }

    long parse(String field, String expression) {
      long set = 0;
      for (String item : field.split(",", -1)) {
        set |= parseItem(item, expression);
      }
      return set;
    }

    private long parseItem(String item, String expression) {
      if (item.isEmpty()) {
        throw bad(item, expression, "empty list item");
      }
      String range = item;
      int step = 1;
      int slash = item.indexOf('/');
      if (slash >= 0) {
        range = item.substring(0, slash);
        step = number(item.substring(slash + 1), item, expression);
        if (step < 1) {
          throw bad(item, expression, "step must be at least 1");
        }
      }
      int lo;
      int hi;
      if (range.equals("*")) {
        lo = min;
        hi = max;
      } else {
        int dash = range.indexOf('-');
        if (dash >= 0) {
          lo = value(range.substring(0, dash), item, expression);
          hi = value(range.substring(dash + 1), item, expression);
          if (lo > hi) {
            throw bad(item, expression, "range start after its end");
          }
        } else {
          lo = value(range, item, expression);
          hi = slash >= 0 ? max : lo;
        }
      }
      long set = 0;
      for (int v = lo; v <= hi; v += step) {
        set |= 1L << v;
      }
      return set;
    }

    private int value(String token, String item, String expression) {
      int i = names.indexOf(token.toUpperCase(Locale.ROOT));
      int v = i >= 0 ? i + (this == MONTH ? 1 : 0) : number(token, item, expression);
      if (v < min || v > max) {
        throw bad(item, expression, token + " is outside " + min + "-" + max);
      }
      return v;
    }

    private int number(String token, String item, String expression) {
      if (token.isEmpty() || token.length() > 2 || !token.chars().allMatch(Character::isDigit)) {
        throw bad(item, expression, "'" + token + "' is not a number" + nameHint());
      }
      return Integer.parseInt(token);
    }

    private String nameHint() {
      return names.isEmpty() ? "" : " or a name " + names.getFirst() + "-" + names.getLast();
    }

    private IllegalArgumentException bad(String item, String expression, String why) {
      return new IllegalArgumentException(
          "cron: bad " + label + " field '" + item + "' in \"" + expression + "\": " + why);
    }
  }
}
