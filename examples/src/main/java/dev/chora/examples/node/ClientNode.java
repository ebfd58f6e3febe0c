package dev.chora.examples.node;

import dev.chora.transport.launch.EmbeddedDriverDirectory;
import com.typesafe.config.Config;
import dev.chora.actors.Chora;
import dev.chora.actors.GroupStatus;
import dev.chora.actors.ReplicaStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.CoordinatedShutdown;
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
        stop(system, Duration.ofSeconds(5));
        throw new IllegalStateException("this node (" + system.address() + ") did not join the cluster within "
            + timeout.toMillis() + " ms; it tried " + String.join(", ", config.getStringList("pekko.cluster.seed-nodes"))
            + ": is the group running, and can it reach this node back at its node.hostname and node.port?");
      }
      Thread.sleep(50);
    }
    return system;
  }

  /**
   * Why this node's actor system is shutting down or has shut down, said for a user, or empty
   * while it runs. Once Pekko shuts a node down, every ask fails with its scheduler's "cannot
   * enqueue after timer shutdown", which says nothing of the cause.
   */
  public static java.util.Optional<String> whyStopped(ActorSystem<?> system) {
    java.util.Optional<CoordinatedShutdown.Reason> reason = CoordinatedShutdown.get(system).getShutdownReason();
    if (reason.isEmpty() && !system.whenTerminated().isCompleted()) {
      return java.util.Optional.empty();
    }
    CoordinatedShutdown.Reason r = reason.orElse(CoordinatedShutdown.unknownReason());
    String why;
    if (r == CoordinatedShutdown.clusterDowningReason()) {
      why = "the cluster downed it: the other members found it unreachable for longer than"
          + " pekko.cluster.failure-detector.acceptable-heartbeat-pause, which on one machine means that this JVM"
          + " or the whole machine stalled (long GC pauses, CPU starvation by other processes)";
    } else if (r == CoordinatedShutdown.clusterLeavingReason()) {
      why = "it left the cluster";
    } else if (r == CoordinatedShutdown.actorSystemTerminateReason()) {
      why = "its actor system was terminated (ActorSystem.terminate)";
    } else if (r == CoordinatedShutdown.jvmExitReason()) {
      why = "the JVM is exiting (a signal such as Ctrl-C, or System.exit)";
    } else {
      why = "reason: " + r;
    }
    return java.util.Optional.of("this JVM's cluster node (" + system.address() + ") was shut down by Pekko, so it"
        + " can send no more requests; " + why);
  }

  /**
   * Terminates the actor system (leaving the cluster) and waits at most {@code wait} for it:
   * Pekko 1.7.0's Artery can wait forever for its streams when a system terminates
   * (docs/transport.md, "Known issue"). Returns whether it terminated in time.
   */
  public static boolean stop(ActorSystem<?> system, Duration wait) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return true;
    }
  }

  /** Waits until every replica reports NORMAL. */
  public static void awaitAllNormal(ActorSystem<?> system, int n, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<ReplicaStatus> s = statuses(system, n, Duration.ofSeconds(2));
      if (s.stream().allMatch(x -> x != null && x.view().isNormal())) {
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
    GroupStatus group = Chora.get(system).groupStatus(wait).toCompletableFuture().join();
    List<ReplicaStatus> result = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      result.add(group.replica(i).orElse(null));
    }
    return result;
  }

  /**
   * After {@code victim} was killed at {@code killedNanos}: how long until a survivor was NORMAL
   * in a view without it, or -1 if none was within {@code timeout}. Only the survivors are asked
   * (the victim never answers), as fast as they answer, so the figure is the fail-over itself to
   * within a status round trip, not the period of a progress line.
   */
  public static long nanosUntilRemoved(ActorSystem<?> system, int n, int victim, long killedNanos, Duration timeout) {
    long deadline = killedNanos + timeout.toNanos();
    while (System.nanoTime() - deadline < 0) {
      List<CompletableFuture<ReplicaStatus>> asks = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (i != victim) {
          asks.add(Chora.get(system).replicaStatus(i).toCompletableFuture());
        }
      }
      for (CompletableFuture<ReplicaStatus> a : asks) {
        try {
          ReplicaStatus s = a.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          if (s.view().isNormal() && !s.view().isActive(victim)) {
            return System.nanoTime() - killedNanos;
          }
        } catch (Exception e) {
          // a survivor that does not answer in time is asked again in the next pass
        }
      }
    }
    return -1;
  }
}
