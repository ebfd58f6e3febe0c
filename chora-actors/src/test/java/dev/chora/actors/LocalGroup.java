package dev.chora.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * N actor systems in this JVM on 127.0.0.1, each configured as replica i of one group, everything
 * from configuration as an application would; {@link #close()} terminates them all.
 */
final class LocalGroup {
  final List<ActorSystem<Void>> systems = new ArrayList<>();

  /** Nodes after the replicas: cluster members without a replica (replica-id -1). */
  final List<ActorSystem<Void>> clients = new ArrayList<>();

  /** @param extraConfig HOCON added to every node's configuration (before the defaults) */
  LocalGroup(int n, String extraConfig) throws Exception {
    this(n, 0, extraConfig);
  }

  /** {@code n} replicas and {@code clientNodes} nodes without one. */
  LocalGroup(int n, int clientNodes, String extraConfig) throws Exception {
    List<Integer> ports = new ArrayList<>();
    StringBuilder addresses = new StringBuilder();
    for (int i = 0; i < n + clientNodes; i++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        ports.add(s.getLocalPort());
      }
      if (i < n) {
        addresses.append(i == 0 ? "" : ", ").append("\"pekko://chora@127.0.0.1:").append(ports.get(i)).append('"');
      }
    }
    for (int i = 0; i < n + clientNodes; i++) {
      Config c = ConfigFactory.parseString(extraConfig + "\n"
          + "pekko.cluster.seed-nodes = [\"pekko://chora@127.0.0.1:" + ports.get(0) + "\"]\n"
          + "pekko.remote.artery.transport = tcp\n"
          + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
          + "pekko.remote.artery.canonical.port = " + ports.get(i) + "\n"
          + "pekko.loglevel = WARNING\n"
          + "chora.replica-id = " + (i < n ? i : -1) + "\n"
          + "pekko.cluster.roles = [" + (i < n ? "chora-replica" : "client") + "]\n"
          + "chora.replicas = [" + addresses + "]\n")
          .withFallback(ConfigFactory.load());
      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "chora", c);
      (i < n ? systems : clients).add(system);
    }
  }

  ActorSystem<Void> get(int i) {
    return systems.get(i);
  }

  void close() throws Exception {
    List<ActorSystem<Void>> all = new ArrayList<>(systems);
    all.addAll(clients);
    for (ActorSystem<Void> s : all) {
      s.terminate();
    }
    for (ActorSystem<Void> s : all) {
      s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
