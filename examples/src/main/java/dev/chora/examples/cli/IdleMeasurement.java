package dev.chora.examples.cli;

import dev.chora.examples.node.LocalCluster;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CPU a local cluster's processes use with no load: each process in percent of a core, and
 * each replica's by thread group ({@link IdleThreads}). It waits first, so that what is measured is
 * the steady idle cost, not the JIT compiling and GC collecting what the load left behind.
 */
record IdleMeasurement(Map<String, Double> percent, Map<String, Map<String, Double>> byGroup) {

  /**
   * Measures {@code clusters} over one and the same window, after {@code settle}: the machine is
   * shared and noisy, and only what is sampled side by side compares.
   */
  static List<IdleMeasurement> measure(List<LocalCluster> clusters, Duration settle, int seconds, PrintStream out)
      throws InterruptedException {
    out.printf(Locale.ROOT, "idle: settling for %d s, then measuring CPU for %d s%n", settle.toSeconds(), seconds);
    Thread.sleep(settle.toMillis());
    List<Map<String, Double>> before = new ArrayList<>();
    List<Map<String, Map<String, Double>>> threadsBefore = new ArrayList<>();
    for (LocalCluster c : clusters) {
      before.add(c.cpuSeconds());
      threadsBefore.add(c.replicaThreadCpuSeconds());
    }
    Thread.sleep(seconds * 1000L);
    List<IdleMeasurement> result = new ArrayList<>();
    for (int i = 0; i < clusters.size(); i++) {
      Map<String, Double> after = clusters.get(i).cpuSeconds();
      Map<String, Map<String, Double>> threadsAfter = clusters.get(i).replicaThreadCpuSeconds();
      Map<String, Double> percent = new LinkedHashMap<>();
      before.get(i).forEach((p, cpu) -> percent.put(p, 100 * (after.get(p) - cpu) / seconds));
      Map<String, Map<String, Double>> byGroup = new LinkedHashMap<>();
      Map<String, Map<String, Double>> tb = threadsBefore.get(i);
      threadsAfter.forEach((p, now) -> byGroup.put(p, IdleThreads.percentByGroup(tb.getOrDefault(p, Map.of()), now,
          seconds)));
      result.add(new IdleMeasurement(percent, byGroup));
    }
    return result;
  }

  /**
   * The table of the idle cluster beside the same JVMs without Chora's replica, and the
   * difference: what Chora adds per process.
   */
  static String compare(IdleMeasurement withChora, IdleMeasurement without) {
    StringBuilder b = new StringBuilder("idle CPU, % of a core       ");
    withChora.percent().keySet().forEach(p -> b.append(String.format(Locale.ROOT, "%11s", p)));
    b.append('\n');
    row(b, "with Chora's replica", withChora.percent());
    if (without != null) {
      row(b, "same JVMs, no replica", without.percent());
      Map<String, Double> adds = new LinkedHashMap<>();
      withChora.percent().forEach((p, v) -> adds.put(p, v - without.percent().getOrDefault(p, Double.NaN)));
      row(b, "Chora adds", adds);
    }
    return b.toString();
  }

  private static void row(StringBuilder b, String label, Map<String, Double> values) {
    b.append(String.format(Locale.ROOT, "  %-26s", label));
    values.values().forEach(v -> b.append(String.format(Locale.ROOT, "%10.2f%%", v)));
    b.append('\n');
  }

  /** idle.csv: a row per process, with the baseline and the difference when measured. */
  static String csv(IdleMeasurement withChora, IdleMeasurement without) {
    StringBuilder b = new StringBuilder("process,idle_cpu_pct,without_replica_pct,chora_adds_pct\n");
    withChora.percent().forEach((p, v) -> {
      double base = without == null ? Double.NaN : without.percent().getOrDefault(p, Double.NaN);
      b.append(p).append(',').append(String.format(Locale.ROOT, "%.2f,%.2f,%.2f", v, base, v - base)).append('\n');
    });
    return b.toString();
  }
}
