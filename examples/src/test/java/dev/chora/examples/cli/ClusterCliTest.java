package dev.chora.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.examples.node.NodeConfig;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chora kv}, {@code chora admin status} and {@code chora bench --cluster} refuse bad input
 * with exit code 2 and one clear line, and say which addresses they tried when no group answers.
 */
class ClusterCliTest {
  @TempDir
  Path dir;

  static final String CLIENT = CliTest.REPLICAS + "node.hostname = \"127.0.0.1\"\nnode.port = 0\n";

  private Path file(String name, String text) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  private static void assertBadInput(CliTest.Run r, String expected) {
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(expected), r.err());
  }

  @Test
  void wrongArgumentsGiveUsageErrors() throws Exception {
    Path ok = file("client.conf", CLIENT);
    assertBadInput(CliTest.run("kv"), "name a command: put, get, delete or cas");
    assertBadInput(CliTest.run("kv", "put", "k", "--cluster", ok.toString()), "Missing required parameter: 'VALUE'");
    assertBadInput(CliTest.run("kv", "get", "k"), "Missing required option: '--cluster=FILE'");
    assertBadInput(CliTest.run("kv", "cas", "k", "v", "e", "extra", "--cluster", ok.toString()), "Unmatched argument");
    assertBadInput(CliTest.run("kv", "frob", "k"), "Unmatched argument");
    assertBadInput(CliTest.run("kv", "get", "k", "--cluster", ok.toString(), "--timeout", "0s"),
        "--timeout must be positive");
    assertBadInput(CliTest.run("admin"), "name a command: status");
    assertBadInput(CliTest.run("admin", "status"), "Missing required option: '--cluster=FILE'");
    CliTest.Run r = CliTest.run("bench", "--cluster", ok.toString(), "--replicas", "5", "--idle", "3", "--out",
        dir.toString());
    assertBadInput(r, "--replicas configures the replicas started here");
    assertTrue(r.err().contains("--idle configures"), r.err());
  }

  @Test
  void missingAndMalformedClientFilesExitTwoNamingTheProblem() throws Exception {
    Path missing = dir.resolve("nope.conf");
    assertBadInput(CliTest.run("kv", "get", "k", "--cluster", missing.toString()), "does not exist");
    assertBadInput(CliTest.run("admin", "status", "--cluster", file("bad.conf", "chora.replicas = [").toString()),
        "config file");
    assertBadInput(CliTest.run("kv", "get", "k", "--cluster", file("nohost.conf", CliTest.REPLICAS).toString()),
        "set node.hostname, node.port");
    assertBadInput(CliTest.run("kv", "get", "k", "--cluster",
        file("replica.conf", "chora.replica-id = 1\n" + CLIENT).toString()), "this is a replica's node file");
    assertBadInput(CliTest.run("kv", "get", "k", "--cluster",
        file("typo.conf", CLIENT + "node.transprot = tcp\n").toString()), "node.transport");
    assertBadInput(CliTest.run("bench", "--cluster", missing.toString(), "--out", dir.toString()), "does not exist");
  }

  /** The sample client file, as docs/cli.md shows it, uses only settings that exist. */
  @Test
  void theSampleClientFileIsAcceptedAndDocumented() throws Exception {
    com.typesafe.config.Config c = NodeConfig.clientFromFile(file("client.conf", NodeConfig.CLIENT_EXAMPLE));
    assertEquals(3, c.getStringList("pekko.cluster.seed-nodes").size(), "a client joins through any replica");
    assertEquals(0, c.getInt("pekko.remote.artery.canonical.port"));
    assertEquals(-1, c.getInt("chora.replica-id"));
    String doc = Files.readString(Path.of("..", "docs", "cli.md"));
    assertTrue(doc.contains(NodeConfig.CLIENT_EXAMPLE), "docs/cli.md shows NodeConfig.CLIENT_EXAMPLE");
  }

  @Test
  void anUnreachableClusterFailsWithinTheTimeoutNamingTheAddressesTried() throws Exception {
    int[] ports = new int[3];
    for (int i = 0; i < 3; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        ports[i] = s.getLocalPort();
      }
    }
    String replicas = "chora.replicas = [\"pekko://chora@127.0.0.1:" + ports[0] + "\", \"pekko://chora@127.0.0.1:"
        + ports[1] + "\", \"pekko://chora@127.0.0.1:" + ports[2] + "\"]\n";
    Path f = file("nobody.conf", replicas + "node.hostname = \"127.0.0.1\"\nnode.port = 0\n");
    long start = System.nanoTime();
    CliTest.Run r = CliTest.run("kv", "get", "k", "--cluster", f.toString(), "--timeout", "2s");
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("did not join the cluster within 2000 ms")
        && r.err().contains("127.0.0.1:" + ports[0]) && r.err().contains("127.0.0.1:" + ports[2]), r.err());
    assertTrue(seconds < 20, "bounded: " + seconds + " s");
  }
}
