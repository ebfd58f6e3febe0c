package dev.chora.examples.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValueFactory;
import dev.chora.actors.ChoraSettings;
import dev.chora.actors.ReplicaAddress;
import dev.chora.actors.UnknownKeys;
import dev.chora.actors.replica.ReplicaActor;
import dev.chora.examples.cli.CliException;
import dev.chora.runtime.config.InvalidConfigException;
import dev.chora.transport.launch.TlsStores;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a node's whole Pekko configuration from a small node file: which replica it is, every
 * replica's address, the transport. The actor system is named {@code chora}, provider
 * {@code cluster}, seed node replica 0, replicas carry the role {@code chora-replica}, and the
 * split-brain resolver (keep-majority over the replicas alone) downs unreachable members. Anything else in the file
 * ({@code chora.protocol.*}, {@code pekko.*}) overrides these defaults. A key under {@code node} or
 * {@code chora} that is no setting is refused with the nearest one that is.
 */
public final class NodeConfig {
  public static final String SYSTEM_NAME = "chora";
  public static final String REPLICA_ROLE = ReplicaActor.ROLE;
  /** Every {@code node.*} setting a node file may have (docs/cli.md). */
  static final List<String> NODE_SETTINGS = List.of("transport", "aeron-dir", "bind-hostname", "hostname", "port");

  /** An example node file, shown by {@code chora node --help} and in docs/cli.md. */
  public static final String EXAMPLE = String.join("\n",
      "# node-1.conf: replica 1 of a group of three machines",
      "chora {",
      "  # this machine's replica id: its position in chora.replicas",
      "  replica-id = 1",
      "  # every replica's address, in id order (3, 5, 7 or 9 of them)",
      "  replicas = [",
      "    \"pekko://chora@10.0.0.1:25520\",",
      "    \"pekko://chora@10.0.0.2:25520\",",
      "    \"pekko://chora@10.0.0.3:25520\"",
      "  ]",
      "  # durable (the default): the log on disk in storage.data-dir, and a replica that starts",
      "  # again restarts from it; memory: nothing on disk (then set restarted = true when this",
      "  # replica starts again after a crash or a stop, and it recovers from its peers)",
      "  storage.mode = durable",
      "  # this replica's data directory (default: chora-data/replica-<id> in the working directory)",
      "  storage.data-dir = \"/var/lib/chora/replica-1\"",
      "  # optional: any chora.protocol.* setting",
      "  protocol.round-timeout = 5ms",
      "}",
      "node {",
      "  # tcp | tls-tcp (needs node.tls) | aeron-embedded | aeron-shared (needs node.aeron-dir)",
      "  # Only tls-tcp encrypts and authenticates the links: the others belong on a trusted network.",
      "  transport = tcp",
      "  # aeron-dir = \"/dev/shm/aeron-chora\"",
      "  # tls {",
      "  #   key-store = \"/etc/chora/node-1.p12\"             # this node's key and certificate (PKCS12)",
      "  #   key-store-password-file = \"/etc/chora/node-1.pass\"",
      "  #   trust-store = \"/etc/chora/truststore.p12\"       # the certificate authority of the group",
      "  #   trust-store-password = ${CHORA_TRUST_STORE_PASSWORD}  # or from the environment",
      "  # }",
      "  # The node listens on its own address above (10.0.0.2 here), on no other interface. Set",
      "  # bind-hostname only behind NAT, to this machine's own interface address, not a wildcard.",
      "  # bind-hostname = \"192.168.1.2\"",
      "}",
      "# optional: any pekko.* setting",
      "# pekko.cluster.split-brain-resolver.stable-after = 10s",
      "");

  private NodeConfig() {}

  /** Reads and checks a node file; every problem is a {@link CliException} naming the file. */
  public static Config fromFile(Path file) {
    return fromFile(file, null, null);
  }

