package dev.chora.examples.node;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import dev.chora.examples.cli.CliException;
import dev.chora.examples.cli.DurationConverter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node files of a group whose every member is a host of its own: one replica per network
 * namespace and the load generator in another ({@code bench/netns-bench.sh}), each host with its
 * own address and, over {@code aeron-shared}, its own media driver directory.
 *
 * <p>Why the replicas get {@code chora bench}'s local-cluster settings (the replica, executor and
 * client on Artery's one thread, the bench's round and view-change timeouts, no down-all when the
 * cluster looks unstable): the namespaces share this machine's cores exactly as a local cluster's
 * JVMs do, so only the network between them differs from a loopback {@code chora bench}, and the
 * two compare. {@link #nodeConf} settings are written last and override any of them.
 *
 * <p>Every file is read back with {@link NodeConfig} before the script starts anything, so a
 * misspelt key or an impossible value stops the run with the node file's own message.
 */
public final class NamespaceGroupFiles {
  /** {@code chora bench}'s default round timeout, so that the namespace run compares with a loopback one. */
  static final Duration ROUND_TIMEOUT = Duration.ofMillis(5);

  private final List<String> hosts;
  private final int port;
  private final String loadHost;
  private final Transport transport;
  private final List<String> aeronDirs;
  private final String storageMode;
  private final Path dataRoot;
  private final Map<String, String> nodeConf;

  /**
   * @param hosts each replica's address (its namespace's), in id order
   * @param aeronDirs over aeron-shared: the media driver directory of each replica's host, then of the
   *     load generator's (hosts.size() + 1 of them); otherwise empty
   * @param dataRoot durable mode: replica i's data directory is {@code dataRoot/replica-<i>}
   * @param nodeConf extra settings for the replicas' node files, by full path ({@code chora.*} or {@code pekko.*})
   */
  public NamespaceGroupFiles(List<String> hosts, int port, String loadHost, Transport transport,
      List<String> aeronDirs, String storageMode, Path dataRoot, Map<String, String> nodeConf) {
    if (hosts.size() < 3 || hosts.size() % 2 == 0) {
      throw new CliException("replica hosts " + hosts + ": need 3, 5, 7 or 9");
    }
    if (transport == Transport.TLS_TCP) {
      throw new CliException("transport tls-tcp needs key stores per node, which this harness does not make: use"
          + " aeron-shared, aeron-embedded or tcp");
    }
    int wantedDirs = transport == Transport.AERON_SHARED ? hosts.size() + 1 : 0;
    if (aeronDirs.size() != wantedDirs) {
      throw new CliException("transport " + transport.cliName() + " needs " + wantedDirs
          + " media driver directories (one per replica host, then the load host), got " + aeronDirs.size());
    }
    if (!storageMode.equals("durable") && !storageMode.equals("memory")) {
      throw new CliException("storage " + storageMode + ": use durable or memory");
    }
    if (storageMode.equals("durable") && dataRoot == null) {
      throw new CliException("durable storage needs a data root (each replica's directory is <root>/replica-<id>)");
    }
    for (String key : nodeConf.keySet()) {
      if (!key.startsWith("chora.") && !key.startsWith("pekko.")) {
        throw new CliException("--node-conf " + key + ": name a chora.* or pekko.* setting by its full path, e.g."
            + " chora.protocol.round-timeout=5ms (node.* settings are the harness's own)");
      }
    }
    this.hosts = List.copyOf(hosts);
    this.port = port;
    this.loadHost = loadHost;
    this.transport = transport;
    this.aeronDirs = List.copyOf(aeronDirs);
    this.storageMode = storageMode;
    this.dataRoot = dataRoot;
    this.nodeConf = new LinkedHashMap<>(nodeConf);
  }

  /** Every replica's Pekko address, in id order. */
  public List<String> addresses() {
    List<String> a = new ArrayList<>();
    for (String h : hosts) {
      a.add("pekko://" + NodeConfig.SYSTEM_NAME + "@" + h + ":" + port);
    }
    return a;
  }

  /** Replica {@code i}'s node file, as {@code chora node --config} reads it. */
  public String replicaFile(int i) {
    StringBuilder b = new StringBuilder();
    b.append("chora.replica-id = ").append(i).append('\n');
    b.append("chora.replicas = ").append(addressesHocon()).append('\n');
    b.append("chora.storage.mode = ").append(storageMode).append('\n');
    if (storageMode.equals("durable")) {
      b.append("chora.storage.data-dir = ").append(quoted(dataRoot.resolve("replica-" + i).toString())).append('\n');
    }
    b.append("chora.protocol.round-timeout = ").append(DurationConverter.hocon(ROUND_TIMEOUT)).append('\n');
    b.append("chora.protocol.view-change-timeout = 50ms\n");
    // The namespaces share this machine's cores: a busy moment delays every member's heartbeats at
    // once, which the resolver must not take for an unstable cluster (as in chora bench).
    b.append("pekko.cluster.split-brain-resolver.down-all-when-unstable = off\n");
    b.append(transportLines(i));
    b.append(LocalCluster.SHARED_HOST_THREADS);
    b.append(LocalCluster.CLIENT_ON_TRANSPORT_THREAD);
    b.append(LocalCluster.HOST_TRANSPORT_THREADS);
    nodeConf.forEach((k, v) -> b.append(path(k)).append(" = ").append(quoted(v)).append('\n'));
    return b.toString();
  }

  /** The load generator's client-node file ({@code chora bench --cluster FILE}), on a free port of its host. */
  public String loadFile() {
    return "chora.replica-id = -1\n"
        + "chora.replicas = " + addressesHocon() + "\n"
        + "node.hostname = " + quoted(loadHost) + "\n"
        + "node.port = 0\n"
        + transportLines(hosts.size())
        + LocalCluster.CLIENT_ON_TRANSPORT_THREAD
        + LocalCluster.HOST_TRANSPORT_THREADS;
  }

  /**
   * Writes {@code replica-<i>.conf} and {@code load.conf} into {@code dir} and reads each back as
   * {@code chora node} and {@code chora bench --cluster} will; returns the files, replicas first.
   */
  public List<Path> write(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      Path f = dir.resolve("replica-" + i + ".conf");
      Files.writeString(f, replicaFile(i));
      NodeConfig.fromFile(f);
      files.add(f);
    }
    Path load = dir.resolve("load.conf");
    Files.writeString(load, loadFile());
    NodeConfig.clientFromFile(load);
    files.add(load);
    return files;
  }

  private String transportLines(int host) {
    String lines = "node.transport = " + transport.cliName() + "\n";
    return transport == Transport.AERON_SHARED ? lines + "node.aeron-dir = " + quoted(aeronDirs.get(host)) + "\n"
        : lines;
  }

  private String addressesHocon() {
    StringBuilder b = new StringBuilder("[");
    List<String> a = addresses();
    for (int i = 0; i < a.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(quoted(a.get(i)));
    }
    return b.append(']').toString();
  }

  private static String path(String key) {
    StringBuilder b = new StringBuilder();
    for (String part : key.split("\\.", -1)) {
      b.append(b.length() == 0 ? "" : ".").append(quoted(part));
    }
    return b.toString();
  }

  private static String quoted(String s) {
    return ConfigValueFactory.fromAnyRef(s).render(ConfigRenderOptions.concise());
  }

  /**
   * {@code --dir DIR --hosts IP,IP,IP --port PORT --load-host IP --transport T [--aeron-dirs D,D,D,D]
   * --storage durable|memory [--data-root DIR] [--node-conf KEY=VALUE]...}: writes the files, prints
   * nothing; exit 2 with one line naming the problem on bad input.
   */
  public static void main(String[] args) {
    try {
      Map<String, String> opts = new LinkedHashMap<>();
      Map<String, String> nodeConf = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i += 2) {
        if (i + 1 >= args.length) {
          throw new CliException(args[i] + " needs a value");
        }
        if (args[i].equals("--node-conf")) {
          int eq = args[i + 1].indexOf('=');
          if (eq <= 0) {
            throw new CliException("--node-conf " + args[i + 1] + ": write KEY=VALUE, e.g."
                + " chora.protocol.round-timeout=5ms");
          }
          nodeConf.put(args[i + 1].substring(0, eq).trim(), args[i + 1].substring(eq + 1).trim());
        } else {
          opts.put(args[i], args[i + 1]);
        }
      }
      for (String required : List.of("--dir", "--hosts", "--port", "--load-host", "--transport", "--storage")) {
        if (!opts.containsKey(required)) {
          throw new CliException(required + " is required");
        }
      }
      Transport transport;
      try {
        transport = Transport.parse(opts.get("--transport"));
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
      String dirs = opts.getOrDefault("--aeron-dirs", "");
      int port;
      try {
        port = Integer.parseInt(opts.get("--port"));
      } catch (NumberFormatException e) {
        throw new CliException("--port " + opts.get("--port") + " is not a number");
      }
      NamespaceGroupFiles files = new NamespaceGroupFiles(List.of(opts.get("--hosts").split(",")), port,
          opts.get("--load-host"), transport, dirs.isEmpty() ? List.of() : List.of(dirs.split(",")),
          opts.get("--storage"), opts.containsKey("--data-root") ? Path.of(opts.get("--data-root")) : null, nodeConf);
      files.write(Path.of(opts.get("--dir")));
    } catch (CliException e) {
      System.err.println("netns-bench: error: " + e.getMessage());
      System.exit(2);
    } catch (IOException e) {
      System.err.println("netns-bench: cannot write the node files: " + e.getMessage());
      System.exit(1);
    }
  }
}
