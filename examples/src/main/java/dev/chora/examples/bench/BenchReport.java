package dev.chora.examples.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import java.text.DecimalFormat;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.XYItemLabelGenerator;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The benchmark's outputs: the console table, {@code results.csv} and the throughput-latency chart. */
public final class BenchReport {
  private BenchReport() {}

  private static List<String> processes(List<LevelResult> levels) {
    Set<String> names = new LinkedHashSet<>();
    for (LevelResult l : levels) {
      names.addAll(l.cpuPercent().keySet());
    }
    return new ArrayList<>(names);
  }

  /** A CPU column is as wide as its header ("cpu replica-0"), at least 9: values line up under it. */
  private static int cpuWidth(String process) {
    return Math.max(9, ("cpu " + process).length());
  }

  /** The results as a fixed-width text table, one row per level. */
  public static String table(List<LevelResult> levels) {
    List<String> procs = processes(levels);
    StringBuilder b = new StringBuilder();
    boolean disk = levels.stream().anyMatch(l -> !l.disk().equals(LevelResult.Disk.NONE));
    b.append(String.format(Locale.ROOT, "%9s %10s %9s %9s %9s %10s %10s %10s %6s %8s", "in-flight", "ops/s", "p50 ms",
        "p99 ms", "max ms", "rounds/s", "commit ms", "violations", "views", "errors"));
    if (disk) {
      b.append(String.format(Locale.ROOT, " %8s %8s %9s", "syncs/s", "disk B/op", "sync p99"));
    }
    for (String p : procs) {
      b.append(String.format(Locale.ROOT, " %" + cpuWidth(p) + "s", "cpu " + p));
    }
    b.append('\n');
    for (LevelResult l : levels) {
      b.append(String.format(Locale.ROOT, "%9d %10.0f %9.2f %9.2f %9.2f %10.0f %10.2f %10d %6d %8d", l.inFlight(),
          l.opsPerSecond(), l.p50Ms(), l.p99Ms(), l.maxMs(), l.roundRate(), l.commitP50Ms(), l.violations(),
          l.viewChanges(), l.failures() + l.timeouts()));
      if (disk) {
        b.append(String.format(Locale.ROOT, " %8.0f %9.0f %9.2f", l.disk().syncsPerSecond(), l.disk().bytesPerOp(),
            l.disk().syncP99Ms()));
      }
      for (String p : procs) {
        Double cpu = l.cpuPercent().get(p);
        int w = cpuWidth(p);
        b.append(cpu == null ? String.format(Locale.ROOT, " %" + w + "s", "-")
            : String.format(Locale.ROOT, " %" + (w - 1) + ".0f%%", cpu));
      }
      b.append('\n');
    }
    return b.toString();
  }

  /**
   * The results of several proposer policies (docs/protocol.md, "Baselines"), policy by policy in
   * the order given, as {@link #table(List)} with the policy in a first column: the rows of one
   * level read side by side.
   */
  public static String table(Map<String, List<LevelResult>> byPolicy) {
    List<LevelResult> all = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    byPolicy.forEach((policy, levels) -> levels.forEach(l -> {
      all.add(l);
      labels.add(policy);
    }));
    String[] lines = table(all).split("\n", -1);
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-9s ", "proposers")).append(lines[0]).append('\n');
    for (int i = 0; i < labels.size(); i++) {
      b.append(String.format(Locale.ROOT, "%-9s ", labels.get(i))).append(lines[i + 1]).append('\n');
    }
    return b.toString();
  }

  /**
   * Writes {@code results.csv} for several proposer policies: {@link #writeCsv(List, Path)}'s
   * columns with {@code proposers} after the fixed ones, before the CPU columns.
   */
  public static void writeCsv(Map<String, List<LevelResult>> byPolicy, Path file) throws IOException {
    List<LevelResult> all = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    byPolicy.forEach((policy, levels) -> levels.forEach(l -> {
      all.add(l);
      labels.add(policy);
    }));
    writeCsv(all, labels, file);
  }

  /** Writes {@code results.csv}: one row per level, CPU columns per process. */
  public static void writeCsv(List<LevelResult> levels, Path file) throws IOException {
    writeCsv(levels, null, file);
  }

