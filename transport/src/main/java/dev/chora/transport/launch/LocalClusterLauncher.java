package dev.chora.transport.launch;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The one way the project starts a cluster of node JVMs on this machine: the command line's demo
 * and bench ({@code LocalCluster}) and the multi-JVM test kit ({@code ChoraCluster}) both stand on
 * it and add only what is theirs (how a node is started and when it counts as ready).
 *
 * <p>{@link Builder#start()} makes the directory that holds the node files and logs, starts the
 * host's shared Aeron media driver when the transport is {@link ArteryTransport.Kind#AERON_SHARED},
 * a throwaway {@link TlsAuthority} when it is {@link ArteryTransport.Kind#TLS_TCP} (each member's
 * key store, signed by it, is made when {@link #tlsStores(int)} or {@link #artery(int)} first asks
 * for that member's port), and gives every node a port of {@link ArteryTransport#HOST} that stays
 * its own across restarts.
 * Each node then runs as a sequence of incarnations ({@link #start(int, JvmProcess.Builder)}: the
 * caller's main class, options and log file), at most one alive at a time. {@link #close()} stops
 * every node JVM it started, then the driver, which removes its directory.
 *
 * <p>Each node also has a data directory ({@link #dataDirectory(int)}, under {@code data/} of the
 * cluster's directory unless {@link Builder#dataRoot} names another), the same for every
 * incarnation, so that a node killed and started again finds what it wrote. {@link #close()}
 * deletes the data directories unless the caller named the root and asked to keep it.
 *
 * <p>Thread-safe: a test may kill or restart nodes from several threads.
 */
public final class LocalClusterLauncher implements AutoCloseable {

  /** The actor system name of every node, unless {@link Builder#systemName} says otherwise. */
  public static final String SYSTEM_NAME = "chora";

  private final Builder settings;
  private final MediaDriverProcess driver;
  private final int[] ports;
  private final Set<Integer> takenPorts;
  private final Node[] nodes;
  private final TlsAuthority tls;
  /** Each member's TLS key and trust stores, by port: issued once, on first use. */
  private final java.util.Map<Integer, TlsStores> tlsByPort = new java.util.HashMap<>();

  /** One node: its current JVM and every log its incarnations wrote. */
  private static final class Node {
    volatile JvmProcess process;
    final List<Path> logFiles = new ArrayList<>();
  }

  private LocalClusterLauncher(Builder settings, MediaDriverProcess driver, TlsAuthority tls, int[] ports,
      Set<Integer> takenPorts) {
    this.settings = settings;
    this.tls = tls;
    this.driver = driver;
    this.ports = ports;
    this.takenPorts = takenPorts;
    this.nodes = new Node[ports.length];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = new Node();
    }
  }

  /** A cluster of {@code nodes} node JVMs on {@code transport}, with its files in {@code directory}. */
  public static Builder builder(ArteryTransport.Kind transport, Path directory, int nodes) {
    return new Builder(transport, directory, nodes);
  }

  /** What to start; every setting has a default but the three of {@link #builder}. */
  public static final class Builder {
    private final ArteryTransport.Kind transport;
    private final Path directory;
    private final int nodes;
    private String systemName = SYSTEM_NAME;
    private String driverLogName = "aeron-driver.log";
    private MediaDriverProcess.Idle driverIdle = MediaDriverProcess.Idle.DEFAULT;
    private MediaDriverProcess.Mtu driverMtu = MediaDriverProcess.Mtu.LOOPBACK;
    private Duration stopGrace = Duration.ofSeconds(5);
    private Path dataRoot;
    private boolean keepData;

    private Builder(ArteryTransport.Kind transport, Path directory, int nodes) {
      this.transport = Objects.requireNonNull(transport, "transport");
      this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
      if (nodes < 1) {
        throw new IllegalArgumentException("a cluster has at least one node, not " + nodes);
      }
      this.nodes = nodes;
    }

    /** The actor system name in the nodes' addresses (default {@value #SYSTEM_NAME}). */
    public Builder systemName(String name) {
      this.systemName = Objects.requireNonNull(name, "system name");
      return this;
    }

    /** The shared driver's log, in the cluster's directory (default {@code aeron-driver.log}). */
    public Builder driverLogName(String fileName) {
      this.driverLogName = Objects.requireNonNull(fileName, "driver log name");
      return this;
    }

    /** The shared driver's backoff (default {@link MediaDriverProcess.Idle#DEFAULT}). */
    public Builder driverIdle(MediaDriverProcess.Idle idle) {
      this.driverIdle = Objects.requireNonNull(idle, "driver idle");
      return this;
    }

    /**
     * The shared driver's MTU (default {@link MediaDriverProcess.Mtu#LOOPBACK}: every node of this
     * cluster is on {@link ArteryTransport#HOST}).
     */
    public Builder driverMtu(MediaDriverProcess.Mtu mtu) {
      this.driverMtu = Objects.requireNonNull(mtu, "driver MTU");
      return this;
    }

    /**
     * How long {@link LocalClusterLauncher#close()} lets each node JVM end after SIGTERM before
     * SIGKILL (default 5 s; zero: SIGKILL at once).
     */
    public Builder stopGrace(Duration grace) {
      this.stopGrace = Objects.requireNonNull(grace, "stop grace");
      return this;
    }

    /**
     * Where the nodes' data directories go ({@code <root>/replica-<id>}; default {@code data} in the
     * cluster's directory), and whether {@link LocalClusterLauncher#close()} keeps them (a root the
     * user named) or deletes them (the default). Never tmpfs such as /dev/shm, where a sync
     * persists nothing: a root there is refused.
     */
    public Builder dataRoot(Path root, boolean keep) {
      Path absolute = Objects.requireNonNull(root, "data root").toAbsolutePath().normalize();
      if (absolute.startsWith(Path.of("/dev/shm"))) {
        throw new IllegalArgumentException("data directory root " + absolute + " is in /dev/shm (tmpfs, memory):"
            + " a sync persists nothing there; name a directory on a disk");
      }
      this.dataRoot = absolute;
      this.keepData = keep;
      return this;
    }

    /**
     * Makes the directory, starts the shared driver (for aeron-shared) and picks the nodes'
     * ports; no node JVM runs yet. On failure nothing started is left running.
     */
    public LocalClusterLauncher start() throws IOException, TimeoutException, InterruptedException {
      Files.createDirectories(directory);
      MediaDriverProcess driver = transport == ArteryTransport.Kind.AERON_SHARED
          ? MediaDriverProcess.start(directory.resolve(driverLogName), driverIdle, MediaDriverProcess.Timeouts.DEFAULT,
              driverMtu)
          : null;
      try {
        Set<Integer> taken = new HashSet<>();
        int[] ports = new int[nodes];
        for (int i = 0; i < nodes; i++) {
          ports[i] = freePortOutside(taken);
        }
        TlsAuthority tls = transport == ArteryTransport.Kind.TLS_TCP
            ? TlsAuthority.create(directory.resolve("tls")) : null;
        return new LocalClusterLauncher(this, driver, tls, ports, taken);
      } catch (RuntimeException | IOException | InterruptedException e) {
        if (driver != null) {
          driver.close();
        }
        throw e;
      }
    }
  }

  // ---- addresses and ports --------------------------------------------------------------------

  public ArteryTransport.Kind transport() {
    return settings.transport;
  }

  /** Where the node files and logs go. */
  public Path directory() {
    return settings.directory;
  }

  /** The root of the nodes' data directories. */
  public Path dataRoot() {
    return settings.dataRoot != null ? settings.dataRoot : settings.directory.resolve("data");
  }

  /**
   * Node {@code id}'s data directory, {@code <data root>/replica-<id>}: the same for every
   * incarnation (a node restarted after a kill finds its data). Not made here: the node makes it.
   */
  public Path dataDirectory(int id) {
    if (id < 0 || id >= nodes.length) {
      throw new IllegalArgumentException("no node " + id + " in a cluster of " + nodes.length);
    }
    return dataRoot().resolve("replica-" + id);
  }

  /** The number of nodes. */
  public int size() {
    return nodes.length;
  }

  /** Node {@code id}'s port: the same for every incarnation. */
  public int port(int id) {
    return ports[id];
  }

  /** Node {@code id}'s Pekko address, e.g. {@code pekko://chora@127.0.0.1:40123}. */
  public String address(int id) {
    return ArteryTransport.address(settings.systemName, ports[id]);
  }

  /** Every node's address, in id order. */
  public List<String> addresses() {
    List<String> all = new ArrayList<>(nodes.length);
    for (int i = 0; i < nodes.length; i++) {
      all.add(address(i));
    }
    return all;
  }

  /** {@link #addresses()} as a HOCON list, e.g. the value of {@code chora.replicas} in a node file. */
  public String addressesHocon() {
    return addresses().stream().map(a -> "\"" + a + "\"").collect(Collectors.joining(", ", "[", "]"));
  }

  /**
   * A further port for a member that is not one of the nodes (a client node, the test JVM): free
   * for TCP and UDP now, and given to no other member of this cluster.
   */
  public int freePort() {
    synchronized (takenPorts) {
      return freePortOutside(takenPorts);
    }
  }

  private static int freePortOutside(Set<Integer> taken) {
    while (true) {
      int p = ArteryTransport.freePort();
      if (taken.add(p)) {
        return p;
      }
    }
  }

  // ---- transport -------------------------------------------------------------------------------

  /** The shared media driver, or null unless the transport is aeron-shared. */
  public MediaDriverProcess driver() {
    return driver;
  }

  /**
   * Artery's settings for a member of this cluster on {@code port} (see {@link ArteryTransport#of});
   * for tls-tcp with the member's own key store ({@link #tlsStores(int)}).
   */
  public Config artery(int port) {
    if (settings.transport == ArteryTransport.Kind.TLS_TCP) {
      return ArteryTransport.tlsTcp(port, tlsStores(port));
    }
    return ArteryTransport.of(settings.transport, driver == null ? null : driver.aeronDirectory(), port);
  }

  /**
   * The key and trust stores of the member on {@code port}, in the cluster's {@code tls} directory:
   * a key pair of its own signed by the cluster's authority, whose certificate names {@link
   * ArteryTransport#HOST}. Made on the first call for that port (a few keytool runs).
   *
   * @throws IllegalStateException unless the transport is tls-tcp
   */
  public TlsStores tlsStores(int port) {
    TlsAuthority authority = tlsAuthority();
    synchronized (tlsByPort) {
      TlsStores stores = tlsByPort.get(port);
      if (stores == null) {
        try {
          stores = authority.issue("member-" + port, ArteryTransport.HOST);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while making the TLS keys of port " + port, e);
        }
        tlsByPort.put(port, stores);
      }
      return stores;
    }
  }

  /**
   * The cluster's certificate authority, e.g. to make a key pair it did not sign.
   *
   * @throws IllegalStateException unless the transport is tls-tcp
   */
  public TlsAuthority tlsAuthority() {
    if (tls == null) {
      throw new IllegalStateException("TLS keys exist only for tls-tcp, not " + settings.transport.label());
    }
    return tls;
  }

  // ---- node JVMs -------------------------------------------------------------------------------

  /** Writes {@code text} to {@code fileName} in the cluster's directory, e.g. a node's configuration. */
  public Path writeFile(String fileName, String text) throws IOException {
    Path file = settings.directory.resolve(fileName);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  /**
   * Starts node {@code id}'s next incarnation from {@code jvm} (which names its log file).
   *
   * @throws IllegalStateException if the node's current JVM still runs: one address, one JVM
   */
  public JvmProcess start(int id, JvmProcess.Builder jvm) throws IOException {
    Node node = nodes[id];
    synchronized (node) {
      JvmProcess current = node.process;
      if (current != null && current.isAlive()) {
        throw new IllegalStateException("node " + id + " still runs (" + current + ")");
      }
      JvmProcess started = jvm.start();
      node.logFiles.add(started.logFile());
      node.process = started;
      return started;
    }
  }

  /** How many times node {@code id} has been started. */
  public int incarnations(int id) {
    Node node = nodes[id];
    synchronized (node) {
      return node.logFiles.size();
    }
  }

  /** Node {@code id}'s current (or last) JVM; null before its first start. */
  public JvmProcess process(int id) {
    return nodes[id].process;
  }

  /** The log file of every incarnation of node {@code id}, oldest first. */
  public List<Path> logFiles(int id) {
    Node node = nodes[id];
    synchronized (node) {
      return List.copyOf(node.logFiles);
    }
  }

  /** SIGKILL to node {@code id}'s JVM, if it runs: the node loses its state. */
  public void kill(int id) {
    JvmProcess p = nodes[id].process;
    if (p != null) {
      p.kill();
    }
  }

  /** Stops every node JVM (SIGTERM, then SIGKILL after the stop grace), then the shared driver. */
  @Override
  public void close() {
    try {
      for (Node node : nodes) {
        JvmProcess p = node.process;
        if (p == null) {
          continue;
        }
        if (settings.stopGrace.isZero()) {
          p.kill();
        } else {
          p.stop(settings.stopGrace);
        }
      }
    } finally {
      if (driver != null) {
        driver.close();
      }
      if (!settings.keepData) {
        deleteDataDirectories();
      }
    }
  }

  /** Deletes each node's data directory, then the root if empty; the nodes have stopped. */
  private void deleteDataDirectories() {
    for (int i = 0; i < nodes.length; i++) {
      deleteTree(dataDirectory(i));
    }
    try {
      Files.deleteIfExists(dataRoot());
    } catch (IOException e) {
      // not empty (something else there) or gone: left as it is
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("could not delete data directory " + dir + ": " + e.getMessage());
    }
  }
}