  /**
   * {@link #fromFile(Path)} with {@code chora node}'s {@code --storage} and {@code --data-dir} over
   * the file's chora.storage (either may be null: the file's, or the default, stays).
   */
  public static Config fromFile(Path file, String storageMode, Path dataDir) {
    Config user = parse(file);
    if (storageMode != null) {
      user = ConfigFactory.parseMap(Map.of("chora.storage.mode", storageMode)).withFallback(user);
    }
    if (dataDir != null) {
      user = ConfigFactory.parseMap(Map.of("chora.storage.data-dir", dataDir.toString())).withFallback(user);
    }
    if (!user.hasPath("chora.replica-id")) {
      throw new CliException("config file " + file + ": set chora.replica-id (this node's replica id)");
    }
    if (!user.hasPath("chora.replicas")) {
      throw new CliException("config file " + file + ": set chora.replicas (every replica's address, in id order)");
    }
    try {
      int id = user.getInt("chora.replica-id");
      List<String> replicas = user.getStringList("chora.replicas");
      if (id < 0 || id >= replicas.size()) {
        throw new CliException("config file " + file + ": chora.replica-id = " + id + " is not an id in chora.replicas (0.."
            + (replicas.size() - 1) + ")");
      }
      Config full = build(user, id, replicas, user.hasPath("chora.restarted") && user.getBoolean("chora.restarted"));
      return full;
    } catch (ConfigException e) {
      throw new CliException("config file " + file + ": " + e.getMessage(), e);
    } catch (CliException e) {
      throw e.getMessage().startsWith("config file") ? e : new CliException("config file " + file + ": " + e.getMessage(), e);
    }
  }

  /** An example client-node file, for {@code chora kv}, {@code chora admin} and {@code chora bench --cluster}. */
  public static final String CLIENT_EXAMPLE = String.join("\n",
      "# client.conf: a node without a replica, to use a running group from the command line",
      "chora.replicas = [",
      "  \"pekko://chora@10.0.0.1:25520\",",
      "  \"pekko://chora@10.0.0.2:25520\",",
      "  \"pekko://chora@10.0.0.3:25520\"",
      "]",
      "node {",
      "  transport = tcp                 # the replicas' transport",
      "  hostname = \"10.0.0.9\"          # this machine's address, which the replicas must reach",
      "  port = 0                        # 0: any free port",
      "}",
      "");

  /**
   * Reads and checks a client-node file: {@code chora.replicas}, {@code node.hostname} and
   * {@code node.port} (0 for any free port), the transport as the replicas have it; no replica id.
   * Every problem is a {@link CliException} naming the file.
   */
  public static Config clientFromFile(Path file) {
    Config user = parse(file);
    String where = "config file " + file + ": ";
    if (user.hasPath("chora.replica-id") && !"-1".equals(user.getValue("chora.replica-id").unwrapped().toString())) {
      throw new CliException(where + "chora.replica-id is set: this is a replica's node file; a client file has"
          + " chora.replicas, node.hostname and node.port but no replica id");
    }
    List<String> missing = new ArrayList<>();
    for (String key : List.of("chora.replicas", "node.hostname", "node.port")) {
      if (!user.hasPath(key)) {
        missing.add(key);
      }
    }
    if (!missing.isEmpty()) {
      throw new CliException(where + "set " + String.join(", ", missing)
          + " (a client file names every replica and this node's own address; node.port = 0 takes any free port)");
    }
    try {
      return build(user, -1, user.getStringList("chora.replicas"), false);
    } catch (ConfigException e) {
      throw new CliException(where + e.getMessage(), e);
    } catch (CliException e) {
      throw new CliException(where + e.getMessage(), e);
    }
  }

  /** Parses a node file and checks its keys; every problem is a {@link CliException} naming the file. */
  private static Config parse(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new CliException("config file " + file + " does not exist (or is not a file)");
    }
    if (!Files.isReadable(file)) {
      throw new CliException("config file " + file + " is not readable");
    }
    Config user;
    try {
      user = ConfigFactory.parseFile(file.toFile(),
          ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
    } catch (ConfigException e) {
      throw new CliException("config file " + file + ": " + e.getMessage(), e);
    }
    // First: a misspelt key explains the missing setting it stands for.
    try {
      checkKeys(user);
    } catch (CliException e) {
      throw new CliException("config file " + file + ": " + e.getMessage(), e);
    }
    return user;
  }

