package dev.chora.examples.node;

import com.typesafe.config.Config;
import dev.chora.actors.Chora;
import dev.chora.actors.ReplicaStatus;
import dev.chora.examples.ExampleEntities;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * One replica hosting every example entity type: starts the actor system {@code chora}, the
 * replica, and reports {@code chora node: replica N ready} once the replica is NORMAL and the node
 * is Up in the cluster. Stops
 * cleanly (Pekko's coordinated shutdown) on SIGTERM.
 */
public final class ReplicaNode {
  private ReplicaNode() {}

  /** Runs until the actor system terminates (SIGTERM); returns the exit code. */
  public static int run(Config config, PrintStream out) throws Exception {
    int id = config.getInt("chora.replica-id");
    NodeConfig.checkPortFree(config);
    dev.chora.examples.cli.ChoraCli.initLogging();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), NodeConfig.SYSTEM_NAME, config);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(15, TimeUnit.SECONDS);
      } catch (Exception e) {
        // exiting anyway
      }
      out.println("chora node: replica " + id + " stopped");
      out.flush();
    }, "chora-node-stop"));
    Chora chora = Chora.get(system);
    chora.startReplica(ExampleEntities.all());
    out.println("chora node: replica " + id + " starting at " + system.address() + " (restarted = "
        + config.getBoolean("chora.restarted") + ")");
    out.flush();
    ReplicaStatus status = awaitNormal(system, id, Duration.ofMinutes(10));
    if (status != null) {
      out.println("chora node: replica " + id + " ready (view " + status.view() + ", round " + status.currentRound()
          + ", executed round " + status.executedRound() + ")");
      out.flush();
    }
    system.getWhenTerminated().toCompletableFuture().get();
    return 0;
  }

  /**
   * Polls until the replica is NORMAL and this node is Up in the cluster; null if the system
   * terminated first or time ran out.
   */
  static ReplicaStatus awaitNormal(ActorSystem<?> system, int id, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && !system.getWhenTerminated().toCompletableFuture().isDone()) {
      try {
        ReplicaStatus s = Chora.get(system).replicaStatus(id).toCompletableFuture().get(2, TimeUnit.SECONDS);
        if ("NORMAL".equals(s.status())
            && Cluster.get(system).selfMember().status() == MemberStatus.up()) {
          return s;
        }
      } catch (Exception e) {
        // not answering yet
      }
      Thread.sleep(100);
    }
    return null;
  }
}
