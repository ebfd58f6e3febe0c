package dev.chora.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chora bench} end to end, small: three replica JVMs and a load-generator JVM over Artery
 * TCP, two short levels; the table, results.csv, the chart and the history come out, and nothing
 * is left running.
 */
class BenchEndToEndTest {
  @TempDir
  Path dir;

  @Test
  void aSmallBenchRunsAndWritesItsResults() throws Exception {
    Path history = dir.resolve("history.jsonl");
    CliTest.Run r = CliTest.run("bench", "--transport", "tcp", "--in-flight", "1,4", "--duration", "2s",
        "--warmup", "1s", "--keys", "100", "--idle", "1", "--idle-settle", "0s", "--out", dir.toString(), "--history", history.toString());
    assertEquals(0, r.code(), r.err());
    List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
    assertEquals(3, csv.size(), String.join("\n", csv));
    assertTrue(csv.get(1).startsWith("1,") && csv.get(2).startsWith("4,"), String.join("\n", csv));
    assertTrue(csv.get(0).contains("cpu_pct_replica-0") && csv.get(0).contains("cpu_pct_load"), csv.get(0));
    assertTrue(Files.size(dir.resolve("throughput-latency.png")) > 1000);
    List<String> idle = Files.readAllLines(dir.resolve("idle.csv"));
    assertEquals("process,idle_cpu_pct,without_replica_pct,chora_adds_pct", idle.get(0));
    assertEquals(4, idle.size(), "a row per replica: " + idle);
    for (String row : idle.subList(1, idle.size())) {
      assertTrue(row.matches("replica-\\d,[0-9.]+,[0-9.]+,-?[0-9.]+"), "measured with and without a replica: " + row);
    }
    List<String> ops = Files.readAllLines(history);
    assertTrue(ops.size() > 10, "history lines: " + ops.size());
    assertTrue(ops.get(0).contains("\"op\":\"put\""), ops.get(0));
    long ours = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count();
    assertEquals(0, ours, "every JVM the bench started has stopped");
  }

  @Test
  void aBenchOverMutualTlsMakesItsOwnKeys() throws Exception {
    CliTest.Run r = CliTest.run("bench", "--transport", "tls-tcp", "--in-flight", "4", "--duration", "2s",
        "--warmup", "1s", "--keys", "100", "--out", dir.toString());
    assertEquals(0, r.code(), r.err());
    List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
    assertEquals(2, csv.size(), String.join("\n", csv));
    assertTrue(csv.get(1).startsWith("4,"), String.join("\n", csv));
    try (var files = Files.walk(dir)) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().equals("truststore.p12")), "throwaway keys in the run");
    }
    String replicaConf = Files.readString(Files.walk(dir).filter(f -> f.getFileName().toString().equals("replica-0.conf"))
        .findFirst().orElseThrow());
    assertTrue(replicaConf.contains("node.transport = tls-tcp") && replicaConf.contains("password-file"), replicaConf);
    assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count());
  }
}
