package dev.chora.examples.node;

import dev.chora.transport.launch.EmbeddedDriverDirectory;
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
    return run(config, out, true);
  }

  /**
   * As {@link #run(Config, PrintStream)}; with {@code startReplica} false the node joins the
   * cluster with the replica's every transport and cluster setting but starts no Chora replica,
   * and reports {@code chora node: member N up without a replica} once Up: the same JVM without
   * Chora, which is what {@code chora bench --idle} holds an idle replica's CPU against.
   */
  public static int run(Config config, PrintStream out, boolean startReplica) throws Exception {
    int id = config.getInt("chora.replica-id");
    NodeConfig.checkPortFree(config);
    dev.chora.examples.cli.ChoraCli.initLogging();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), NodeConfig.SYSTEM_NAME, EmbeddedDriverDirectory.ownDirectory(config));
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
    if (!startReplica) {
      if (awaitUp(system, Duration.ofMinutes(10))) {
        out.println("chora node: member " + id + " up without a replica at " + system.address());
        out.flush();
      }
      system.getWhenTerminated().toCompletableFuture().get();
      return 0;
    }
    Chora chora = Chora.get(system);
    try {
      chora.startReplica(ExampleEntities.all());
    } catch (RuntimeException e) {
      // A data directory in use or damaged: nothing runs, and the node says why.
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(15, TimeUnit.SECONDS);
      throw e;
    }
    dev.chora.actors.StorageSettings storage = chora.settings().storage();
    out.println("chora node: replica " + id + " starting at " + system.address() + (storage.durable()
        ? " (durable, data directory " + storage.dataDir() + ")"
        : " (memory, restarted = " + config.getBoolean("chora.restarted") + ")"));
    out.flush();
    ReplicaStatus status = awaitNormal(system, id, Duration.ofMinutes(10));
    if (status != null) {
      out.println("chora node: replica " + id + " ready (view " + status.view().number() + ", round "
          + status.progress().currentRound() + ", executed round " + status.progress().executedRound() + ")");
      out.flush();
    }
    system.getWhenTerminated().toCompletableFuture().get();
    return 0;
  }

  /** Polls until this node is Up in the cluster; false if the system terminated first or time ran out. */
  static boolean awaitUp(ActorSystem<?> system, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && !system.getWhenTerminated().toCompletableFuture().isDone()) {
      if (Cluster.get(system).selfMember().status() == MemberStatus.up()) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
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
        if (s.view().isNormal()
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
