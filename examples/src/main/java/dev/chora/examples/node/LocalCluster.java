package dev.chora.examples.node;

import dev.chora.examples.cli.CliException;
import dev.chora.transport.launch.ArteryTransport;
import dev.chora.transport.launch.JvmProcess;
import dev.chora.transport.launch.LocalClusterLauncher;
import dev.chora.transport.launch.MediaDriverProcess;
import dev.chora.transport.launch.TlsAuthority;
import dev.chora.transport.launch.TlsStores;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * N replicas on this machine, each a separate JVM running {@code chora node}, with one shared
 * Aeron media driver when the transport is aeron-shared (and throwaway keys for tls-tcp): chora-transport's {@link
 * LocalClusterLauncher} with the command line's own node files, JVM options and progress lines.
 * Used by {@code chora demo} and {@code chora bench}. {@link #close()} stops everything it started.
 */
public final class LocalCluster implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

  private final Path workDir;
  private final int n;
  private final Transport transport;
  private final String extraHocon;
  private final PrintStream out;
  private LocalClusterLauncher launcher;
  private MediaDriverProcess.Mtu driverMtu = MediaDriverProcess.Mtu.LOOPBACK;
  private MediaDriverProcess.Idle driverIdle = MediaDriverProcess.Idle.DEFAULT;
  private boolean withReplicas = true;
  private String storageMode = "durable";
  private Path dataRoot;

  /**
   * @param extraHocon added to every replica's node file (chora.protocol.* settings, pekko.* tuning)
   */
  public LocalCluster(Path workDir, int n, Transport transport, String extraHocon, PrintStream out) {
    this.workDir = workDir;
    this.n = n;
    this.transport = transport;
    this.extraHocon = extraHocon;
    this.out = out;
  }

  /**
   * Checks the settings every replica would run with, before anything starts: an impossible
   * protocol setting fails here as bad input rather than in N child JVMs.
   */
  public static void checkSettings(int n, Transport transport, String extraHocon) {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      addresses.add(ArteryTransport.address(NodeConfig.SYSTEM_NAME, 20000 + i));
    }
    // tls-tcp's stores are made when the cluster starts; what is checked here is the same with tcp.
    Transport checked = transport == Transport.TLS_TCP ? Transport.TCP : transport;
    String file = "node.transport = " + checked.cliName() + "\n"
        + (transport == Transport.AERON_SHARED ? "node.aeron-dir = \"/dev/null\"\n" : "") + extraHocon;
    try {
      NodeConfig.build(com.typesafe.config.ConfigFactory.parseString(file), 0, addresses, false);
    } catch (com.typesafe.config.ConfigException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  /**
   * The shared driver's MTU ({@link MediaDriverProcess.Mtu#LOOPBACK} unless set): every node of
   * this cluster is on the loopback address. Set before {@link #start()}; a setting so that other
   * values can be measured.
   */
  public LocalCluster driverMtu(MediaDriverProcess.Mtu mtu) {
    this.driverMtu = mtu;
    return this;
  }

  /**
   * The shared driver's backoff ({@link MediaDriverProcess.Idle#DEFAULT} unless set). Set before
   * {@link #start()}; a setting so that other values can be measured under load.
   */
  public LocalCluster driverIdle(MediaDriverProcess.Idle idle) {
    this.driverIdle = idle;
    return this;
  }

  /**
   * How the replicas store their logs: {@code durable} (the default, as the library's) or
   * {@code memory}; in durable mode each replica's data directory is {@code <dataRoot>/replica-<id>}
   * and is kept when this cluster closes, or, with {@code dataRoot} null, {@code data/replica-<id>}
   * in the cluster's directory, deleted when it closes. Either way a replica killed and restarted
   * finds its own. Set before {@link #start()}.
   */
  public LocalCluster storage(String mode, Path dataRoot) {
    if (!mode.equals("durable") && !mode.equals("memory")) {
      throw new CliException("--storage " + mode + ": use durable or memory");
    }
    this.storageMode = mode;
    this.dataRoot = dataRoot;
    return this;
  }

  /** "durable" or "memory". */
  public String storageMode() {
    return storageMode;
  }

  /** Starts the driver (if shared) and every replica; returns once all report ready. */
  public void start() throws Exception {
    start(true);
  }

  /**
   * Starts the same JVMs with the same settings, but none starts its Chora replica ({@code chora
   * node --without-replica}); returns once every one is Up in the cluster. What an idle replica
   * costs above this is what Chora itself costs.
   */
  public void startWithoutReplicas() throws Exception {
    start(false);
  }

  private void start(boolean replicasOn) throws Exception {
    this.withReplicas = replicasOn;
    LocalClusterLauncher.Builder builder = LocalClusterLauncher.builder(transport.kind(), workDir, n)
        .systemName(NodeConfig.SYSTEM_NAME).driverIdle(driverIdle).driverMtu(driverMtu);
    if (dataRoot != null) {
      try {
        builder.dataRoot(dataRoot, true);
      } catch (IllegalArgumentException e) {
        throw new CliException("--data-dir: " + e.getMessage(), e);
      }
    }
    launcher = builder.start();
    if (storageMode.equals("durable") && withReplicas) {
      out.println("durable replicas: data directories in " + launcher.dataRoot()
          + (dataRoot != null ? " (kept)" : " (deleted at the end)"));
    }
    MediaDriverProcess driver = launcher.driver();
    if (driver != null) {
      out.println("shared Aeron media driver at " + driver.aeronDirectory() + " (pid " + driver.process().pid()
          + ", MTU " + driverMtu.bytes() + " bytes, backoff " + driverIdle.property() + ")");
    }
    for (int i = 0; i < n; i++) {
      launch(i, false);
    }
    for (int i = 0; i < n; i++) {
      replica(i).awaitLogLine(withReplicas ? "chora node: replica " + i + " ready"
          : "chora node: member " + i + " up without a replica", READY_TIMEOUT);
    }
  }

  private void launch(int i, boolean restarted) throws IOException {
    Path conf = launcher.writeFile("replica-" + i + ".conf", nodeFile(i, restarted));
    int start = launcher.incarnations(i) + 1;
    String suffix = (start == 1 ? "" : "-start" + start) + (withReplicas ? "" : "-without-replica");
    launcher.start(i, JvmProcess.builder("dev.chora.examples.cli.ChoraCli")
        .name("replica-" + i)
        // The same heap as the SOFAJRaft baseline's JVMs. A young-GC pause of any replica stalls
        // the whole lock-step group, so the GC log (pause times) sits beside the node's log.
        // MetaspaceSize: by default the JVM collects as soon as its loaded classes pass 20 MiB,
        // which falls just after a restarted replica starts rejoining and can get it suspected again.
        .jvmOptions("-Xms1g", "-Xmx2g", "-XX:+UseG1GC", "-XX:MetaspaceSize=128m",
            "-Xlog:gc:file=" + workDir.resolve("replica-" + i + suffix + ".gc.log"))
        .logFile(workDir.resolve("replica-" + i + suffix + ".log"))
        .args(withReplicas ? new String[] {"node", "--config", conf.toString()}
            : new String[] {"node", "--config", conf.toString(), "--without-replica"}));
  }

  /** The node file of replica {@code i}, as {@code chora node --config} reads it. */
  public String nodeFile(int i, boolean restarted) {
    StringBuilder b = new StringBuilder();
    b.append("chora.replica-id = ").append(i).append('\n');
    b.append("chora.replicas = ").append(launcher.addressesHocon()).append('\n');
    b.append("chora.restarted = ").append(restarted).append('\n');
    b.append("chora.storage.mode = ").append(storageMode).append('\n');
    b.append("chora.storage.data-dir = ").append(quoted(launcher.dataDirectory(i))).append('\n');
    b.append(transportFile(launcher.port(i)));
    b.append(SHARED_HOST_THREADS);
    b.append(CLIENT_ON_TRANSPORT_THREAD);
    b.append(HOST_TRANSPORT_THREADS);
    b.append(extraHocon).append('\n');
    return b.toString();
  }

  /**
   * Every replica of a local cluster shares this host's cores with the others (and the load), so
   * a thread of its own buys a role no parallelism, only wake-ups: each message to an idle pinned
   * thread is a context switch. Here the replica and executor actors run on Artery's dispatcher
   * (one thread, see chora-transport's reference.conf), where a peer's message is delivered by the
   * thread that decoded it, which costs a replica less CPU per operation (docs/performance.md).
   * The price, acceptable for a local cluster: a slow state machine delays rounds, not only
   * replies. Dedicated hosts keep the library's pinned dispatchers (chora-actors' reference.conf).
   * Lines of {@code extraHocon} override these.
   */
  static final String SHARED_HOST_THREADS = "chora.replica-dispatcher = \"pekko.remote.default-remote-dispatcher\"\n"
      + "chora.executor-dispatcher = \"pekko.remote.default-remote-dispatcher\"\n";

  /**
   * In every JVM of a local cluster the client gateway runs on Artery's dispatcher too: the
   * replicas' replies reach it on the thread that decoded them, and its batches leave from the
   * thread that encodes them, where on Pekko's default dispatcher each would wake another thread.
   */
  static final String CLIENT_ON_TRANSPORT_THREAD = "chora.client-dispatcher = \"pekko.remote.default-remote-dispatcher\"\n";

  /**
   * Fewer thread hand-offs per message in every JVM of a local cluster (replicas and client
   * nodes): the TCP connection actors run on Artery's own dispatcher, and that dispatcher has one
   * thread, so a message's hops (outbound stream, TCP actor; TCP actor, inbound stream) queue on a
   * thread that is already awake instead of waking another, which on shared cores raises
   * throughput and lowers the tail latency (docs/performance.md). Local clusters only: the
   * library keeps Pekko's defaults, which a host with many cores and busy associations needs (and
   * with which an actor system's termination is not held up behind one busy thread).
   */
  static final String HOST_TRANSPORT_THREADS = "pekko.io.tcp.worker-dispatcher = \"pekko.remote.default-remote-dispatcher\"\n"
      + "pekko.remote.default-remote-dispatcher.fork-join-executor.parallelism-min = 1\n"
      + "pekko.remote.default-remote-dispatcher.fork-join-executor.parallelism-max = 1\n";

  /**
   * Transport lines of the node file of the member on {@code port} (replicas and client nodes
   * alike); for tls-tcp its own key store, made by the cluster's throwaway authority, with the
   * passwords in files beside the stores.
   */
  public String transportFile(int port) {
    StringBuilder b = new StringBuilder();
    b.append("node.transport = ").append(transport.cliName()).append('\n');
    MediaDriverProcess driver = driver();
    if (driver != null) {
      b.append("node.aeron-dir = \"").append(driver.aeronDirectory()).append("\"\n");
    }
    if (transport == Transport.TLS_TCP) {
      TlsStores tls = launcher.tlsStores(port);
      b.append("node.tls.key-store = ").append(quoted(tls.keyStore())).append('\n');
      b.append("node.tls.key-store-password-file = ").append(quoted(TlsAuthority.passwordFile(tls.keyStore())))
          .append('\n');
      b.append("node.tls.trust-store = ").append(quoted(tls.trustStore())).append('\n');
      b.append("node.tls.trust-store-password-file = ").append(quoted(TlsAuthority.passwordFile(tls.trustStore())))
          .append('\n');
    }
    return b.toString();
  }

  private static String quoted(Path p) {
    return com.typesafe.config.ConfigValueFactory.fromAnyRef(p.toAbsolutePath().toString())
        .render(com.typesafe.config.ConfigRenderOptions.concise());
  }

  /** A node file for a client node (no replica) on a port of its own. */
  public String clientNodeFile() {
    int port = launcher.freePort();
    return "chora.replica-id = -1\n"
        + "chora.replicas = " + launcher.addressesHocon() + "\n"
        + "node.hostname = \"" + ArteryTransport.HOST + "\"\n"
        + "node.port = " + port + "\n"
        + transportFile(port)
        + CLIENT_ON_TRANSPORT_THREAD
        + HOST_TRANSPORT_THREADS
        + extraHocon + "\n";
  }

  /** Every replica's address, in id order (none before {@link #start()}). */
  public List<String> addresses() {
    return launcher == null ? List.of() : launcher.addresses();
  }

  public int size() {
    return n;
  }

  /** Replica {@code i}'s current (or last) JVM; null before it started. */
  public JvmProcess replica(int i) {
    return launcher == null ? null : launcher.process(i);
  }

  /** The shared media driver, or null unless the transport is aeron-shared. */
  public MediaDriverProcess driver() {
    return launcher == null ? null : launcher.driver();
  }

  /** SIGKILL: the replica loses its state. */
  public void kill(int i) {
    launcher.kill(i);
  }

  /**
   * Starts replica {@code i} again: in memory mode with {@code chora.restarted = true}, and it
   * recovers by state transfer; in durable mode as it is, and it restarts from its data directory
   * (as replica 0 it then joins the others if they run, or founds the cluster if every replica is
   * starting again).
   */
  public void restart(int i) throws IOException {
    if (replica(i).isAlive()) {
      throw new IllegalStateException("replica " + i + " still runs");
    }
    launch(i, storageMode.equals("memory"));
  }

  /**
   * SIGKILL to every replica at the same moment (every signal is sent before waiting for the first
   * JVM to be gone): a power cut of the whole group. Returns once all are gone.
   */
  public void killAll() {
    for (int i = 0; i < n; i++) {
      JvmProcess p = replica(i);
      if (p != null && p.isAlive()) {
        ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    for (int i = 0; i < n; i++) {
      launcher.kill(i);
    }
  }

  /**
   * Starts every replica again after all were killed, each on its data directory, from which it
   * restarts (durable mode), and returns once all report ready. Replica 0 founds the Pekko cluster
   * anew: no member of the old cluster is left for it to join (a client node of the old cluster
   * must start again too).
   */
  public void restartAll() throws Exception {
    if (!storageMode.equals("durable")) {
      throw new IllegalStateException("restartAll needs durable replicas: in memory mode every replica restarted at"
          + " once has nothing to recover from");
    }
    for (int i = 0; i < n; i++) {
      if (replica(i).isAlive()) {
        throw new IllegalStateException("replica " + i + " still runs: restartAll is for a group whose every replica"
            + " was killed");
      }
    }
    for (int i = 0; i < n; i++) {
      launch(i, false);
    }
    for (int i = 0; i < n; i++) {
      replica(i).awaitLogLine("chora node: replica " + i + " ready", READY_TIMEOUT);
    }
  }

  /** CPU seconds used so far by each process (replicas, then the driver). */
  public Map<String, Double> cpuSeconds() {
    Map<String, Double> cpu = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      cpu.put("replica-" + i, replica(i) == null ? Double.NaN : replica(i).cpuSeconds());
    }
    if (driver() != null) {
      cpu.put("driver", driver().cpuSeconds());
    }
    return cpu;
  }

  /** CPU seconds used so far by each replica's threads, by thread name (see JvmProcess#threadCpuSeconds). */
  public Map<String, Map<String, Double>> replicaThreadCpuSeconds() {
    Map<String, Map<String, Double>> cpu = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      cpu.put("replica-" + i, replica(i) == null ? Map.of() : replica(i).threadCpuSeconds());
    }
    return cpu;
  }

  /** The root of the replicas' data directories (durable mode); null before {@link #start()}. */
  public Path dataRoot() {
    return launcher == null ? null : launcher.dataRoot();
  }

  /**
   * Stops every replica (SIGTERM, SIGKILL after 5 s), then the driver; deletes the data directories
   * unless {@link #storage} named their root.
   */
  @Override
  public void close() {
    if (launcher != null) {
      launcher.close();
    }
  }
}
