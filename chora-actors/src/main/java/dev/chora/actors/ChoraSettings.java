package dev.chora.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.chora.runtime.config.ChoraConfig;
import dev.chora.runtime.config.InvalidConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code chora} section of an actor system's configuration, checked: a misconfigured node
 * fails at start with every problem listed and how to fix it.
 *
 * @param replicaId  this node's replica id, or -1 if it runs no replica
 * @param replicas   the actor-system address of every replica, in id order
 * @param restarted  false only for the group's very first start
 * @param firstStartCheck how long a replica claiming the first start waits for its peers' word on
 *                   whether the group has a history (zero: it does not ask)
 */
public record ChoraSettings(int replicaId, List<String> replicas, boolean restarted, Duration firstStartCheck,
    String actorName, ChoraConfig protocol, Client client) {

  /** The {@code chora.client} section: how this node's gateway sends requests. */
  public record Client(int maxInFlight, Duration retryAfter, Duration refusedPause, Duration sweepInterval,
      int maxBatchBytes) {}

  /** The path of replica {@code id}'s actor. */
  public String replicaPath(int id) {
    return replicas.get(id) + "/system/" + actorName;
  }

  public static ChoraSettings fromConfig(Config root) {
    Config c = root.getConfig("chora");
    List<String> problems = new ArrayList<>();
    List<String> replicas = c.getStringList("replicas");
    Set<String> seen = new HashSet<>();
    for (String address : replicas) {
      if (!address.matches("pekko://[^@/]+@[^:/]+:\\d+")) {
        problems.add("chora.replicas: \"" + address + "\" is not an actor-system address like"
            + " pekko://chora@10.0.0.1:25520");
      }
      if (!seen.add(address)) {
        problems.add("chora.replicas lists " + address + " twice: every replica id needs its own address");
      }
    }
    int id = c.getInt("replica-id");
    if (id < -1 || id >= replicas.size()) {
      problems.add("chora.replica-id = " + id + ": must be -1 (no replica here) or a replica id 0.."
          + (replicas.size() - 1) + " of chora.replicas");
    }
    checkLargeMessageDestinations(root, c.getString("replica-actor-name"), problems);
    ChoraConfig protocol = null;
    try {
      Config p = c.getConfig("protocol");
      protocol = ChoraConfig.builder(replicas.size())
          .minRoundIntervalNanos(p.getDuration("min-round-interval").toNanos())
          .roundTimeoutNanos(p.getDuration("round-timeout").toNanos())
          .roundTimeoutMaxNanos(p.getDuration("round-timeout-max").toNanos())
          .idleRoundIntervalNanos(p.getDuration("idle-round-interval").toNanos())
          .maxRequestBytes(intBytes(p, "max-request-bytes"))
          .maxBatchBytes(intBytes(p, "max-batch-bytes"))
          .maxBatchRequests(p.getInt("max-batch-requests"))
          .maxQueuedRequests(p.getInt("max-queued-requests"))
          .maxQueuedBytes(p.getBytes("max-queued-bytes"))
          .maxPendingReads(p.getInt("max-pending-reads"))
          .maxRoundsInFlight(p.getInt("max-rounds-in-flight"))
          .logWindowRounds(p.getInt("log-window-rounds"))
          .maxTransferBytes(intBytes(p, "max-transfer-bytes"))
          .maxClients(p.getInt("max-clients"))
          .suspectAfterRounds(p.getInt("suspect-after-rounds"))
          .suspectAfterMaxNanos(p.getDuration("suspect-after-max").toNanos())
          .warmUpNanos(p.getDuration("warm-up").toNanos())
          .warmUpSuspicionFactor(p.getInt("warm-up-suspicion-factor"))
          .viewChangeTimeoutNanos(p.getDuration("view-change-timeout").toNanos())
          .snapshotEveryRounds(p.getInt("snapshot-every-rounds"))
          .snapshotEveryBytes(p.getBytes("snapshot-every-bytes"))
          .maxLogBytes(p.getBytes("max-log-bytes"))
          .rejoinAfterRounds(p.getInt("rejoin-after-rounds"))
          .maxSnapshotBytes(intBytes(p, "max-snapshot-bytes"))
          .build();
      checkFitsFrame(root, "chora.protocol.max-transfer-bytes", protocol.maxTransferBytes(),
          "a state transfer or a part of a view change", problems);
    } catch (InvalidConfigException e) {
      for (String problem : e.problems()) {
        problems.add("chora.protocol / chora.replicas: " + problem);
      }
    } catch (ConfigException e) {
      problems.add(e.getMessage());
    }
    Client client = null;
    try {
      Config cc = c.getConfig("client");
      long batchBytes = cc.getBytes("max-batch-bytes");
      client = new Client(cc.getInt("max-in-flight"), cc.getDuration("retry-after"), cc.getDuration("refused-pause"),
          cc.getDuration("sweep-interval"), (int) Math.min(Integer.MAX_VALUE, batchBytes));
      if (batchBytes < 1024) {
        problems.add("chora.client.max-batch-bytes = " + batchBytes + ": must be at least 1KiB");
      }
      checkFitsFrame(root, "chora.client.max-batch-bytes", batchBytes, "a client batch", problems);
      if (client.maxInFlight() < 1) {
        problems.add("chora.client.max-in-flight = " + client.maxInFlight() + ": must be at least 1");
      }
      if (client.refusedPause().isNegative() || client.refusedPause().isZero()) {
        problems.add("chora.client.refused-pause = " + client.refusedPause() + ": must be positive (a refused"
            + " request is resent after it), e.g. 5ms");
      }
      if (client.sweepInterval().toMillis() < 1) {
        problems.add("chora.client.sweep-interval = " + client.sweepInterval() + ": must be at least 1ms");
      }
      if (client.retryAfter().compareTo(client.sweepInterval()) < 0) {
        problems.add("chora.client.retry-after = " + client.retryAfter() + " is shorter than chora.client.sweep-interval = "
            + client.sweepInterval() + ": unanswered requests are checked only once per sweep; raise retry-after");
      }
    } catch (ConfigException e) {
      problems.add(e.getMessage());
    }
    Duration firstStartCheck = null;
    try {
      firstStartCheck = c.getDuration("first-start-check-timeout");
      if (firstStartCheck.isNegative() || firstStartCheck.compareTo(Duration.ofMinutes(10)) > 0) {
        problems.add("chora.first-start-check-timeout = " + firstStartCheck + ": must be between 0s (no check) and"
            + " 10 minutes; a few seconds covers replicas started together");
      }
    } catch (ConfigException e) {
      problems.add(e.getMessage());
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems);
    }
    return new ChoraSettings(id, List.copyOf(replicas), c.getBoolean("restarted"), firstStartCheck,
        c.getString("replica-actor-name"), protocol, client);
  }

  /**
   * The replica's traffic goes on Artery's large-message stream because its path is listed there
   * (chora-transport's reference.conf lists the default name): a renamed replica must be listed
   * under its new name, or its transfers, larger than the ordinary stream's frame, are dropped and
   * recovery never completes.
   */
  private static void checkLargeMessageDestinations(Config root, String actorName, List<String> problems) {
    String key = "pekko.remote.artery.large-message-destinations";
    if (!root.hasPath(key)) {
      return;
    }
    List<String> listed = root.getStringList(key);
    for (String path : List.of("/system/" + actorName, "/system/" + actorName + "/transfer")) {
      if (!listed.contains(path)) {
        problems.add(key + " does not list \"" + path + "\" (chora.replica-actor-name = \"" + actorName + "\"):"
            + " the replica's transfers would go on the ordinary stream and be dropped when larger than its"
            + " frame; add it, e.g. " + key + " += \"" + path + "\"");
      }
    }
  }

  /**
   * A message carrying {@code bytes} of requests or rounds must fit Artery's large frame and the
   * serializer's limit with room to spare: the wire's variable-length integers and headers can
   * make it larger than the protocol counts, so at most half of each is allowed.
   */
  private static void checkFitsFrame(Config root, String setting, long bytes, String what, List<String> problems) {
    for (String limit : List.of("pekko.remote.artery.advanced.maximum-large-frame-size",
        "chora.serialization.max-message-bytes")) {
      if (root.hasPath(limit) && bytes > root.getBytes(limit) / 2) {
        problems.add(setting + " = " + bytes + " exceeds half of " + limit + " = " + root.getBytes(limit) + ": "
            + what + " would not fit with its headers; lower " + setting + " or raise " + limit);
      }
    }
  }

  private static int intBytes(Config p, String path) {
    long bytes = p.getBytes(path);
    if (bytes > Integer.MAX_VALUE) {
      throw new ConfigException.BadValue(p.origin(), path, "at most 2 GiB");
    }
    return (int) bytes;
  }
}
