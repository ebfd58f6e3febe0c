package dev.chora.examples.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.chora.actors.ReplicaStatus;
import dev.chora.examples.node.ClientNode;
import dev.chora.examples.node.NodeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark's load, in its own JVM (started by {@code chora bench}): a cluster member without
 * a replica that runs the closed loop at each in-flight level and reports on stdout, one line per
 * event, for the command line to read: {@code chora-load: ready}, {@code level-start N},
 * {@code progress ...}, {@code level-end <LevelResult.encode()>}, {@code done}.
 */
@Command(name = "chora-load")
public final class LoadGenerator implements Callable<Integer> {
  @Option(names = "--node-config", required = true) Path nodeConfig;
  @Option(names = "--replicas", required = true) int replicas;
  @Option(names = "--in-flight", required = true, split = ",") List<Integer> levels;
  @Option(names = "--command-bytes", required = true) int commandBytes;
  @Option(names = "--keys", required = true) int keys;
  @Option(names = "--duration-ms", required = true) long durationMs;
  @Option(names = "--warmup-ms", required = true) long warmupMs;
  @Option(names = "--timeout-ms", defaultValue = "10000") long timeoutMs;
  @Option(names = "--history") Path history;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadGenerator()).execute(args));
  }

  static void say(String line) {
    System.out.println("chora-load: " + line);
    System.out.flush();
  }

  @Override
  public Integer call() throws Exception {
    Config user = ConfigFactory.parseFile(nodeConfig.toFile());
    Config config = NodeConfig.build(user, -1, user.getStringList("chora.replicas"), false);
    dev.chora.examples.cli.ChoraCli.initLogging();
    ActorSystem<Void> system = ClientNode.start(config, Duration.ofMinutes(1));
    HistoryWriter writer = history == null ? null : new HistoryWriter(history);
    try {
      ClientNode.awaitAllNormal(system, replicas, Duration.ofMinutes(1));
      KvPutWorkload workload = new KvPutWorkload(system, keys, commandBytes, Duration.ofMillis(timeoutMs));
      ClosedLoop loop = new ClosedLoop(workload, writer, "load-");
      say("ready");
      if (warmupMs > 0) {
        int warm = levels.stream().max(Integer::compare).orElse(1);
        say("warmup " + warm);
        runLevel(system, loop, warm, warmupMs);
      }
      for (int level : levels) {
        say("level-start " + level);
        LevelResult r = runLevel(system, loop, level, durationMs);
        say("level-end " + r.encode());
      }
      say("done");
      return 0;
    } finally {
      if (writer != null) {
        writer.close();
      }
      if (!ClientNode.stop(system, Duration.ofSeconds(TERMINATE_WAIT_SECONDS))) {
        System.out.println("chora-load: the actor system did not terminate within " + TERMINATE_WAIT_SECONDS
            + " s; exiting anyway");
      }
    }
  }

  private static final int TERMINATE_WAIT_SECONDS = 20;

  private LevelResult runLevel(ActorSystem<?> system, ClosedLoop loop, int inFlight, long ms) throws Exception {
    List<ReplicaStatus> before = ClientNode.statuses(system, replicas, Duration.ofSeconds(2));
    loop.resetLevel();
    long start = System.nanoTime();
    long end = start + ms * 1_000_000;
    loop.start(inFlight);
    long lastOps = 0;
    long lastTick = start;
    while (true) {
      long now = System.nanoTime();
      if (now >= end) {
        break;
      }
      Thread.sleep(Math.min(1000, Math.max(1, (end - now) / 1_000_000)));
      java.util.Optional<String> stopped = ClientNode.whyStopped(system);
      if (stopped.isPresent()) {
        throw new IllegalStateException("the load generator stops: " + stopped.get());
      }
      long t = System.nanoTime();
      if (t - lastTick >= 900_000_000L) {
        long ops = loop.ok();
        LatencyHistogram h = loop.takeInterval();
        say(String.format(Locale.ROOT, "progress in-flight %d  %4.0f s  %8.0f ops/s  p50 %6.2f ms  p99 %7.2f ms  errors %d",
            inFlight, (t - start) / 1e9, (ops - lastOps) / ((t - lastTick) / 1e9), h.percentileMillis(0.5),
            h.percentileMillis(0.99), loop.failed() + loop.timedOut()));
        lastOps = ops;
        lastTick = t;
      }
    }
    long ops = loop.ok();
    double seconds = (System.nanoTime() - start) / 1e9;
    List<ReplicaStatus> after = ClientNode.statuses(system, replicas, Duration.ofSeconds(2));
    loop.stopAndDrain(timeoutMs + 2_000);
    LatencyHistogram h = loop.level();
    double rateSum = 0;
    double commitSum = 0;
    int rates = 0;
    long violations = 0;
    long viewChanges = 0;
    double syncRateSum = 0;
    long bytesWritten = 0;
    double syncP99 = 0;
    boolean durable = false;
    long timed = 0;
    long waitNanos = 0;
    long replicationNanos = 0;
    for (int i = 0; i < replicas; i++) {
      ReplicaStatus b = before.get(i);
      ReplicaStatus a = after.get(i);
      if (a != null && b != null && a.sampledAtNanos() > b.sampledAtNanos() && a.storage().durable()) {
        durable = true;
        double sampled = (a.sampledAtNanos() - b.sampledAtNanos()) / 1e9;
        syncRateSum += (a.storage().syncs() - b.storage().syncs()) / sampled;
        bytesWritten += a.storage().bytesWritten() - b.storage().bytesWritten();
        syncP99 = Math.max(syncP99, a.storage().syncP99Millis());
      }
      if (a != null && b != null && a.requests().timed() >= b.requests().timed()) {
        timed += a.requests().timed() - b.requests().timed();
        waitNanos += a.requests().waitNanos() - b.requests().waitNanos();
        replicationNanos += a.requests().replicationNanos() - b.requests().replicationNanos();
      }
      if (a != null && b != null && a.sampledAtNanos() > b.sampledAtNanos()
          && a.rounds().entered() >= b.rounds().entered()) {
        rateSum += (a.rounds().entered() - b.rounds().entered()) / ((a.sampledAtNanos() - b.sampledAtNanos()) / 1e9);
        commitSum += a.rounds().commitLatencyP50Millis();
        rates++;
        violations += a.rounds().violations() - b.rounds().violations();
        viewChanges += a.viewChanges().started() - b.viewChanges().started();
        // For the log only: whether a replica fell behind and the others answered it with their
        // view rather than following it (docs/protocol.md), and how often views timed out.
        say(String.format(Locale.ROOT, "replica %d in-flight %d: view changes %d, timed out %d, outsiders answered %d,"
                + " views fallen back to %d", i, inFlight, a.viewChanges().started() - b.viewChanges().started(),
            a.viewChanges().timeouts() - b.viewChanges().timeouts(),
            a.viewChanges().outsidersAnswered() - b.viewChanges().outsidersAnswered(),
            a.viewChanges().fallenBackTo() - b.viewChanges().fallenBackTo()));
      }
    }
    return new LevelResult(inFlight, seconds, ops, loop.failed(), loop.timedOut(), h.percentileMillis(0.5),
        h.percentileMillis(0.99), h.maxMillis(), rates == 0 ? 0 : rateSum / rates, rates == 0 ? 0 : commitSum / rates,
        violations, viewChanges, new LinkedHashMap<>(), !durable ? LevelResult.Disk.NONE
            : new LevelResult.Disk(syncRateSum / replicas, ops == 0 ? 0 : (double) bytesWritten / ops, syncP99),
        timed == 0 ? LevelResult.RequestPath.NONE : new LevelResult.RequestPath(h.meanMillis(),
            waitNanos / 1e6 / timed, replicationNanos / 1e6 / timed));
  }
}
