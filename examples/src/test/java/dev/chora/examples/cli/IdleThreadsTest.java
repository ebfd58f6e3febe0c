package dev.chora.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class IdleThreadsTest {

  @Test
  void threadsAreGroupedByTheNamesPekkoAndChoraGiveThem() {
    assertEquals(IdleThreads.CHORA, IdleThreads.group("chora-chora.rep"));
    assertEquals(IdleThreads.CHORA, IdleThreads.group("chora-round-tic"));
    assertEquals(IdleThreads.PEKKO, IdleThreads.group("chora-pekko.rem"));
    assertEquals(IdleThreads.PEKKO, IdleThreads.group("chora-scheduler"));
    assertEquals(IdleThreads.JVM, IdleThreads.group("C2 CompilerThre"));
    assertEquals(IdleThreads.JVM, IdleThreads.group("GC Thread#0"));
  }

  @Test
  void percentsAreTheGrowthOverTheInterval() {
    Map<String, Double> before = Map.of("chora-chora.rep", 1.0, "chora-pekko.rem", 2.0, "C2 CompilerThre", 5.0);
    Map<String, Double> after = Map.of("chora-chora.rep", 1.2, "chora-pekko.rem", 2.5, "C2 CompilerThre", 5.0,
        "chora-scheduler", 0.1); // a thread first seen in the second sample counts from zero
    Map<String, Double> pct = IdleThreads.percentByGroup(before, after, 10);
    assertEquals(2.0, pct.get(IdleThreads.CHORA), 1e-9);
    assertEquals(6.0, pct.get(IdleThreads.PEKKO), 1e-9);
    assertEquals(0.0, pct.get(IdleThreads.JVM), 1e-9);
  }
}
