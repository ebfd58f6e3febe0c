package dev.chora.transport.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalClusterLauncherTest {

  @TempDir Path dir;

  /** Each node's data directory: its own, the same for every incarnation, deleted at close unless the root was named. */
  @Test
  void dataDirectoriesAreEachNodesOwnAndDeletedUnlessKept() throws Exception {
    Path data;
    try (LocalClusterLauncher launcher = LocalClusterLauncher.builder(ArteryTransport.Kind.TCP, dir.resolve("run"), 3)
        .start()) {
      data = launcher.dataRoot();
      assertEquals(dir.resolve("run/data"), data);
      assertEquals(data.resolve("replica-2"), launcher.dataDirectory(2));
      assertThrows(IllegalArgumentException.class, () -> launcher.dataDirectory(3));
      Files.createDirectories(launcher.dataDirectory(1));
      Files.writeString(launcher.dataDirectory(1).resolve("log-1.seg"), "x");
    }
    assertFalse(Files.exists(data), "deleted at close");
    assertTrue(Files.exists(dir.resolve("run")), "the logs stay");

    Path named = dir.resolve("kept");
    try (LocalClusterLauncher launcher = LocalClusterLauncher.builder(ArteryTransport.Kind.TCP, dir.resolve("run2"), 1)
        .dataRoot(named, true).start()) {
      Files.createDirectories(launcher.dataDirectory(0));
      Files.writeString(launcher.dataDirectory(0).resolve("log-1.seg"), "x");
    }
    assertTrue(Files.exists(named.resolve("replica-0/log-1.seg")), "a root the caller named is kept");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LocalClusterLauncher
        .builder(ArteryTransport.Kind.TCP, dir, 1).dataRoot(Path.of("/dev/shm/chora"), false));
    assertTrue(e.getMessage().contains("/dev/shm (tmpfs, memory): a sync persists nothing there"), e.getMessage());
  }

  @Test
  void sharedDriverPortsAndIncarnationsAndEverythingStoppedOnClose() throws Exception {
    Path aeronDir;
    JvmProcess first;
    JvmProcess second;
    try (LocalClusterLauncher launcher = LocalClusterLauncher.builder(ArteryTransport.Kind.AERON_SHARED,
        dir.resolve("run"), 2).driverLogName("driver.log").start()) {
      assertEquals(2, launcher.size());
      MediaDriverProcess driver = launcher.driver();
      assertNotNull(driver);
      aeronDir = driver.aeronDirectory();
      assertTrue(Files.exists(dir.resolve("run/driver.log")));
      assertEquals(MediaDriverProcess.Mtu.LOOPBACK, driver.mtu());

      Set<Integer> ports = new HashSet<>(List.of(launcher.port(0), launcher.port(1)));
      assertEquals(2, ports.size(), "every node has a port of its own");
      assertTrue(ports.add(launcher.freePort()), "a further port is none of the nodes'");
      assertEquals("pekko://chora@127.0.0.1:" + launcher.port(1), launcher.address(1));
      assertEquals("[\"" + launcher.address(0) + "\", \"" + launcher.address(1) + "\"]", launcher.addressesHocon());

      Config artery = launcher.artery(launcher.port(0));
      assertEquals("aeron-udp", artery.getString("pekko.remote.artery.transport"));
      assertEquals(aeronDir.toString(), artery.getString("pekko.remote.artery.advanced.aeron.aeron-dir"));
      assertEquals(ArteryTransport.SHARED_IDLE_CPU_LEVEL, artery.getInt("pekko.remote.artery.advanced.aeron.idle-cpu-level"));

      Path conf = launcher.writeFile("node-0.conf", "a = 1\n");
      assertEquals("a = 1\n", Files.readString(conf));

      assertNull(launcher.process(0));
      first = launcher.start(0, sleeper(launcher, "node-0.log"));
      first.awaitLogLine("started", Duration.ofSeconds(30));
      assertThrows(IllegalStateException.class, () -> launcher.start(0, sleeper(launcher, "node-0-again.log")),
          "one address, one JVM");
      launcher.kill(0);
      assertFalse(first.isAlive());
      second = launcher.start(0, sleeper(launcher, "node-0-restart-1.log"));
      assertEquals(2, launcher.incarnations(0));
      assertEquals(List.of(dir.resolve("run/node-0.log"), dir.resolve("run/node-0-restart-1.log")),
          launcher.logFiles(0));
      assertEquals(second, launcher.process(0));
      assertEquals(0, launcher.incarnations(1));
    }
    assertFalse(second.isAlive(), "close stops the node JVMs");
    assertFalse(Files.exists(aeronDir), "and the driver, which removes its directory");
  }

  @Test
  void tcpHasNoDriverAndAZeroGraceKills() throws Exception {
    JvmProcess node;
    try (LocalClusterLauncher launcher = LocalClusterLauncher.builder(ArteryTransport.Kind.TCP, dir, 1)
        .systemName("other").stopGrace(Duration.ZERO).start()) {
      assertNull(launcher.driver());
      assertEquals("pekko://other@127.0.0.1:" + launcher.port(0), launcher.address(0));
      assertEquals("tcp", launcher.artery(launcher.port(0)).getString("pekko.remote.artery.transport"));
      node = launcher.start(0, sleeper(launcher, "n.log"));
      node.awaitLogLine("started", Duration.ofSeconds(30));
    }
    assertFalse(node.isAlive());
    assertEquals(137, node.exitCode(), "SIGKILL, no grace");
  }

  private static JvmProcess.Builder sleeper(LocalClusterLauncher launcher, String log) {
    return JvmProcess.builder(TestMain.class.getName()).jvmOptions(TestMain.LIGHT_JVM).args("sleep")
        .logFile(launcher.directory().resolve(log));
  }
}
