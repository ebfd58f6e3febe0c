package dev.chora.examples.cli;

import dev.chora.actors.ReplicaStatus;
import dev.chora.examples.bank.BankCommand;
import dev.chora.examples.bank.BankReply;
import dev.chora.examples.bench.ClosedLoop;
import dev.chora.examples.demo.DurabilityLedger;
import dev.chora.examples.demo.MixedWorkload;
import dev.chora.examples.node.ClientNode;
import dev.chora.examples.node.LocalCluster;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * {@code chora demo}'s all-crash phase (durable mode): every replica SIGKILLed at the same moment
 * under load, all restarted from their data directories, and then every write acknowledged before
 * the crash read back ({@link DurabilityLedger}) and the bank's total checked, before the load goes
 * on. This JVM's client node was a member of the cluster that died with the replicas (replica 0
 * founds a new one when it restarts), so it is replaced by a new one; the load moves to it.
 */
final class AllCrashPhase {
  /** What the phase found, and the client node the demo goes on with. */
  record Outcome(boolean passed, String summary, ActorSystem<Void> client, long crashedNanos, long resumedNanos) {}

  private final LocalCluster cluster;
  private final Consumer<String> event;
  private final Consumer<String> progress;
  private final Callable<ActorSystem<Void>> newClient;

  /**
   * @param event     prints an event line
   * @param progress  rewrites the progress line
   * @param newClient starts a new client node of the (new) cluster and waits until it is Up
   */
  AllCrashPhase(LocalCluster cluster, Consumer<String> event, Consumer<String> progress,
      Callable<ActorSystem<Void>> newClient) {
    this.cluster = cluster;
    this.event = event;
    this.progress = progress;
    this.newClient = newClient;
  }

  /**
   * Runs the phase while {@code loop} drives {@code workload} through {@code client} with {@code
   * clients} workers; returns with the load running again through the new client node, or, if the
   * group did not come back, stopped.
   */
  Outcome run(ActorSystem<Void> client, ClosedLoop loop, MixedWorkload workload, int clients) throws Exception {
    int n = cluster.size();
    StringBuilder pids = new StringBuilder();
    for (int i = 0; i < n; i++) {
      pids.append(i == 0 ? "" : ", ").append(cluster.replica(i).pid());
    }
    int ackedAtKill = workload.ledger().acknowledged();
    long crashed = System.nanoTime();
    cluster.killAll();
    event.accept("ALL-CRASH: SIGKILL every replica at the same moment (pids " + pids + ") with " + clients
        + " clients mid-load; " + ackedAtKill + " ledger writes (each to a key of its own) acknowledged so far");
    // The client node's cluster died with the replicas: no new commands; its outstanding ones end
    // as unknown when it stops, which may take seconds (Artery waits for its streams to dead peers),
    // so it stops while the replicas restart.
    loop.stopAndDrain(0);
    Thread stopping = new Thread(() -> ClientNode.stop(client, Duration.ofSeconds(10)), "demo-old-client-stop");
    stopping.setDaemon(true);
    stopping.start();
    event.accept("restarting all " + n + " replicas from their data directories: each replays its snapshot and"
        + " log; this JVM's client node is replaced (its cluster died with them)");
    try {
      cluster.restartAll();
    } catch (Exception e) {
      return new Outcome(false, "FAIL: the replicas did not all come back from disk: " + e.getMessage(), null,
          crashed, 0);
    } finally {
      stopping.join(15_000);
      loop.stopAndDrain(10_000);
    }
    // Every command of the old client node has ended by now: an acknowledgement that came after the
    // kill was still a write the replicas had made durable.
    int acked = workload.ledger().acknowledged();
    ActorSystem<Void> next = newClient.call();
    ClientNode.awaitAllNormal(next, n, Duration.ofMinutes(1));
    long resumed = System.nanoTime();
    List<ReplicaStatus> s = ClientNode.statuses(next, n, Duration.ofSeconds(2));
    ReplicaStatus ref = s.get(0);
    event.accept(String.format(Locale.ROOT, "all %d replicas back from disk and NORMAL%s, %.1f s after the crash;"
            + " this JVM joined the new cluster as %s", n,
        ref == null ? "" : " in view " + ref.view().number() + " at executed round " + ref.progress().executedRound(),
        (resumed - crashed) / 1e9, next.address()));

    event.accept("checking that every acknowledged write survived: reading back all " + acked
        + " ledger writes acknowledged before the crash, each from its own key, and the bank's total");
    workload.bind(next);
    DurabilityLedger.Check check = workload.ledger().verify(next, 0, acked,
        done -> progress.accept(String.format(Locale.ROOT, "  checked %d of %d acknowledged writes", done, acked)));
    BankReply total = workload.bank().ask(new BankCommand.GetTotal(), Duration.ofSeconds(10)).toCompletableFuture()
        .get(15, TimeUnit.SECONDS);
    boolean bankOk = total.value() == MixedWorkload.expectedTotal();
    boolean passed = acked > 0 && check.passed() && bankOk;
    String summary;
    if (passed) {
      summary = "PASS: all " + check.checked() + " writes acknowledged before the crash read back with their values;"
          + " bank total " + total.value() + " as opened";
    } else if (acked == 0) {
      summary = "FAIL: no ledger write was acknowledged before the crash, so none could be checked";
    } else {
      summary = "FAIL: " + check.missing().size() + " of " + check.checked() + " acknowledged writes lost"
          + (check.missing().isEmpty() ? "" : ", e.g. " + check.missing().subList(0, Math.min(5, check.missing().size())))
          + "; bank total " + total.value() + (bankOk ? " as opened" : ", opened with " + MixedWorkload.expectedTotal());
    }
    event.accept("all-crash " + summary);
    loop.start(clients);
    event.accept("load resumed through the new client node");
    return new Outcome(passed, summary, next, crashed, resumed);
  }
}
