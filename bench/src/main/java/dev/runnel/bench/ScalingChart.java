package dev.runnel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.DoubleUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a {@link ScalingBenchmark} run into a Markdown table and an SVG chart (a main program, not
 * a benchmark).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.runnel.bench.ScalingChart jmh.json go.txt out.md out.svg
 * </pre>
 *
 * <p>{@code jmh.json} is JMH's result file ({@code -rf json}); only {@code ScalingBenchmark}'s
 * results in it are read. {@code go.txt} is the output of {@code bin/runnelbench -workload
 * scaling}, whose {@code RESULT scaling n=N cap=C ... ops/s} lines are read; if it does not exist
 * (or is {@code -}), the table shows "-" for Go and the chart has no Go line. The table has one row
 * per (capacity, n) point found in either file; the chart one panel per capacity, n on the x axis
 * and millions of messages per second on the y axis, both on log scales, the y scale shared by all
 * panels so they compare.
 */
public final class ScalingChart {

  private static final String BENCHMARK = ScalingBenchmark.class.getName() + ".";
  private static final int MESSAGES = ScalingBenchmark.MESSAGES;
  private static final Pattern GO_RESULT =
      Pattern.compile("^RESULT\\s+scaling\\s+n=(\\d+)\\s+cap=(\\d+)\\s+([0-9.eE+]+)\\s+ops/s\\s*$");

  /** One point of the grid. Ordered as the table and the panels are: by capacity, then n. */
  record Point(int n, int capacity) {
    static final Comparator<Point> ORDER =
        Comparator.comparingInt(Point::capacity).thenComparingInt(Point::n);
  }

  /** A score in messages per second, and its error (NaN where there is none, as for Go). */
  record Score(double perSecond, double error) {}

  /** One line of the chart and column of the table. */
  record Series(String name, String color, String dash, Map<Point, Score> scores) {}

  private ScalingChart() {}

