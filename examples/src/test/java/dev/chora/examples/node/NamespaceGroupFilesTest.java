package dev.chora.examples.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.chora.examples.cli.CliException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node files of bench/netns-bench.sh: each member on its own namespace's address and media
 * driver, the replicas with chora bench's local-cluster settings unless --node-conf overrides them,
 * and bad input refused before anything starts.
 */
class NamespaceGroupFilesTest {
  private static final List<String> HOSTS = List.of("10.77.0.1", "10.77.0.2", "10.77.0.3");
  private static final List<String> DIRS = List.of("/dev/shm/d-r0", "/dev/shm/d-r1", "/dev/shm/d-r2", "/dev/shm/d-load");

  @TempDir Path dir;

  private NamespaceGroupFiles files(Transport transport, List<String> dirs, Map<String, String> nodeConf) {
    return new NamespaceGroupFiles(HOSTS, 25520, "10.77.0.10", transport, dirs, "durable", dir.resolve("data"),
        nodeConf);
  }

  @Test
  void eachMemberIsOnItsOwnAddressAndDriver() throws Exception {
    List<Path> written = files(Transport.AERON_SHARED, DIRS, Map.of()).write(dir.resolve("conf"));
    assertEquals(4, written.size());
    for (int i = 0; i < 3; i++) {
      Config c = NodeConfig.fromFile(written.get(i));
      assertEquals(i, c.getInt("chora.replica-id"));
      assertEquals(HOSTS.get(i), c.getString("pekko.remote.artery.canonical.hostname"));
      assertEquals(25520, c.getInt("pekko.remote.artery.canonical.port"));
      assertEquals("aeron-udp", c.getString("pekko.remote.artery.transport"));
      assertEquals(DIRS.get(i), c.getString("pekko.remote.artery.advanced.aeron.aeron-dir"));
      assertEquals(dir.resolve("data").resolve("replica-" + i).toString(), c.getString("chora.storage.data-dir"));
      assertEquals(List.of("pekko://chora@10.77.0.1:25520", "pekko://chora@10.77.0.2:25520",
          "pekko://chora@10.77.0.3:25520"), c.getStringList("chora.replicas"));
      assertEquals("pekko.remote.default-remote-dispatcher", c.getString("chora.replica-dispatcher"),
          "the local cluster's threads, so that only the network differs from a loopback chora bench");
      assertEquals(5, c.getDuration("chora.protocol.round-timeout").toMillis());
    }
    Config load = NodeConfig.clientFromFile(written.get(3));
    assertEquals("10.77.0.10", load.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals(0, load.getInt("pekko.remote.artery.canonical.port"));
    assertEquals(DIRS.get(3), load.getString("pekko.remote.artery.advanced.aeron.aeron-dir"));
  }

  @Test
  void nodeConfOverridesTheDefaultsOfEveryReplica() throws Exception {
    List<Path> written = files(Transport.TCP, List.of(),
        Map.of("chora.protocol.round-timeout", "7ms", "pekko.cluster.split-brain-resolver.stable-after", "9s"))
        .write(dir.resolve("conf"));
    for (int i = 0; i < 3; i++) {
      Config c = NodeConfig.fromFile(written.get(i));
      assertEquals("tcp", c.getString("pekko.remote.artery.transport"));
      assertEquals(7, c.getDuration("chora.protocol.round-timeout").toMillis());
      assertEquals(9, c.getDuration("pekko.cluster.split-brain-resolver.stable-after").toSeconds());
    }
  }

  @Test
  void aMisspeltSettingStopsTheRunNamingTheNearestKey() {
    CliException e = assertThrows(CliException.class, () -> files(Transport.TCP, List.of(),
        Map.of("chora.protocol.round-timout", "5ms")).write(dir.resolve("conf")));
    assertTrue(e.getMessage().contains("round-timeout"), e.getMessage());
  }

  @Test
  void badInputIsRefusedWithWhatToDo() {
    CliException node = assertThrows(CliException.class,
        () -> files(Transport.TCP, List.of(), Map.of("node.transport", "tcp")));
    assertTrue(node.getMessage().contains("chora.* or pekko.*"), node.getMessage());
    CliException dirs = assertThrows(CliException.class,
        () -> files(Transport.AERON_SHARED, DIRS.subList(0, 3), Map.of()));
    assertTrue(dirs.getMessage().contains("needs 4 media driver directories"), dirs.getMessage());
    CliException tls = assertThrows(CliException.class, () -> files(Transport.TLS_TCP, List.of(), Map.of()));
    assertTrue(tls.getMessage().contains("tls-tcp"), tls.getMessage());
    assertTrue(Files.notExists(dir.resolve("conf")), "nothing written on bad input");
  }
}
