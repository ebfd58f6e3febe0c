package dev.chora.multijvm.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.multijvm.ChoraCluster;
import dev.chora.multijvm.ExamplesSetup;
import dev.chora.transport.launch.ArteryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The full fault campaign: every kind of fault, N = 3 and 5, repeated, each run checked; then the
 * failover series (kill -9 of an active replica under load, until commits resume at the others).
 * Not part of CI; run it with
 *
 * <pre>mvn -o -pl multi-jvm-tests test -Dtest=FaultCampaignTest -Dchora.faults.campaign=true
 *     [-Dchora.faults.repeat=3] [-Dchora.faults.failoverRuns=10] [-Dchora.faults.sizes=3,5]
 *     [-Dchora.faults.kinds=one-way-partition,slow-node]</pre>
 *
 * A run that fails is reported with its history and the node logs, and the campaign goes on (on a
 * fresh cluster if the old one cannot be restored); the test fails at the end if any run failed.
 */
@EnabledIfSystemProperty(named = "chora.faults.campaign", matches = "true")
class FaultCampaignTest {

  private interface Scenario {
    Faults.Report run(ChoraCluster c, String name, long seed) throws Exception;
  }

  private record Kind(String name, Scenario scenario) {}

  /** The kinds named by chora.faults.kinds (all when unset or empty), to rerun one fault many times. */
  private static List<Kind> selectedKinds(int n) {
    String wanted = System.getProperty("chora.faults.kinds", "").trim();
    if (wanted.isEmpty()) {
      return kinds(n);
    }
    List<String> names = List.of(wanted.split("\\s*,\\s*"));
    List<Kind> selected = kinds(n).stream().filter(k -> names.contains(k.name())).toList();
    if (selected.size() != names.size()) {
      throw new IllegalArgumentException("unknown kind in chora.faults.kinds=" + wanted + "; known: "
          + kinds(n).stream().map(Kind::name).toList());
    }
    return selected;
  }

  private static List<Kind> kinds(int n) {
    List<Integer> minority = n == 3 ? List.of(0) : List.of(0, 1);
    List<Integer> otherMinority = n == 3 ? List.of(1) : List.of(2, 3);
    return List.of(
        new Kind("kill-one-then-another", (c, name, seed) -> Faults.killOneThenAnother(c, name, 1, n - 1, seed)),
        new Kind("pause-resume", (c, name, seed) -> Faults.pauseAndResume(c, name, n - 1, Duration.ofSeconds(6), seed)),
        new Kind("minority-partition", (c, name, seed) ->
            Faults.minorityPartition(c, name, minority, Duration.ofSeconds(5), seed)),
        new Kind("active-set-split", (c, name, seed) ->
            Faults.activeSetSplit(c, name, minority, otherMinority, Duration.ofSeconds(4), seed)),
        new Kind("one-way-partition", (c, name, seed) -> Faults.oneWayPartition(c, name, 1, 2, Duration.ofSeconds(5), seed)),
        new Kind("flapping-links", (c, name, seed) -> Faults.flappingLinks(c, name, n - 1, Duration.ofSeconds(5), seed)),
        new Kind("slow-node", (c, name, seed) -> Faults.slowNode(c, name, 1, Duration.ofSeconds(5), seed)),
        new Kind("restart-state-lost", (c, name, seed) -> Faults.restartStateLost(c, name, 2, seed)),
        new Kind("leave-and-return", (c, name, seed) -> Faults.leaveAndReturn(c, name, n - 1, seed)),
        new Kind("garbage-datagrams", (c, name, seed) -> Faults.garbageDatagrams(c, name, 0, 3_000, seed)),
        new Kind("stranger-messages", (c, name, seed) -> Faults.strangerMessages(c, name, 0, 600, seed)),
        new Kind("long-pause", (c, name, seed) -> Faults.longPause(c, name, n - 1, seed)));
  }

