package dev.chora.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueType;
import dev.chora.actors.replica.ReplicaActor;
import dev.chora.runtime.config.ChoraConfig;
import dev.chora.runtime.config.ProposerPolicy;
import dev.chora.runtime.config.InvalidConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code chora} section of an actor system's configuration, checked: a misconfigured node
 * fails at start with its problems listed and how to fix each. Every value of the wrong kind is
 * listed at once; the checks of a section's ranges and relations run once all its values read.
 *
 * @param replicaId  this node's replica id, or -1 if it runs no replica
 * @param replicas   the actor-system address of every replica, in id order
 * @param restarted  false only for the group's very first start
 * @param firstStartCheck how long a replica claiming the first start waits for its peers' word on
 *                   whether the group has a history (zero: it does not ask)
 * @param storage    the {@code chora.storage} section: durable or memory, and where (the protocol's
 *                   {@link ChoraConfig#durable()} follows its mode)
 */
public record ChoraSettings(int replicaId, List<String> replicas, boolean restarted, Duration firstStartCheck,
    String actorName, ChoraConfig protocol, Client client, StorageSettings storage) {

  /** The {@code chora.client} section: how this node's gateway sends requests. */
  public record Client(int maxInFlight, Duration retryAfter, Duration refusedPause, int overloadedRetries,
      Duration overloadedMaxBackoff, Duration sweepInterval, int maxBatchBytes) {}

  /** The path of replica {@code id}'s actor. */
  public String replicaPath(int id) {
    return replicas.get(id) + "/system/" + actorName;
  }

  /** Every replica actor's path, in id order. */
  public List<String> replicaPaths() {
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < replicas.size(); i++) {
      paths.add(replicaPath(i));
    }
    return paths;
  }

  public static ChoraSettings fromConfig(Config root) {
    Config c = root.getConfig("chora");
    List<String> problems = new ArrayList<>(unknownSettings(root));
    List<String> replicas = c.getStringList("replicas");
    Set<String> seen = new HashSet<>();
    for (String address : replicas) {
      String identity = address;
      try {
        identity = ReplicaAddress.parse(address).identity();
      } catch (IllegalArgumentException e) {
        problems.add("chora.replicas: " + e.getMessage());
      }
      if (!seen.add(identity)) {
        problems.add("chora.replicas lists " + address + " twice (or the same node written another way): every"
            + " replica id needs its own address");
      }
    }
    int id = c.getInt("replica-id");
    if (id < -1 || id >= replicas.size()) {
      problems.add("chora.replica-id = " + id + ": must be -1 (no replica here) or a replica id 0.."
          + (replicas.size() - 1) + " of chora.replicas");
    }
    checkLargeMessageDestinations(root, c.getString("replica-actor-name"), problems);
    checkDowning(root, id, problems);
    ChoraConfig protocol = null;
    long maxBatchBytes = 0;
    boolean durable = !c.hasPath("storage.mode") || !"memory".equals(c.getValue("storage.mode").unwrapped());
    try {
      Section p = new Section(c.getConfig("protocol"), "chora.protocol", problems);
      ChoraConfig.Builder builder = ChoraConfig.builder(replicas.size())
          .minRoundIntervalNanos(p.nanos("min-round-interval"))
          .roundTimeoutNanos(p.nanos("round-timeout"))
          .roundTimeoutMaxNanos(p.nanos("round-timeout-max"))
          .idleRoundIntervalNanos(p.nanos("idle-round-interval"))
          .maxRequestBytes(p.intBytes("max-request-bytes"))
          .maxBatchBytes(p.intBytes("max-batch-bytes"))
          .maxBatchRequests(p.integer("max-batch-requests"))
          .maxQueuedRequests(p.integer("max-queued-requests"))
          .maxQueuedBytes(p.bytes("max-queued-bytes"))
          .maxPendingReads(p.integer("max-pending-reads"))
          .maxRoundsInFlight(p.integer("max-rounds-in-flight"))
          .logWindowRounds(p.integer("log-window-rounds"))
          .maxTransferBytes(p.intBytes("max-transfer-bytes"))
          .maxClients(p.integer("max-clients"))
          .suspectAfterRounds(p.integer("suspect-after-rounds"))
          .suspectAfterMaxNanos(p.nanos("suspect-after-max"))
          .suspectLateAfterNanos(p.nanos("suspect-late-after"))
          .warmUpNanos(p.nanos("warm-up"))
          .warmUpSuspicionFactor(p.integer("warm-up-suspicion-factor"))
          .viewChangeTimeoutNanos(p.nanos("view-change-timeout"))
          .snapshotEveryRounds(p.integer("snapshot-every-rounds"))
          .snapshotEveryBytes(p.bytes("snapshot-every-bytes"))
          .maxLogBytes(p.bytes("max-log-bytes"))
          .rejoinAfterRounds(p.integer("rejoin-after-rounds"))
          .maxSnapshotBytes(p.intBytes("max-snapshot-bytes"))
          .divergenceCheckEverySnapshots(p.integer("divergence-check-every-snapshots"))
          .proposers(p.proposers("proposers"))
          .durable(durable);
      // Values that could not be read stand in as zeros: checking them would only add noise.
      if (!p.failed()) {
        protocol = builder.build();
        maxBatchBytes = protocol.maxBatchBytes();
        checkFitsFrame(root, "chora.protocol.max-transfer-bytes", protocol.maxTransferBytes(),
            "a state transfer or a part of a view change", problems);
      }
    } catch (InvalidConfigException e) {
      for (String problem : e.problems()) {
        problems.add("chora.protocol / chora.replicas: " + problem);
      }
    } catch (ConfigException e) {
      problems.add(e.getMessage());
    }
    Client client = null;
    try {
      Section cc = new Section(c.getConfig("client"), "chora.client", problems);
      long batchBytes = cc.bytes("max-batch-bytes");
      client = new Client(cc.integer("max-in-flight"), cc.duration("retry-after"), cc.duration("refused-pause"),
          cc.integer("overloaded-retries"), cc.duration("overloaded-max-backoff"), cc.duration("sweep-interval"), (int) Math.min(Integer.MAX_VALUE, batchBytes));
      if (!cc.failed()) {
        checkClient(root, client, batchBytes, problems);
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
    StorageSettings storage = StorageSettings.read(c, id, replicas.size(), maxBatchBytes, problems);
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems);
    }
    return new ChoraSettings(id, List.copyOf(replicas), c.getBoolean("restarted"), firstStartCheck,
        c.getString("replica-actor-name"), protocol, client, storage);
  }

  /** More resends than this only hold a caller longer before the answer it will get anyway. */
  static final int MAX_OVERLOADED_RETRIES = 100;

  /**
   * Sections below {@code chora} that are Pekko dispatcher configurations: any of Pekko's dispatcher
   * settings may go there, so their keys are not Chora's to check.
   */
  private static final Set<String> DISPATCHER_SECTIONS = Set.of("replica-dispatcher", "executor-dispatcher");

  /**
   * One line for every key under {@code chora} in {@code root} that no reference.conf defines (a
   * misspelt setting would otherwise be ignored and its default used), naming the nearest valid key.
   * A loaded configuration holds the JVM's system properties, and tools name theirs {@code chora.*}
   * as well (the test kit's {@code chora.multijvm.node}, the launchers' {@code chora.parent-pid}):
   * an unknown key directly below {@code chora} that a system property sets is theirs, not a
   * setting. A system property inside a section ({@code -Dchora.protocol.round-timout}) is checked.
   */
  public static List<String> unknownSettings(Config root) {
    if (!root.hasPath("chora") || root.getValue("chora").valueType() != ConfigValueType.OBJECT) {
      return List.of();
    }
    ConfigObject reference = reference();
    Set<String> open = new HashSet<>(DISPATCHER_SECTIONS);
    // The client dispatcher is named by its path, which may be a section of its own under chora.
    if (root.hasPath("chora.client-dispatcher")
        && root.getValue("chora.client-dispatcher").valueType() == ConfigValueType.STRING) {
      String dispatcher = root.getString("chora.client-dispatcher");
      if (dispatcher.startsWith("chora.") && dispatcher.length() > "chora.".length()) {
        open.add(dispatcher.substring("chora.".length()));
      }
    }
    List<String> problems = new ArrayList<>();
    for (UnknownKeys.Unknown unknown : UnknownKeys.find(root, "chora", reference, open)) {
      if (!(ConfigUtil.splitPath(unknown.path()).size() == 2 && setBySystemProperty(unknown.path()))) {
        problems.add(unknown.message());
      }
    }
    return problems;
  }

  /**
   * The {@code chora} section of every reference.conf: what exists, with its defaults. Not
   * {@link ConfigFactory#defaultReference()}, which holds the JVM's system properties too.
   */
  public static ConfigObject reference() {
    return ConfigFactory.defaultReferenceUnresolved(ChoraSettings.class.getClassLoader()).resolve().getObject("chora");
  }

  private static boolean setBySystemProperty(String path) {
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.equals(path) || name.startsWith(path + ".")) {
        return true;
      }
    }
    return false;
  }

  private static void checkClient(Config root, Client client, long batchBytes, List<String> problems) {
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
    if (client.overloadedRetries() < 0 || client.overloadedRetries() > MAX_OVERLOADED_RETRIES) {
      problems.add("chora.client.overloaded-retries = " + client.overloadedRetries() + ": must be between 0 (an"
          + " OVERLOADED refusal fails the ask at once) and " + MAX_OVERLOADED_RETRIES + ", e.g. 8");
    }
    if (client.overloadedMaxBackoff().compareTo(client.refusedPause()) < 0
        || client.overloadedMaxBackoff().compareTo(Duration.ofMinutes(1)) > 0) {
      problems.add("chora.client.overloaded-max-backoff = " + client.overloadedMaxBackoff() + ": must be at least"
          + " chora.client.refused-pause = " + client.refusedPause() + " (the first pause, which doubles up to"
          + " this) and at most 1 minute, e.g. 500ms");
    }
    if (client.sweepInterval().toMillis() < 1) {
      problems.add("chora.client.sweep-interval = " + client.sweepInterval() + ": must be at least 1ms");
    }
    if (client.retryAfter().compareTo(client.sweepInterval()) < 0) {
      problems.add("chora.client.retry-after = " + client.retryAfter() + " is shorter than chora.client.sweep-interval = "
          + client.sweepInterval() + ": unanswered requests are checked only once per sweep; raise retry-after");
    }
  }

  /**
   * The replica's traffic goes on Artery's large-message stream because its path, and its
   * children's (the inboxes its peers send to), are listed there (chora-transport's reference.conf
   * lists the default name): a renamed replica must be listed under its new name, or its transfers,
   * larger than the ordinary stream's frame, are dropped and recovery never completes.
   */
  private static void checkLargeMessageDestinations(Config root, String actorName, List<String> problems) {
    String key = "pekko.remote.artery.large-message-destinations";
    if (!root.hasPath(key)) {
      return;
    }
    List<String> listed = root.getStringList(key);
    for (String path : List.of("/system/" + actorName, "/system/" + actorName + "/*")) {
      if (!listed.contains(path)) {
        problems.add(key + " does not list \"" + path + "\" (chora.replica-actor-name = \"" + actorName + "\"):"
            + " the replica's transfers would go on the ordinary stream and be dropped when larger than its"
            + " frame; add it, e.g. " + key + " += \"" + path + "\"");
      }
    }
  }

  private static final String SBR = "pekko.cluster.split-brain-resolver";

  /**
   * Client nodes are cluster members too: a split-brain resolver that counted every member could
   * keep a side holding most client nodes and a minority of replicas, and down the majority of
   * replicas. So in a cluster, a replica node must carry {@link ReplicaActor#ROLE}, and the resolver's
   * strategy must decide by that role (on every node: the leader of either side, replica or not,
   * takes the decision).
   */
  private static void checkDowning(Config root, int id, List<String> problems) {
    String provider = root.hasPath("pekko.actor.provider") ? root.getString("pekko.actor.provider") : "";
    if (!provider.equals("cluster") && !provider.equals("org.apache.pekko.cluster.ClusterActorRefProvider")) {
      return;
    }
    List<String> roles = root.hasPath("pekko.cluster.roles") ? root.getStringList("pekko.cluster.roles") : List.of();
    if (id >= 0 && !roles.contains(ReplicaActor.ROLE)) {
      problems.add("chora.replica-id = " + id + " but pekko.cluster.roles = " + quoted(roles) + " lacks \""
          + ReplicaActor.ROLE + "\": the split-brain resolver counts replicas by that role; add it to the replica"
          + " node's roles, e.g. pekko.cluster.roles += \"" + ReplicaActor.ROLE + "\"");
    }
    boolean resolver = root.hasPath("pekko.cluster.downing-provider-class") && root
        .getString("pekko.cluster.downing-provider-class").equals("org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
    String strategy = root.hasPath(SBR + ".active-strategy") ? root.getString(SBR + ".active-strategy") : "";
    // keep-referee has no role: it decides by one named member, which the user chose.
    String roleKey = SBR + "." + ConfigUtil.joinPath(strategy, "role");
    if (resolver && !strategy.isEmpty() && root.hasPath(roleKey) && !root.getString(roleKey).equals(ReplicaActor.ROLE)) {
      problems.add(roleKey + " = \"" + root.getString(roleKey) + "\": the split-brain resolver ("
          + SBR + ".active-strategy = " + strategy + ") would count client nodes as well as replicas, and a"
          + " partition leaving most client nodes beside a minority of replicas would down the majority of"
          + " replicas; set " + roleKey + " = \"" + ReplicaActor.ROLE + "\" on every node");
    }
  }

  private static String quoted(List<String> values) {
    List<String> q = new ArrayList<>();
    for (String v : values) {
      q.add('"' + v + '"');
    }
    return "[" + String.join(", ", q) + "]";
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

  /**
   * One section of the configuration, read value by value: a value of the wrong type or form is
   * listed with the others and read as zero, so that a start names every such value at once.
   */
  private static final class Section {
    private final Config config;
    private final String prefix;
    private final List<String> problems;
    private boolean failed;

    Section(Config config, String prefix, List<String> problems) {
      this.config = config;
      this.prefix = prefix;
      this.problems = problems;
    }

    boolean failed() {
      return failed;
    }

    Duration duration(String key) {
      try {
        return config.getDuration(key);
      } catch (ConfigException e) {
        return failed(e, Duration.ZERO);
      }
    }

    long nanos(String key) {
      return duration(key).toNanos();
    }

    int integer(String key) {
      try {
        return config.getInt(key);
      } catch (ConfigException e) {
        return failed(e, 0);
      }
    }

    long bytes(String key) {
      try {
        return config.getBytes(key);
      } catch (ConfigException e) {
        return failed(e, 0L);
      }
    }

    /** A {@link ProposerPolicy} by name; an unknown name is a problem that lists the valid ones. */
    ProposerPolicy proposers(String key) {
      try {
        return ProposerPolicy.parse(config.getString(key));
      } catch (ConfigException e) {
        return failed(e, ProposerPolicy.ALL);
      } catch (IllegalArgumentException e) {
        return failed(new ConfigException.BadValue(config.origin(), key, e.getMessage()), ProposerPolicy.ALL);
      }
    }

    int intBytes(String key) {
      long bytes = bytes(key);
      if (bytes > Integer.MAX_VALUE) {
        return failed(new ConfigException.BadValue(config.origin(), key, "at most 2 GiB"), 0);
      }
      return (int) bytes;
    }

    private <T> T failed(ConfigException e, T standIn) {
      failed = true;
      problems.add(prefix + ": " + e.getMessage());
      return standIn;
    }
  }

}
