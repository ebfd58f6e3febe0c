package dev.chora.examples.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where an idle replica's CPU goes, by thread group: Chora's own threads (the replica and executor
 * dispatchers, the round ticker), Pekko's and Artery's (every other thread of the actor system,
 * which Pekko names after it: "chora-pekko.remote…", "chora-scheduler-1"), and the JVM's (JIT
 * compilers, GC, the rest). The performance goal is about the first: what Chora adds above the
 * transport and the platform it runs on.
 */
final class IdleThreads {
  static final String CHORA = "Chora";
  static final String PEKKO = "Pekko/Artery";
  static final String JVM = "JVM";

  private IdleThreads() {}

  /** The group of a thread, by its name as the kernel keeps it (15 characters). */
  static String group(String thread) {
    if (thread.startsWith("chora-chora.") || thread.startsWith("chora-round-tic")) {
      return CHORA;
    }
    if (thread.startsWith("chora-") || thread.startsWith("aeron")) {
      return PEKKO;
    }
    return JVM;
  }

  /** Percent of a core per group between two samples of per-thread CPU seconds. */
  static Map<String, Double> percentByGroup(Map<String, Double> before, Map<String, Double> after, double seconds) {
    Map<String, Double> pct = new LinkedHashMap<>();
    pct.put(CHORA, 0.0);
    pct.put(PEKKO, 0.0);
    pct.put(JVM, 0.0);
    after.forEach((thread, cpu) -> {
      double used = cpu - before.getOrDefault(thread, 0.0);
      if (used > 0) {
        pct.merge(group(thread), 100 * used / seconds, Double::sum);
      }
    });
    return pct;
  }

  static String describe(Map<String, Map<String, Double>> byProcess) {
    return describe(byProcess, "");
  }

  /** One line per process: its groups' shares, each line labelled {@code label} after the process. */
  static String describe(Map<String, Map<String, Double>> byProcess, String label) {
    StringBuilder b = new StringBuilder();
    byProcess.forEach((p, groups) -> {
      b.append(String.format(Locale.ROOT, "  %s%s by threads:", p, label));
      groups.forEach((g, v) -> b.append(String.format(Locale.ROOT, "  %s %.2f%%", g, v)));
      b.append('\n');
    });
    return b.toString();
  }

  static String csv(Map<String, Map<String, Double>> byProcess) {
    StringBuilder b = new StringBuilder("process,threads,idle_cpu_pct\n");
    byProcess.forEach((p, groups) -> groups.forEach((g, v) ->
        b.append(p).append(',').append(g).append(',').append(String.format(Locale.ROOT, "%.2f", v)).append('\n')));
    return b.toString();
  }
}