  @Test
  void campaign() throws Exception {
    int repeat = Integer.getInteger("chora.faults.repeat", 3);
    int failoverRuns = Integer.getInteger("chora.faults.failoverRuns", 10);
    List<String> lines = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (String size : System.getProperty("chora.faults.sizes", "3,5").split(",")) {
      int n = Integer.parseInt(size.trim());
      ChoraCluster cluster = start(n);
      try {
        long seed = 1;
        for (int r = 1; r <= repeat; r++) {
          for (Kind k : selectedKinds(n)) {
            String name = k.name() + "-n" + n + "-r" + r;
            try {
              Faults.restore(cluster);
              Faults.Report rep = k.scenario().run(cluster, name, seed++);
              lines.add(rep.line());
              if (rep.serviceStopped()) {
                failures.add(name + ": commits did not resume after the kill within the window");
              }
            } catch (Exception | AssertionError e) {
              failures.add(name + ": " + e);
              lines.add(String.format(Locale.ROOT, "%-22s N=%d  FAILED: %s", k.name(), n, firstLine(e)));
              ChoraCluster.log("FAILED " + name + ": " + e);
              cluster = recover(cluster, n);
            }
          }
        }
        List<Double> failovers = new ArrayList<>();
        List<Double> clientFailovers = new ArrayList<>();
        int stalledByTransport = 0;
        for (int i = 0; i < failoverRuns; i++) {
          String name = "failover-n" + n + "-" + i;
          try {
            Faults.restore(cluster);
            // The series measures fail-over of a settled group: the previous victim, restarted a few
            // seconds ago, may still be warming up and the group still changing views around it (a
            // kill in that churn is the double fault that kill-one-then-another measures).
            cluster.awaitSteady(Duration.ofSeconds(3), Duration.ofSeconds(90));
            Faults.Report rep = Faults.killOne(cluster, name, 1 + i % (n - 1), 1000 + i);
            lines.add(rep.line());
            failovers.add(rep.failoverMs());
            clientFailovers.add(rep.clientFailoverMs());
            stalledByTransport += rep.stalledByTransport() ? 1 : 0;
            if (rep.serviceStopped()) {
              failures.add(name + ": commits did not resume after the kill within the window");
            }
          } catch (Exception | AssertionError e) {
            failures.add(name + ": " + e);
            lines.add(String.format(Locale.ROOT, "%-22s N=%d  FAILED: %s", "kill-one", n, firstLine(e)));
            cluster = recover(cluster, n);
          }
        }
        lines.add(failoverSummary("FAILOVER (commits resume at the others)", n, failovers));
        lines.add(failoverSummary("failover as the clients saw it", n, clientFailovers));
        lines.add("kills that landed mid-send (the shared Aeron driver had to unblock a publication, which stalls"
            + " the others' stream to one node for its unblock timeout; docs/transport.md): " + stalledByTransport
            + " of " + failoverRuns);
      } finally {
        cluster.close();
      }
    }
    ChoraCluster.log("fault campaign results:\n  " + String.join("\n  ", lines));
    assertTrue(failures.isEmpty(), failures.size() + " campaign runs failed:\n" + String.join("\n", failures));
  }

  private static ChoraCluster start(int n) throws Exception {
    ChoraCluster.Builder b = ChoraCluster.builder(ExamplesSetup.class).replicas(n)
        .transport(ArteryTransport.Kind.AERON_SHARED).name("FaultCampaign-n" + n);
    // -Dchora.faults.protocol=suspect-after-max=50ms,rejoin-after-rounds=32: the campaign under other settings.
    for (String setting : System.getProperty("chora.faults.protocol", "").split(",")) {
      if (!setting.isBlank()) {
        int eq = setting.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("chora.faults.protocol: \"" + setting + "\" is not KEY=VALUE");
        }
        b.protocol(setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
      }
    }
    return b.start();
  }

  /** The same cluster if it can be restored, else a fresh one. */
  private static ChoraCluster recover(ChoraCluster cluster, int n) throws Exception {
    try {
      Faults.restore(cluster);
      return cluster;
    } catch (Exception | AssertionError e) {
      ChoraCluster.log("the cluster could not be restored (" + e + "); starting a fresh one");
      cluster.close();
      return start(n);
    }
  }

  static String failoverSummary(String what, int n, List<Double> millis) {
    List<Double> sorted = new ArrayList<>(millis);
    sorted.removeIf(d -> d.isNaN());
    long unresolved = sorted.stream().filter(d -> d.isInfinite()).count();
    sorted.sort(Double::compare);
    if (sorted.isEmpty()) {
      return what + " N=" + n + ": no measurement";
    }
    double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
        : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    return String.format(Locale.ROOT, "%s N=%d over %d kill -9 runs: median %s, worst %s, best %s%s (all: %s)", what,
        n, sorted.size(), Faults.millis(median), Faults.millis(sorted.get(sorted.size() - 1)), Faults.millis(sorted.get(0)),
        unresolved == 0 ? "" : "; " + unresolved + " not resumed within the 7 s window",
        sorted.stream().map(Faults::millis).toList());
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return e.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
  }
}