  /**
   * The configuration of replica {@code id} (or of a client node, {@code id = -1}, which then needs
   * {@code node.hostname} and {@code node.port} in {@code user}).
   */
  public static Config build(Config user, int id, List<String> replicas, boolean restarted) {
    checkKeys(user);
    List<String> problems = new ArrayList<>();
    List<ReplicaAddress> parsed = new ArrayList<>();
    for (String r : replicas) {
      try {
        ReplicaAddress a = ReplicaAddress.parse(r);
        parsed.add(a);
        if (!SYSTEM_NAME.equals(a.system())) {
          problems.add("chora.replicas: \"" + r + "\" names actor system \"" + a.system() + "\"; chora nodes are named \""
              + SYSTEM_NAME + "\"");
        }
      } catch (IllegalArgumentException e) {
        problems.add("chora.replicas: " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new CliException(String.join("; ", problems));
    }
    String hostname;
    int port;
    if (id >= 0) {
      hostname = parsed.get(id).host();
      port = parsed.get(id).port();
    } else {
      if (!user.hasPath("node.hostname") || !user.hasPath("node.port")) {
        throw new CliException("a node without a replica needs node.hostname and node.port");
      }
      hostname = user.getString("node.hostname");
      port = user.getInt("node.port");
      if (hostname.contains(":") && !hostname.startsWith("[")) {
        throw new CliException("node.hostname = \"" + hostname + "\": write an IPv6 address in brackets, \"["
            + hostname + "]\", as Pekko writes it in the node's address");
      }
    }
    // A client node may take any free port (0): the replicas learn its address when it joins.
    if (port < (id >= 0 ? 1 : 0) || port > 65535) {
      throw new CliException("port " + port + " is not a TCP/UDP port (" + (id >= 0 ? "1" : "0") + "..65535)");
    }
    Transport transport;
    try {
      transport = Transport.parse(user.hasPath("node.transport") ? user.getString("node.transport") : "tcp");
    } catch (IllegalArgumentException e) {
      throw new CliException("node.transport: " + e.getMessage());
    }
    String aeronDir = user.hasPath("node.aeron-dir") ? user.getString("node.aeron-dir") : null;
    if (transport == Transport.AERON_SHARED && (aeronDir == null || aeronDir.isBlank())) {
      throw new CliException("node.transport = aeron-shared needs node.aeron-dir, the shared media driver's directory");
    }
    TlsStores tls = transport == Transport.TLS_TCP ? NodeTls.stores(user) : null;
    if (tls == null && user.hasPath("node.tls")) {
      throw new CliException("node.tls is set but node.transport = " + transport.cliName()
          + ", which does not use it: set node.transport = tls-tcp, or remove node.tls");
    }
    // Seed: replica 0. A restarted replica 0 must not found a cluster of its own: it joins the others.
    // A client node never founds one, so it lists every replica and joins through whichever answers.
    List<String> seeds = new ArrayList<>();
    if (id < 0) {
      seeds.addAll(replicas);
    } else if (id == 0 && restarted) {
      seeds.addAll(replicas.subList(1, replicas.size()));
    } else if (id == 0 && holdsData(user, id)) {
      // A durable replica 0 starting again from its disk: it joins the others if they run, and
      // founds the cluster after seed-node-timeout if none does (every replica restarting at once).
      seeds.addAll(replicas);
    } else {
      seeds.add(replicas.get(0));
    }
    StringBuilder h = new StringBuilder();
    h.append("pekko.actor.provider = cluster\n");
    h.append("pekko.remote.artery.canonical.hostname = \"").append(hostname).append("\"\n");
    h.append("pekko.remote.artery.canonical.port = ").append(port).append('\n');
    if (user.hasPath("node.bind-hostname")) {
      h.append("pekko.remote.artery.bind.hostname = \"").append(user.getString("node.bind-hostname")).append("\"\n");
    }
    h.append("pekko.cluster.seed-nodes = [");
    for (int i = 0; i < seeds.size(); i++) {
      h.append(i == 0 ? "" : ", ").append('"').append(seeds.get(i)).append('"');
    }
    h.append("]\n");
    h.append("pekko.cluster.roles = [").append(id >= 0 ? "\"" + REPLICA_ROLE + "\"" : "").append("]\n");
    h.append("pekko.cluster.downing-provider-class = \"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"\n");
    h.append("pekko.cluster.split-brain-resolver.active-strategy = keep-majority\n");
    // Client nodes are members too: only the replicas count, or a partition leaving most client
    // nodes beside a minority of replicas would down the majority of replicas.
    h.append("pekko.cluster.split-brain-resolver.keep-majority.role = \"").append(REPLICA_ROLE).append("\"\n");
    h.append("pekko.cluster.log-info = off\n");
    h.append("pekko.loglevel = WARNING\n");
    h.append("pekko.log-dead-letters = off\n");
    h.append("pekko.coordinated-shutdown.exit-jvm = off\n");
    h.append("chora.replica-id = ").append(id).append('\n');
    h.append("chora.restarted = ").append(restarted).append('\n');
    h.append("chora.replicas = [");
    for (int i = 0; i < replicas.size(); i++) {
      h.append(i == 0 ? "" : ", ").append('"').append(replicas.get(i)).append('"');
    }
    h.append("]\n");
    Config generated = ConfigFactory.parseString(h.toString()).withFallback(transport.settings(aeronDir, tls));
    // The file's own settings win, except the derived identity (id, address list, restarted).
    Config full = generated.withOnlyPath("chora.replica-id")
        .withFallback(generated.withOnlyPath("chora.replicas"))
        .withFallback(generated.withOnlyPath("chora.restarted"))
        .withFallback(user.withoutPath("node"))
        .withFallback(generated)
        .withFallback(ConfigFactory.load())
        .resolve();
    try {
      ChoraSettings.fromConfig(full);
    } catch (InvalidConfigException e) {
      throw new CliException(String.join("; ", e.problems()));
    } catch (ConfigException e) {
      throw new CliException(e.getMessage());
    }
    return full;
  }

  /**
   * Whether replica {@code id} is durable (the default) and its data directory holds data: it
   * starts again rather than for the first time, whatever chora.restarted says.
   */
  static boolean holdsData(Config user, int id) {
    if (user.hasPath("chora.storage.mode") && "memory".equals(user.getValue("chora.storage.mode").unwrapped())) {
      return false;
    }
    String dir = user.hasPath("chora.storage.data-dir") ? user.getString("chora.storage.data-dir") : "";
    Path path;
    try {
      path = dir.isBlank() ? dev.chora.actors.StorageSettings.defaultDataDir(id) : Path.of(dir).toAbsolutePath();
    } catch (java.nio.file.InvalidPathException e) {
      return false; // refused with its reason when the settings are checked
    }
    if (!Files.isDirectory(path)) {
      return false;
    }
    try (java.util.stream.Stream<Path> files = Files.list(path)) {
      return files.anyMatch(f -> !f.getFileName().toString().equals("LOCK"));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The tree of {@code node.*} settings: {@link #NODE_SETTINGS} and the {@code tls} section. Below
   * {@code tls} the keys are {@link NodeTls}'s to check, once its {@code ${ENV}} passwords resolve.
   */
  private static ConfigObject nodeReference() {
    Map<String, Object> node = new LinkedHashMap<>();
    for (String key : NODE_SETTINGS) {
      node.put(key, "");
    }
    node.put("tls", Map.of());
    return ConfigValueFactory.fromMap(node);
  }

  /** Refuses every key under {@code node} or {@code chora} that is no setting, naming the nearest one, all at once. */
  private static void checkKeys(Config user) {
    List<String> problems = new ArrayList<>();
    for (UnknownKeys.Unknown unknown : UnknownKeys.find(user, "node", nodeReference(), Set.of("tls"))) {
      problems.add(unknown.message());
    }
    problems.addAll(ChoraSettings.unknownSettings(user));
    if (!problems.isEmpty()) {
      throw new CliException(String.join("; ", problems));
    }
  }

  /**
   * Fails with a clear message if {@code host:port} cannot be bound now (TCP or UDP as the
   * transport uses). Not checked with a shared Aeron media driver, which binds the port itself.
   */
  public static void checkPortFree(Config full) {
    String host = full.hasPath("pekko.remote.artery.bind.hostname")
        && !full.getString("pekko.remote.artery.bind.hostname").isEmpty()
        ? full.getString("pekko.remote.artery.bind.hostname") : full.getString("pekko.remote.artery.canonical.hostname");
    int port = full.getInt("pekko.remote.artery.canonical.port");
    boolean udp = full.getString("pekko.remote.artery.transport").startsWith("aeron");
    if (udp && !full.getBoolean("pekko.remote.artery.advanced.aeron.embedded-media-driver")) {
      // A shared media driver owns the UDP sockets of all its clients, and keeps a crashed
      // client's socket open until its liveness timeout: a restarted node reuses it through the
      // same driver. Binding it here would wrongly refuse that restart.
      return;
    }
    try {
      InetAddress address = InetAddress.getByName(host);
      if (udp) {
        try (DatagramSocket s = new DatagramSocket(null)) {
          s.bind(new InetSocketAddress(address, port));
        }
      } else {
        try (ServerSocket s = new ServerSocket()) {
          s.bind(new InetSocketAddress(address, port));
        }
      }
    } catch (IOException e) {
      throw new CliException((udp ? "UDP" : "TCP") + " port " + host + ":" + port + " is not free (" + e.getMessage()
          + "): another node or program uses it");
    }
  }
}
