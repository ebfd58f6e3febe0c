package dev.chora.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.examples.node.LocalCluster;
import dev.chora.examples.node.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One group of three replica JVMs over TCP, used from the command line as an operator would: the
 * key-value commands, {@code chora admin status} (table and JSON) and a short
 * {@code chora bench --cluster}, all from one client-node file.
 */
class ClusterCommandsEndToEndTest {
  @TempDir
  Path dir;

  @Test
  void kvAdminStatusAndBenchAgainstARunningGroup() throws Exception {
    try (LocalCluster cluster = new LocalCluster(dir.resolve("cluster"), 3, Transport.TCP, "", System.out)) {
      cluster.start();
      // Port 0: every command below is a new client node, each on a free port of its own.
      Path client = dir.resolve("client.conf");
      Files.writeString(client, cluster.clientNodeFile().replaceAll("(?m)^node\\.port = \\d+$", "node.port = 0"));
      String c = client.toString();

      assertKv(0, "OK", "put", "colour", "blue", "--cluster", c);
      assertKv(0, "blue", "get", "colour", "--cluster", c);
      assertKv(KvCli.CONFLICT, "CONFLICT blue", "cas", "colour", "red", "green", "--cluster", c);
      assertKv(0, "OK", "cas", "colour", "red", "blue", "--cluster", c);
      assertKv(0, "red", "get", "colour", "--cluster", c);
      assertKv(0, "OK", "delete", "colour", "--cluster", c);
      assertKv(KvCli.NOT_FOUND, "NOT_FOUND", "get", "colour", "--cluster", c);
      assertKv(KvCli.NOT_FOUND, "NOT_FOUND", "delete", "colour", "--cluster", c);
      assertKv(KvCli.CONFLICT, "CONFLICT", "cas", "colour", "x", "y", "--cluster", c);
      assertKv(0, "OK", "cas", "colour", "x", "--cluster", c);
      assertKv(0, "x", "get", "colour", "--cluster", c, "--entity", "default");
      assertKv(KvCli.NOT_FOUND, "NOT_FOUND", "get", "colour", "--cluster", c, "--entity", "another");

      CliTest.Run status = CliTest.run("admin", "status", "--cluster", c);
      assertEquals(0, status.code(), status.err());
      assertTrue(status.out().startsWith("view ") && status.out().contains(" NORMAL, active set [0, 1, 2]; 3 of 3"
          + " replicas answered"), status.out());
      List<String> rows = status.out().lines().filter(l -> l.matches("^[0-2] .*")).toList();
      assertEquals(3, rows.size(), status.out());
      for (String row : rows) {
        assertTrue(row.contains("NORMAL") && row.contains(" yes "), row);
      }
      CliTest.Run json = CliTest.run("admin", "status", "--cluster", c, "--json");
      assertEquals(0, json.code(), json.err());
      assertTrue(json.out().startsWith("{\"view\":") && json.out().contains("\"state\":\"NORMAL\",\"activeSet\":[0, 1, 2]")
          && json.out().contains("\"unanswered\":[]}") && json.out().contains("\"executedRound\":"), json.out());

      Path out = dir.resolve("bench");
      Path history = dir.resolve("history.jsonl");
      CliTest.Run bench = CliTest.run("bench", "--cluster", c, "--in-flight", "4", "--duration", "2s", "--warmup", "0s",
          "--keys", "50", "--out", out.toString(), "--history", history.toString());
      assertEquals(0, bench.code(), bench.err());
      List<String> csv = Files.readAllLines(out.resolve("results.csv"));
      assertEquals(2, csv.size(), String.join("\n", csv));
      assertTrue(csv.get(1).startsWith("4,"), String.join("\n", csv));
      assertTrue(Files.readAllLines(history).size() > 10, "a history of the run");
      for (int i = 0; i < 3; i++) {
        assertTrue(cluster.replica(i).isAlive(), "the group runs on after the bench: replica " + i);
      }
    }
    assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count());
  }

  private static void assertKv(int code, String line, String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "kv";
    System.arraycopy(args, 0, full, 1, args.length);
    CliTest.Run r = CliTest.run(full);
    assertEquals(code, r.code(), String.join(" ", full) + ": " + r.out() + r.err());
    assertEquals(line + System.lineSeparator(), r.out(), String.join(" ", full));
  }
}