  /** Reads the two result files and writes the table and the chart; see the class comment. */
  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: ScalingChart JMH_JSON GO_OUTPUT|- OUT_MD OUT_SVG");
      System.exit(2);
    }
    Map<Point, Score> runnel = new TreeMap<>(Point.ORDER);
    Map<Point, Score> jdk = new TreeMap<>(Point.ORDER);
    readJmh(Path.of(args[0]), runnel, jdk);
    Map<Point, Score> go = new TreeMap<>(Point.ORDER);
    boolean haveGo = !args[1].equals("-") && Files.isRegularFile(Path.of(args[1]));
    if (haveGo) {
      readGo(Path.of(args[1]), go);
    } else {
      System.err.println("ScalingChart: no Go output at " + args[1] + "; Go is left out");
    }
    if (runnel.isEmpty() && jdk.isEmpty() && go.isEmpty()) {
      System.err.println("ScalingChart: no ScalingBenchmark results in " + args[0]);
      System.exit(1);
    }
    List<Series> series = new ArrayList<>();
    if (haveGo) {
      series.add(new Series("Go", "#0a88a8", "", go));
    }
    series.add(new Series("Runnel", "#d9480f", "", runnel));
    series.add(new Series("JDK", "#555555", "5,3", jdk));
    Files.writeString(Path.of(args[2]), table(series, haveGo));
    Files.writeString(Path.of(args[3]), svg(series));
    System.out.println("wrote " + args[2] + " and " + args[3]);
  }

  // ---------------------------------------------------------------- input

  /** Adds ScalingBenchmark's {@code runnel} and {@code jdk} scores, in messages per second. */
  static void readJmh(Path file, Map<Point, Score> runnel, Map<Point, Score> jdk)
      throws IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    if (root == null || !root.isArray()) {
      throw new IOException(file + " is not a JMH JSON result file (an array of results)");
    }
    for (JsonNode result : root) {
      String name = result.path("benchmark").asText();
      if (!name.startsWith(BENCHMARK)) {
        continue;
      }
      Map<Point, Score> into =
          switch (name.substring(BENCHMARK.length())) {
            case "runnel" -> runnel;
            case "jdk" -> jdk;
            default -> null;
          };
      if (into == null) {
        continue;
      }
      JsonNode params = result.path("params");
      Point point =
          new Point(params.path("n").asInt(-1), params.path("capacity").asInt(-1));
      if (point.n() < 1 || point.capacity() < 0) {
        throw new IOException(name + " has no n or capacity parameter in " + file);
      }
      JsonNode metric = result.path("primaryMetric");
      double perSecond = perSecond(metric.path("scoreUnit").asText());
      into.put(
          point,
          new Score(
              number(metric.path("score")) * perSecond,
              number(metric.path("scoreError")) * perSecond));
    }
  }

  /** Operations per unit of a JMH throughput unit such as {@code ops/ms}, as a factor to seconds. */
  private static double perSecond(String unit) throws IOException {
    return switch (unit) {
      case "ops/s" -> 1;
      case "ops/ms" -> 1e3;
      case "ops/us" -> 1e6;
      case "ops/ns" -> 1e9;
      case "ops/min" -> 1.0 / 60;
      default -> throw new IOException("not a throughput unit: '" + unit + "' (run in Throughput mode)");
    };
  }

  /** A JSON number, or NaN: JMH writes {@code "NaN"} as a string for the error of one iteration. */
  private static double number(JsonNode node) {
    if (node.isNumber()) {
      return node.doubleValue();
    }
    try {
      return Double.parseDouble(node.asText());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** Adds Go's {@code RESULT scaling} lines (the median of its measured iterations). */
  static void readGo(Path file, Map<Point, Score> go) throws IOException {
    for (String line : Files.readAllLines(file)) {
      Matcher m = GO_RESULT.matcher(line);
      if (m.matches()) {
        go.put(
            new Point(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))),
            new Score(Double.parseDouble(m.group(3)), Double.NaN));
      }
    }
  }

  // ---------------------------------------------------------------- Markdown

  static String table(List<Series> series, boolean haveGo) {
    Series go = haveGo ? series.get(0) : null;
    Series runnel = series.get(haveGo ? 1 : 0);
    Series jdk = series.get(haveGo ? 2 : 1);
    StringBuilder md = new StringBuilder();
    md.append("| capacity | n senders, n receivers | Go M msgs/s | Runnel M msgs/s |")
        .append(" JDK M msgs/s (`ArrayBlockingQueue`; `SynchronousQueue` at capacity 0) |")
        .append(" Runnel / Go | Runnel / JDK |\n");
    md.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Point p : points(series)) {
      Score g = go == null ? null : go.scores().get(p);
      Score r = runnel.scores().get(p);
      Score j = jdk.scores().get(p);
      md.append("| ")
          .append(p.capacity())
          .append(" | ")
          .append(String.format(Locale.ROOT, "%,d", p.n()))
          .append(" | ")
          .append(millions(g))
          .append(" | ")
          .append(millions(r))
          .append(" | ")
          .append(millions(j))
          .append(" | ")
          .append(ratio(r, g))
          .append(" | ")
          .append(ratio(r, j))
          .append(" |\n");
    }
    return md.toString();
  }

  private static String millions(Score s) {
    if (s == null) {
      return "-";
    }
    String score = String.format(Locale.ROOT, "%.2f", s.perSecond() / 1e6);
    return Double.isFinite(s.error())
        ? score + String.format(Locale.ROOT, " ± %.2f", s.error() / 1e6)
        : score;
  }

  private static String ratio(Score a, Score b) {
    return a == null || b == null || b.perSecond() <= 0
        ? "-"
        : String.format(Locale.ROOT, "%.2fx", a.perSecond() / b.perSecond());
  }

  /** Every point any series has, in table order. */
  private static TreeSet<Point> points(List<Series> series) {
    TreeSet<Point> all = new TreeSet<>(Point.ORDER);
    series.forEach(s -> all.addAll(s.scores().keySet()));
    return all;
  }

  // ---------------------------------------------------------------- SVG

  private static final int WIDTH = 900;
  private static final int MARGIN = 10;
  private static final int HEADER = 58;
  private static final int COLUMNS = 3;
  private static final int PANEL_HEIGHT = 220;
  private static final int PAD_LEFT = 44;
  private static final int PAD_RIGHT = 14;
  private static final int PAD_TOP = 26;
  private static final int PAD_BOTTOM = 36;
  private static final String FONT = "font-family=\"Helvetica, Arial, sans-serif\"";

  static String svg(List<Series> series) {
    TreeSet<Point> points = points(series);
    List<Integer> capacities = points.stream().map(Point::capacity).distinct().sorted().toList();
    int minN = points.stream().mapToInt(Point::n).min().orElseThrow();
    int maxN = points.stream().mapToInt(Point::n).max().orElseThrow();
    int firstDecade = (int) Math.floor(Math.log10(minN));
    int lastDecade = Math.max(firstDecade + 1, (int) Math.ceil(Math.log10(maxN)));
    List<Double> yTicks = yTicks(series);
    double yLow = yTicks.get(0);
    double yHigh = yTicks.get(yTicks.size() - 1);

    int rows = (capacities.size() + COLUMNS - 1) / COLUMNS;
    int panelWidth = (WIDTH - 2 * MARGIN) / COLUMNS;
    int height = HEADER + rows * PANEL_HEIGHT + MARGIN;
    StringBuilder svg = new StringBuilder();
    svg.append(
            String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" %s font-size=\"11\">\n",
                WIDTH, height, WIDTH, height, FONT))
        .append(
            "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    text(
        svg,
        MARGIN,
        20,
        "start",
        "font-size=\"14\" font-weight=\"bold\"",
        "Channel throughput, n senders and n receivers on one channel (M msgs/s; both axes log scale)");
    legend(svg, series, MARGIN, 42);

    for (int i = 0; i < capacities.size(); i++) {
      int capacity = capacities.get(i);
      double left = MARGIN + (i % COLUMNS) * panelWidth + PAD_LEFT;
      double top = HEADER + (i / COLUMNS) * PANEL_HEIGHT + PAD_TOP;
      double plotWidth = panelWidth - PAD_LEFT - PAD_RIGHT;
      double plotHeight = PANEL_HEIGHT - PAD_TOP - PAD_BOTTOM;
      DoubleUnaryOperator x =
          n -> left + (Math.log10(n) - firstDecade) / (lastDecade - firstDecade) * plotWidth;
      DoubleUnaryOperator y =
          v ->
              top
                  + plotHeight
                  - (Math.log10(v) - Math.log10(yLow))
                      / (Math.log10(yHigh) - Math.log10(yLow))
                      * plotHeight;

      text(
          svg,
          left + plotWidth / 2,
          top - 9,
          "middle",
          "font-size=\"12\" font-weight=\"bold\"",
          capacity == 0 ? "capacity 0 (unbuffered)" : "capacity " + capacity);
      for (double t : yTicks) {
        double ty = y.applyAsDouble(t);
        line(svg, left, ty, left + plotWidth, ty, "#e4e4e4", 1, "");
        text(svg, left - 4, ty + 4, "end", "fill=\"#333333\"", tickLabel(t));
      }
      for (int d = firstDecade; d <= lastDecade; d++) {
        double n = Math.pow(10, d);
        double tx = x.applyAsDouble(n);
        line(svg, tx, top, tx, top + plotHeight, "#e4e4e4", 1, "");
        text(
            svg,
            tx,
            top + plotHeight + 14,
            "middle",
            "fill=\"#333333\"",
            String.format(Locale.ROOT, "%,d", (long) n));
      }
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#999999\"/>\n",
              left, top, plotWidth, plotHeight));
      text(
          svg,
          left + plotWidth / 2,
          top + plotHeight + 29,
          "middle",
          "fill=\"#333333\"",
          "n (senders = receivers)");

      for (Series s : series) {
        List<double[]> xy = new ArrayList<>();
        for (Map.Entry<Point, Score> e : s.scores().entrySet()) {
          if (e.getKey().capacity() == capacity && e.getValue().perSecond() > 0) {
            Score score = e.getValue();
            double px = x.applyAsDouble(e.getKey().n());
            double mps = score.perSecond() / 1e6;
            xy.add(new double[] {px, y.applyAsDouble(mps)});
            if (Double.isFinite(score.error()) && score.error() > 0) {
              double lo = Math.max(yLow, mps - score.error() / 1e6);
              double hi = Math.min(yHigh, mps + score.error() / 1e6);
              line(svg, px, y.applyAsDouble(lo), px, y.applyAsDouble(hi), s.color(), 1, "");
            }
          }
        }
        if (xy.size() > 1) {
          svg.append("<polyline fill=\"none\" stroke=\"")
              .append(s.color())
              .append("\" stroke-width=\"2\"")
              .append(s.dash().isEmpty() ? "" : " stroke-dasharray=\"" + s.dash() + "\"")
              .append(" points=\"");
          for (double[] p : xy) {
            svg.append(String.format(Locale.ROOT, "%.1f,%.1f ", p[0], p[1]));
          }
          svg.setLength(svg.length() - 1);
          svg.append("\"/>\n");
        }
        for (double[] p : xy) {
          svg.append(
              String.format(
                  Locale.ROOT,
                  "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
                  p[0], p[1], s.color()));
        }
      }
    }
    if (capacities.size() % COLUMNS != 0) { // the free cell explains the workload
      double left = MARGIN + (capacities.size() % COLUMNS) * panelWidth + 20;
      double top = HEADER + (rows - 1) * PANEL_HEIGHT + PAD_TOP + 8;
      String[] notes = {
        "n senders and n receivers on one channel",
        "(goroutines, or virtual threads), each",
        String.format(Locale.ROOT, "moving %,d / n of a batch of %,d", MESSAGES, MESSAGES),
        "messages.",
        "x: n, log scale. y: millions of messages",
        "per second, log scale, the same scale in",
        "every panel. Higher is better."
      };
      for (int i = 0; i < notes.length; i++) {
        text(svg, left, top + 16 * i, "start", "fill=\"#333333\"", notes[i]);
      }
    }
    return svg.append("</svg>\n").toString();
  }

  private static void legend(StringBuilder svg, List<Series> series, double x, double y) {
    for (Series s : series) {
      line(svg, x, y - 4, x + 24, y - 4, s.color(), 2, s.dash());
      svg.append(
          String.format(
              Locale.ROOT,
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
              x + 12, y - 4, s.color()));
      String label =
          switch (s.name()) {
            case "Go" -> "Go: chan, goroutines (median)";
            case "Runnel" -> "Runnel: Channel, virtual threads (± JMH error)";
            default -> "JDK: ArrayBlockingQueue, SynchronousQueue at capacity 0";
          };
      text(svg, x + 30, y, "start", "", label);
      x += 30 + 5.6 * label.length() + 24;
    }
  }

  /**
   * The y axis's ticks: the 1-2-5 values from the largest at or below the smallest score to the
   * smallest at or above the largest, in millions of messages per second.
   */
  static List<Double> yTicks(List<Series> series) {
    double min = Double.MAX_VALUE;
    double max = 0;
    for (Series s : series) {
      for (Score score : s.scores().values()) {
        if (score.perSecond() > 0) {
          min = Math.min(min, score.perSecond() / 1e6);
          max = Math.max(max, score.perSecond() / 1e6);
        }
      }
    }
    if (max == 0) {
      min = 1;
      max = 10;
    }
    List<Double> ticks = new ArrayList<>();
    for (int d = (int) Math.floor(Math.log10(min)) - 1; d <= (int) Math.ceil(Math.log10(max)); d++) {
      for (int m : new int[] {1, 2, 5}) {
        ticks.add(m * Math.pow(10, d));
      }
    }
    int from = 0;
    while (from + 1 < ticks.size() && ticks.get(from + 1) <= min * (1 + 1e-9)) {
      from++;
    }
    int to = ticks.size() - 1;
    while (to - 1 > from && ticks.get(to - 1) >= max * (1 - 1e-9)) {
      to--;
    }
    if (to == from) {
      to++;
    }
    return ticks.subList(from, to + 1);
  }

  private static String tickLabel(double v) {
    return v >= 1
        ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%s", (float) v);
  }

  private static void line(
      StringBuilder svg, double x1, double y1, double x2, double y2, String color, double width,
      String dash) {
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%s\"%s/>\n",
            x1, y1, x2, y2, color, width == (int) width ? String.valueOf((int) width) : width,
            dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\""));
  }

  private static void text(
      StringBuilder svg, double x, double y, String anchor, String attributes, String content) {
    svg.append(
            String.format(
                Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"", x, y, anchor))
        .append(attributes.isEmpty() ? "" : " " + attributes)
        .append('>')
        .append(
            content.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
        .append("</text>\n");
  }
}
