package dev.chora.multijvm;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import dev.chora.transport.launch.ArteryTransport;
import dev.chora.transport.launch.LocalClusterLauncher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The configuration of every member of a {@link ChoraCluster}: the test JVM's actor system and
 * the file each node JVM loads ({@code -Dconfig.file}). All members share the kit's Pekko
 * settings, the transport of the cluster's {@link LocalClusterLauncher}, the replicas' addresses,
 * the test's protocol settings and its HOCON (which wins over the kit's); they differ only in
 * identity (replica id, role, restarted, data directory) and log level.
 */
final class MemberConfig {
  private final LocalClusterLauncher launcher;
  private final String seedAddress;
  private final Map<String, String> protocol;
  private final List<String> userHocon;

  /**
   * @param seedAddress the test JVM's address: the seed node, which every replica joins, so that a
   *     restarted replica (even replica 0) always finds one
   */
  MemberConfig(LocalClusterLauncher launcher, String seedAddress, Map<String, String> protocol, List<String> userHocon) {
    this.launcher = launcher;
    this.seedAddress = seedAddress;
    this.protocol = Map.copyOf(protocol);
    this.userHocon = List.copyOf(userHocon);
  }

  /** The test JVM's configuration, as a member on {@code port} without a replica. */
  Config testJvm(int port) {
    return testJvm(port, launcher.artery(port));
  }

  /**
   * The test JVM's configuration on {@code port}, with Artery's {@code artery} (its whole transport
   * and address) instead of the cluster's.
   */
  Config testJvm(int port, Config artery) {
    Config identity = ConfigFactory.parseString("chora.replica-id = -1\n"
        + "pekko.cluster.roles = [\"" + ChoraCluster.TEST_ROLE + "\"]\n"
        + "pekko.loglevel = WARNING\n"
        // The test JVM's system ends with the test: no leaving the cluster first.
        + "pekko.coordinated-shutdown.run-by-actor-system-terminate = off\n"
        + "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off\n");
    return identity.withFallback(common(artery)).withFallback(ConfigFactory.load()).resolve();
  }

  /**
   * Writes the file node {@code id}'s JVM loads as {@code -Dconfig.file}; returns it. With storage
   * settings in the library, the node's own data directory (which no HOCON of the test overrides:
   * two replicas on one directory cannot both start) and the builder's storage mode, if any.
   */
  Path writeNodeFile(int id, boolean restarted, StorageChoice data) throws IOException {
    StringBuilder storage = new StringBuilder();
    if (data.supported()) {
      // Its own, kept across its restarts, deleted with the cluster (never the JVM's working directory).
      storage.append(StorageChoice.DIR_PATH).append(" = ")
          .append(ConfigValueFactory.fromAnyRef(launcher.dataDirectory(id).toString()).render(ConfigRenderOptions.concise()))
          .append('\n');
      if (data.explicitMode() != null) {
        storage.append(StorageChoice.MODE_PATH).append(" = ").append(data.explicitMode()).append('\n');
      }
    }
    Config identity = ConfigFactory.parseString("chora.replica-id = " + id + "\n"
        + "chora.restarted = " + restarted + "\n"
        + storage
        + "pekko.cluster.roles = [\"chora-replica\"]\n")
        .withFallback(ConfigFactory.parseMap(Map.of("pekko.loglevel", "INFO", "pekko.cluster.log-info", "on")));
    Config c = identity.withOnlyPath("chora").withFallback(identity.withOnlyPath("pekko.cluster.roles"))
        .withFallback(common(launcher.artery(launcher.port(id))))
        .withFallback(identity);
    return launcher.writeFile("node-" + id + (restarted ? "-restarted" : "") + ".conf",
        "# written by ChoraCluster for replica " + id + "\n" + ArteryTransport.render(c));
  }

  /** Everything but the member's identity and its Artery settings, {@code artery}. */
  private Config common(Config artery) {
    StringBuilder h = new StringBuilder();
    h.append("pekko.actor.provider = cluster\n");
    h.append("pekko.remote.artery.advanced.test-mode = on\n");
    // Artery waits this long for its inbound Aeron channel (default 3 s): too short on a loaded machine.
    h.append("pekko.remote.artery.bind.bind-timeout = 30s\n");
    h.append("pekko.cluster.seed-nodes = [\"").append(seedAddress).append("\"]\n");
    // A restarted node's first join only makes the cluster remove its old incarnation; the join is
    // retried after this (default 10 s, which would dominate every restart).
    h.append("pekko.cluster.retry-unsuccessful-join-after = 2s\n");
    h.append("pekko.cluster.downing-provider-class = \"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"\n");
    h.append("pekko.cluster.split-brain-resolver.active-strategy = keep-majority\n");
    // Only the replicas count: the test JVM (and any client node) must not tip a partition.
    h.append("pekko.cluster.split-brain-resolver.keep-majority.role = \"chora-replica\"\n");
    // On a loaded test machine heartbeats are late for seconds at a time; Pekko's default then
    // downs every member ("instability"), which ends the test rather than testing Chora.
    h.append("pekko.cluster.split-brain-resolver.down-all-when-unstable = off\n");
    // When more than f replicas crash at once (ChoraCluster.crashAndRestartFromDisk), the members
    // left, the test JVM among them, hold a minority of the replicas or none: after stable-after the
    // resolver's leader downs its own side, the test JVM included, which ends the test. Their new
    // incarnations replace the old members when they join, but on a loaded machine three JVMs took
    // over 30 s to do so (Pekko's default is 20 s). The kit tests Chora's recovery, not downing.
    h.append("pekko.cluster.split-brain-resolver.stable-after = 120s\n");
    h.append("pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n");
    h.append("pekko.log-dead-letters = off\n");
    h.append("pekko.log-dead-letters-during-shutdown = off\n");
    h.append("pekko.coordinated-shutdown.exit-jvm = off\n");
    h.append("chora.replicas = ").append(launcher.addressesHocon()).append('\n');
    for (Map.Entry<String, String> e : protocol.entrySet()) {
      h.append("chora.protocol.").append(e.getKey()).append(" = \"").append(e.getValue()).append("\"\n");
    }
    Config user = ConfigFactory.empty();
    for (String c : userHocon) {
      user = ConfigFactory.parseString(c).withFallback(user);
    }
    return user.withFallback(artery).withFallback(ConfigFactory.parseString(h.toString()));
  }
}
