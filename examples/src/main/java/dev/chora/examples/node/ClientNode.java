package dev.chora.examples.node;

import dev.chora.transport.launch.EmbeddedDriverDirectory;
import com.typesafe.config.Config;
import dev.chora.actors.Chora;
import dev.chora.actors.ReplicaStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/** A cluster member without a replica (the demo's driver, the benchmark's load generator). */
public final class ClientNode {
  private ClientNode() {}

  /** Starts the actor system and returns once it is Up in the cluster. */
  public static ActorSystem<Void> start(Config config, Duration timeout) throws Exception {
    NodeConfig.checkPortFree(config);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), NodeConfig.SYSTEM_NAME, EmbeddedDriverDirectory.ownDirectory(config));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (Cluster.get(system).selfMember().status() != MemberStatus.up()) {
      if (System.nanoTime() > deadline) {
        system.terminate();
        throw new IllegalStateException("this node did not join the cluster within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(50);
    }
    return system;
  }

  /** Waits until every replica reports NORMAL. */
  public static void awaitAllNormal(ActorSystem<?> system, int n, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<ReplicaStatus> s = statuses(system, n, Duration.ofSeconds(2));
      if (s.stream().allMatch(x -> x != null && "NORMAL".equals(x.status()))) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not every replica is NORMAL after " + timeout.toSeconds() + " s: " + s);
      }
      Thread.sleep(100);
    }
  }

  /** Every replica's status, asked in parallel; null for one that did not answer within {@code wait}. */
  public static List<ReplicaStatus> statuses(ActorSystem<?> system, int n, Duration wait) {
    List<CompletableFuture<ReplicaStatus>> asks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      asks.add(Chora.get(system).replicaStatus(i).toCompletableFuture());
    }
    long deadline = System.nanoTime() + wait.toNanos();
    List<ReplicaStatus> result = new ArrayList<>();
    for (CompletableFuture<ReplicaStatus> a : asks) {
      try {
        result.add(a.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (Exception e) {
        result.add(null);
      }
    }
    return result;
  }
}