  /** @param labels each level's proposer policy, or null for a run of one policy (no such column) */
  private static void writeCsv(List<LevelResult> levels, List<String> labels, Path file) throws IOException {
    List<String> procs = processes(levels);
    StringBuilder b = new StringBuilder("in_flight,ops_per_s,p50_ms,p99_ms,max_ms,round_rate,violations,view_changes,"
        + "failures,timeouts,seconds,ops,commit_p50_ms,syncs_per_s,disk_bytes_per_op,sync_p99_ms,"
        + "mean_ms,wait_ms,replication_ms");
    if (labels != null) {
      b.append(",proposers");
    }
    for (String p : procs) {
      b.append(",cpu_pct_").append(p.replaceAll("[^A-Za-z0-9_-]", "_"));
    }
    b.append('\n');
    for (int i = 0; i < levels.size(); i++) {
      LevelResult l = levels.get(i);
      b.append(String.format(Locale.ROOT, "%d,%.1f,%.3f,%.3f,%.3f,%.1f,%d,%d,%d,%d,%.3f,%d,%.3f,%.1f,%.1f,%.3f,%.4f,%.4f,%.4f",
          l.inFlight(), l.opsPerSecond(), l.p50Ms(), l.p99Ms(), l.maxMs(), l.roundRate(), l.violations(),
          l.viewChanges(), l.failures(), l.timeouts(), l.seconds(), l.ops(), l.commitP50Ms(),
          l.disk().syncsPerSecond(), l.disk().bytesPerOp(), l.disk().syncP99Ms(), l.path().clientMs(),
          l.path().waitMs(), l.path().replicationMs()));
      if (labels != null) {
        b.append(',').append(labels.get(i));
      }
      for (String p : procs) {
        Double cpu = l.cpuPercent().get(p);
        b.append(',').append(cpu == null ? "" : String.format(Locale.ROOT, "%.1f", cpu));
      }
      b.append('\n');
    }
    Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
  }

  /**
   * The chart for several proposer policies: a p50 and a p99 series per policy, each point
   * labelled with its in-flight count.
   */
  public static void writeChart(Map<String, List<LevelResult>> byPolicy, String title, Path file) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    List<List<LevelResult>> seriesLevels = new ArrayList<>();
    for (Map.Entry<String, List<LevelResult>> e : byPolicy.entrySet()) {
      XYSeries p50 = new XYSeries(e.getKey() + " p50", false, true);
      XYSeries p99 = new XYSeries(e.getKey() + " p99", false, true);
      for (LevelResult l : e.getValue()) {
        p50.add(l.opsPerSecond(), l.p50Ms());
        p99.add(l.opsPerSecond(), l.p99Ms());
      }
      data.addSeries(p50);
      data.addSeries(p99);
      seriesLevels.add(e.getValue());
      seriesLevels.add(e.getValue());
    }
    save(data, title, file, (dataset, series, item) -> "in flight " + seriesLevels.get(series).get(item).inFlight(),
        false);
  }

  /**
   * Writes a throughput-versus-latency chart (ops/s on x, p50 and p99 latency in ms on y), one
   * point per level labelled with its in-flight count.
   */
  public static void writeChart(List<LevelResult> levels, String title, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYSeries p50 = new XYSeries("p50 latency", false, true);
    XYSeries p99 = new XYSeries("p99 latency", false, true);
    for (LevelResult l : levels) {
      p50.add(l.opsPerSecond(), l.p50Ms());
      p99.add(l.opsPerSecond(), l.p99Ms());
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(p50);
    data.addSeries(p99);
    save(data, title, file, (dataset, series, item) -> "in flight " + levels.get(item).inFlight(), true);
  }

  /** @param twoSeries the single-policy chart: its two series' colours are fixed (blue p50, red p99) */
  private static void save(XYSeriesCollection data, String title, Path file, XYItemLabelGenerator label,
      boolean twoSeries) throws IOException {
    System.setProperty("java.awt.headless", "true");
    JFreeChart chart = ChartFactory.createXYLineChart(title, "throughput (ops/s)", "latency (ms)", data,
        PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    NumberAxis x = (NumberAxis) plot.getDomainAxis();
    x.setAutoRangeIncludesZero(true);
    x.setNumberFormatOverride(new DecimalFormat("#,##0"));
    x.setUpperMargin(0.15); // room for the last point's label, which extends to the right
    NumberAxis y = (NumberAxis) plot.getRangeAxis();
    y.setAutoRangeIncludesZero(true);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    if (twoSeries) {
      renderer.setSeriesPaint(0, new Color(0x1f77b4));
      renderer.setSeriesPaint(1, new Color(0xd62728));
    }
    for (int i = 0; i < data.getSeriesCount(); i++) {
      renderer.setSeriesStroke(i, new BasicStroke(2f));
    }
    renderer.setDefaultItemLabelGenerator(label);
    renderer.setDefaultItemLabelsVisible(true);
    renderer.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_LEFT));
    plot.setRenderer(renderer);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 560);
  }
}
