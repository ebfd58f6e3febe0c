package dev.chora.multijvm;

import dev.chora.transport.launch.EmbeddedDriverDirectory;
import com.typesafe.config.ConfigFactory;
import dev.chora.actors.Chora;
import dev.chora.actors.ReplicaStatus;
import dev.chora.actors.StateDigest;
import dev.chora.actors.entity.EntityRef;
import dev.chora.actors.entity.EntityTypeKey;
import dev.chora.transport.launch.ArteryTransport;
import dev.chora.transport.launch.JvmProcess;
import dev.chora.transport.launch.LocalClusterLauncher;
import dev.chora.transport.launch.MediaDriverProcess;
import dev.chora.transport.launch.TlsAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * N replica JVMs on this machine forming one Chora group, with the test JVM as a member of their
 * Pekko cluster (a node without a replica, as an application node would be), and the means to
 * drive and break them.
 *
 * <pre>{@code
 * try (ChoraCluster cluster = ChoraCluster.builder(MySetup.class).replicas(3).start()) {
 *   Total t = cluster.entityRefFor(COUNTER, "c").ask(new Add(1), Duration.ofSeconds(5))
 *       .toCompletableFuture().get();
 *   cluster.node(1).kill();
 *   ...
 *   cluster.awaitConverged(Duration.ofSeconds(30));
 *   // durable mode: every replica SIGKILLed at once, restarted on its data directory, the group resumed
 *   cluster.crashAllAndRestartFromDisk(Duration.ofSeconds(90));
 * }
 * }</pre>
 *
 * <p>{@link #start()} has chora-transport's {@link LocalClusterLauncher} pick free ports of
 * {@link ArteryTransport#HOST} and start the shared Aeron media driver (for {@link
 * ArteryTransport.Kind#AERON_SHARED}, the default), starts the test JVM's actor system (the seed
 * node), then every node JVM from the test's classpath running {@link NodeMain} with the given
 * {@link NodeSetup}; it returns once every member is Up and every replica is NORMAL with all
 * replicas active. Each node's output goes to its own file under {@link #logDirectory()}. {@link
 * #close()} stops every JVM it started; so do the launcher's shutdown hook if the test JVM exits,
 * and each node's parent watch if the test JVM is killed.
 *
 * <p>Faults: per node (kill -9, pause/resume, restart with state lost or from disk, slow node,
 * clean leave) on {@link ChoraNode}; between nodes (partitions both ways or one way, lossy links)
 * here, through Artery's test mode ({@code pekko.remote.artery.advanced.test-mode = on}, which
 * drops the messages of blackholed links inside Artery, for tcp and aeron-udp alike); crashes of
 * several replicas at once, up to every one, here too ({@link #kill(Collection)}, {@link
 * #crashAllAndRestartFromDisk}, {@link #crashAndRestartFromDisk}).
 *
 * <p>Storage: each replica keeps its log and snapshots in its own data directory under the run
 * directory ({@code data/replica-<id>}, {@code chora.storage.data-dir}), the same for every
 * incarnation, in the library's default mode (durable) unless {@link Builder#durable(boolean)} or
 * the test's HOCON says otherwise. The directories are deleted by {@link #close()}.
 */
public final class ChoraCluster implements AutoCloseable {
  /** The role of the test JVM's member, so that tests and tools can tell it from the replicas. */
  public static final String TEST_ROLE = "chora-test";

  private static final DateTimeFormatter DIR_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  private static final AtomicInteger RUNS = new AtomicInteger();
  private static final String DRIVER_LOG = "aeron-media-driver.log";

  private final Builder settings;
  private final Path logDirectory;
  private final List<ChoraNode> nodes = new ArrayList<>();
  private final Set<String> blackholes = new LinkedHashSet<>();
  private final Set<String> lossyLinks = new LinkedHashSet<>();
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "chora-multijvm-faults");
    t.setDaemon(true);
    return t;
  });
  /** Asks every node at once (status, digest): one thread per node at most. */
  private final java.util.concurrent.ExecutorService queries = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "chora-multijvm-query");
    t.setDaemon(true);
    return t;
  });
  private LocalClusterLauncher launcher;
  private ActorSystem<Void> system;
  /** Further members in the test JVM without a replica ({@link #startClientSystem}). */
  private final List<ActorSystem<Void>> clientSystems = new ArrayList<>();
  /** Links cut by {@link #cutTestJvmMember}: the member, the node or member address, and the node id or -1. */
  private final List<Object[]> testJvmCuts = new ArrayList<>();
  private ServerSocket controlServer;
  private Barriers barriers;
  private volatile boolean closed;
  private String seedAddress;
  private MemberConfig memberConfig;
  private StorageChoice data;

  private ChoraCluster(Builder settings, Path logDirectory) {
    this.settings = settings;
    this.logDirectory = logDirectory;
  }

  /** A cluster whose replicas host the entity types of {@code setup}. */
  public static Builder builder(Class<? extends NodeSetup> setup) {
    return new Builder(setup);
  }

  /** How to start a {@link ChoraCluster}. */
  public static final class Builder {
    private final Class<? extends NodeSetup> setup;
    private int replicas = 3;
    private ArteryTransport.Kind transport = ArteryTransport.Kind.AERON_SHARED;
    private final Map<String, String> protocol = new LinkedHashMap<>();
    private final List<String> config = new ArrayList<>();
    private final List<String> jvmOptions = new ArrayList<>(List.of("-XX:+UseSerialGC", "-Xms64m", "-Xmx512m",
        // No full collection in a node's first seconds just because loaded classes passed 20 MiB
        // (a restarted replica would stall 0.1 to 0.4 s while it rejoins).
        "-XX:MetaspaceSize=128m"));
    private String classpath = System.getProperty("java.class.path");
    private boolean snapshotClasspath = true;
    private Path logRoot = Path.of("target", "multi-jvm");
    private String name = "cluster";
    private Duration startTimeout = Duration.ofSeconds(180);
    private Duration barrierTimeout = Duration.ofSeconds(30);
    private Boolean durable;
    private boolean keepData;

    private Builder(Class<? extends NodeSetup> setup) {
      this.setup = Objects.requireNonNull(setup, "setup");
      try {
        setup.getConstructor();
      } catch (NoSuchMethodException e) {
        throw new IllegalArgumentException(setup.getName() + " needs a public no-argument constructor: each node JVM"
            + " instantiates it");
      }
    }

    /** The number of replica JVMs: 3, 5, 7 or 9 (default 3). */
    public Builder replicas(int n) {
      if (n < 3 || n > 9 || n % 2 == 0) {
        throw new IllegalArgumentException("a Chora group has 3, 5, 7 or 9 replicas, not " + n);
      }
      this.replicas = n;
      return this;
    }

    /** Artery's transport for every member (default aeron-udp through one shared media driver). */
    public Builder transport(ArteryTransport.Kind kind) {
      this.transport = Objects.requireNonNull(kind, "transport");
      return this;
    }

    /** A {@code chora.protocol.<key>} setting for every replica, e.g. {@code protocol("round-timeout", "10ms")}. */
    public Builder protocol(String key, String value) {
      protocol.put(key, value);
      return this;
    }

    /**
     * HOCON for every member (the replicas and the test JVM), over the kit's defaults: e.g. the
     * serializer bindings of the test's entity commands, or Pekko cluster timings.
     */
    public Builder config(String hocon) {
      ConfigFactory.parseString(hocon); // fail here on a syntax error, not in four JVMs
      config.add(hocon);
      return this;
    }

    /** Options of every node JVM, after the launcher's Aeron options (default: serial GC, 512 MiB heap, metaspace threshold 128 MiB). */
    public Builder jvmOptions(String... options) {
      jvmOptions.clear();
      jvmOptions.addAll(Arrays.asList(options));
      return this;
    }

    /** The node JVMs' classpath (default: this JVM's, which in a test is the test classpath). */
    public Builder classpath(String cp) {
      this.classpath = Objects.requireNonNull(cp, "classpath");
      return this;
    }

    /**
     * Whether the node JVMs run from copies of the classpath's {@code -SNAPSHOT} jars, taken once
     * per test JVM (default true): a {@code mvn install} in another shell while the tests run
     * rewrites those jars in place, and a JVM starting (or loading a class) at that moment fails
     * with a ClassNotFoundException or runs code the test JVM does not.
     */
    public Builder snapshotClasspath(boolean on) {
      this.snapshotClasspath = on;
      return this;
    }

    /** Where run directories are made (default {@code target/multi-jvm}). */
    public Builder logRoot(Path dir) {
      this.logRoot = Objects.requireNonNull(dir, "log root");
      return this;
    }

    /** Names the run directory, e.g. after the test. */
    public Builder name(String n) {
      this.name = n.replaceAll("[^A-Za-z0-9._-]", "_");
      return this;
    }

    public Builder startTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    public Builder barrierTimeout(Duration timeout) {
      this.barrierTimeout = timeout;
      return this;
    }

    /**
     * Whether the replicas keep their log and snapshots on disk, each in its own data directory
     * ({@code chora.storage.mode = durable}), or nothing ({@code memory}). Unset: the library's
     * default (durable), or {@code chora.storage.mode} of the test's {@link #config HOCON}. Durable
     * mode is what {@link ChoraNode#restartFromDisk()} and {@link
     * ChoraCluster#crashAllAndRestartFromDisk} need.
     */
    public Builder durable(boolean on) {
      this.durable = on;
      return this;
    }

    /**
     * Keeps the replicas' data directories ({@code data/} in the run directory) after {@link
     * ChoraCluster#close()}, e.g. to look at a failed run's log files (default false: deleted).
     */
    public Builder keepDataDirectories(boolean keep) {
      this.keepData = keep;
      return this;
    }

    /** Starts the cluster; on failure everything started so far is stopped and the logs are named. */
    public ChoraCluster start() throws Exception {
      Path dir = logRoot.resolve(LocalDateTime.now().format(DIR_TIME) + "-" + RUNS.incrementAndGet() + "-" + name)
          .toAbsolutePath();
      Files.createDirectories(dir);
      ChoraCluster cluster = new ChoraCluster(this, dir);
      cluster.data = new StorageChoice(durable, config);
      try {
        cluster.startAll();
        return cluster;
      } catch (Exception | Error e) {
        String report = cluster.logReport();
        cluster.close();
        throw new IllegalStateException("the multi-JVM cluster did not start: " + e.getMessage() + "\n" + report, e);
      }
    }
  }

  // ---- start and stop -----------------------------------------------------------------------

  private void startAll() throws Exception {
    int n = settings.replicas;
    if (settings.transport == ArteryTransport.Kind.AERON_SHARED
        || settings.transport == ArteryTransport.Kind.AERON_EMBEDDED) {
      checkAeronOpens();
    }
    // Nodes are killed at the end: a test's end needs no graceful stop.
    // Each replica's data directory: data/replica-<id> here, deleted by the launcher's close unless kept.
    launcher = LocalClusterLauncher.builder(settings.transport, logDirectory, n).driverLogName(DRIVER_LOG)
        .stopGrace(Duration.ZERO).dataRoot(logDirectory.resolve("data"), settings.keepData).start();
    if (launcher.driver() != null) {
      log("shared Aeron media driver in " + launcher.driver().aeronDirectory());
    }
    int testPort = launcher.freePort();
    seedAddress = ArteryTransport.address(LocalClusterLauncher.SYSTEM_NAME, testPort);
    memberConfig = new MemberConfig(launcher, seedAddress, settings.protocol, settings.config);
    for (int i = 0; i < n; i++) {
      nodes.add(new ChoraNode(this, i, launcher.port(i), launcher.address(i)));
    }
    barriers = new Barriers(this::liveParticipants);
    controlServer = new ServerSocket(0, 50, InetAddress.getByName(ArteryTransport.HOST));
    Thread acceptor = new Thread(this::acceptLoop, "chora-multijvm-control-accept");
    acceptor.setDaemon(true);
    acceptor.start();

    // The test JVM's actor system forms the cluster; every replica joins it, so a restarted
    // replica (even replica 0) always finds a seed.
    system = ActorSystem.create(Behaviors.empty(), "chora", EmbeddedDriverDirectory.ownDirectory(memberConfig.testJvm(testPort)));
    log("test JVM joined as " + system.address() + "; starting " + n + " replica JVMs over "
        + settings.transport.label() + ", logs in " + logDirectory + (data.durable()
        ? ", durable: data directories in " + launcher.dataRoot() : ", storage: memory (replicas keep nothing on disk)"));
    long deadline = System.nanoTime() + settings.startTimeout.toNanos();
    // One at a time: JVM start-up is CPU-heavy (class loading, JIT), and on a small machine N JVMs
    // starting at once starve each other (Artery's bind times out; members look unreachable).
    for (ChoraNode node : nodes) {
      node.start(ChoraNode.Incarnation.FIRST);
      node.awaitConnected(remaining(deadline));
    }
    awaitMembersUp(remaining(deadline));
    for (ChoraNode node : nodes) {
      node.awaitStatus(s -> s.view().isNormal() && s.view().activeSet() == (1 << n) - 1, remaining(deadline),
          "NORMAL with every replica active");
    }
    log("cluster up: " + n + " replicas NORMAL");
  }

  private static Duration remaining(long deadlineNanos) {
    return Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime()));
  }

  private static void checkAeronOpens() {
    Module unnamed = ChoraCluster.class.getModule();
    if (!Object.class.getModule().isOpen("sun.nio.ch", unnamed) || !Object.class.getModule().isOpen("java.nio", unnamed)) {
      throw new IllegalStateException("the test JVM joins the cluster over aeron-udp, which needs "
          + String.join(" ", JvmProcess.AERON_JVM_OPTIONS) + " on JDK 17+: add them to the test JVM's options "
          + "(surefire's <argLine>), or choose transport(ArteryTransport.Kind.TCP)");
    }
  }

  /**
   * Starts node {@code node}'s next incarnation; its log is {@code node-<id>.log}, then {@code
   * node-<id>-restart-<k>.log}. A start with the state lost empties its data directory first.
   */
  JvmProcess launch(ChoraNode node, ChoraNode.Incarnation incarnation) throws IOException {
    boolean restarted = incarnation == ChoraNode.Incarnation.STATE_LOST;
    if (restarted && data.supported()) {
      StorageChoice.wipe(launcher.dataDirectory(node.id()));
    }
    Path conf = memberConfig.writeNodeFile(node.id(), restarted, data);
    int restarts = launcher.incarnations(node.id());
    Path logFile = logDirectory.resolve("node-" + node.id() + (restarts == 0 ? "" : "-restart-" + restarts) + ".log");
    String cp = settings.snapshotClasspath ? ClasspathSnapshot.of(settings.classpath, settings.logRoot) : settings.classpath;
    return launcher.start(node.id(), JvmProcess.builder(NodeMain.class.getName())
        .classpath(cp)
        .jvmOptions(settings.jvmOptions.toArray(new String[0]))
        .systemProperty("config.file", conf.toString())
        .systemProperty(NodeMain.CONTROL_PROPERTY, ArteryTransport.HOST + ":" + controlServer.getLocalPort())
        .systemProperty(NodeMain.NODE_PROPERTY, Integer.toString(node.id()))
        .systemProperty(NodeMain.SETUP_PROPERTY, settings.setup.getName())
        // Pekko logs through SLF4J; at info, cluster membership and Chora's own warnings show.
        .systemProperty("org.slf4j.simpleLogger.defaultLogLevel", "info")
        .systemProperty("org.slf4j.simpleLogger.logFile", "System.out")
        .systemProperty("org.slf4j.simpleLogger.showDateTime", "true")
        .systemProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS")
        .logFile(logFile)
        .name("node-" + node.id()));
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = controlServer.accept();
        ControlChannel channel = new ControlChannel(s, "a node");
        channel.start(f -> handleNodeRequest(channel, f));
      } catch (IOException e) {
        if (!closed) {
          log("control server: " + e);
        }
        return;
      }
    }
  }

  private CompletableFuture<ControlChannel.Reply> handleNodeRequest(ControlChannel channel, ControlChannel.Frame f) {
    switch (f.op()) {
      case "hello": {
        ChoraNode node = nodes.get(Integer.parseInt(f.arg(0)));
        node.connected(channel);
        return CompletableFuture.completedFuture(ControlChannel.Reply.of("welcome"));
      }
      case "barrier": {
        long ms = Long.parseLong(f.arg(1));
        Duration timeout = ms < 0 ? settings.barrierTimeout : Duration.ofMillis(ms);
        return barriers.enter("node-" + f.arg(2), f.arg(0), timeout).thenApply(v -> ControlChannel.Reply.of("passed"));
      }
      default:
        return CompletableFuture.failedFuture(new IllegalArgumentException("unknown request " + f.op()));
    }
  }

  private Set<String> liveParticipants() {
    Set<String> live = new LinkedHashSet<>();
    live.add(Barriers.TEST);
    for (ChoraNode n : nodes) {
      if (n.isConnected()) {
        live.add("node-" + n.id());
      }
    }
    return live;
  }

  void participantsChanged() {
    Barriers b = barriers;
    if (b != null) {
      b.recheck();
    }
  }

  private void awaitMembersUp(Duration timeout) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Cluster cluster = Cluster.get(system);
    while (true) {
      Set<String> up = new HashSet<>();
      for (Member m : cluster.state().getMembers()) {
        if (m.status() == MemberStatus.up()) {
          up.add(m.address().toString());
        }
      }
      if (up.containsAll(launcher.addresses()) && up.contains(seedAddress)) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        Set<String> missing = new LinkedHashSet<>(launcher.addresses());
        missing.removeAll(up);
        throw new TimeoutException("cluster members not Up within " + timeout + ": " + missing);
      }
      Thread.sleep(50);
    }
  }

  /** Stops every node JVM (kill -9: a test's end needs no graceful stop), the test's actor system and the driver. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    scheduler.shutdownNow();
    queries.shutdownNow();
    for (ChoraNode node : nodes) {
      try {
        node.destroy();
      } catch (RuntimeException e) {
        log("stopping " + node + ": " + e);
      }
    }
    if (barriers != null) {
      barriers.close();
    }
    if (controlServer != null) {
      try {
        controlServer.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    synchronized (clientSystems) {
      for (ActorSystem<Void> c : clientSystems) {
        c.terminate();
      }
      for (ActorSystem<Void> c : clientSystems) {
        try {
          c.getWhenTerminated().toCompletableFuture().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
          log("client system " + c.address() + " did not terminate: " + e);
        }
      }
    }
    if (system != null) {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(15, TimeUnit.SECONDS);
      } catch (Exception e) {
        log("the test JVM's actor system did not terminate: " + e);
      }
    }
    MediaDriverProcess driver = mediaDriver();
    if (driver != null) {
      try {
        // A node that died or paused mid-send stalls the others' stream to one node until the
        // driver unblocks it (MediaDriverProcess.Timeouts): worth knowing when a run stalled.
        log("aeron media driver: " + driver.unblockedPublications() + " publication(s) unblocked, "
            + driver.clientTimeouts() + " client(s) timed out");
      } catch (RuntimeException e) {
        log("aeron media driver counters unreadable: " + e);
      }
    }
    if (launcher != null) {
      launcher.close();
    }
    log("cluster stopped; logs in " + logDirectory + (launcher != null && settings.keepData && data.durable()
        ? ", data directories kept in " + launcher.dataRoot() : ""));
  }

  // ---- the handles ------------------------------------------------------------------------------

  public ChoraNode node(int id) {
    return nodes.get(id);
  }

  public List<ChoraNode> nodes() {
    return List.copyOf(nodes);
  }

  /** The number of replicas. */
  public int size() {
    return nodes.size();
  }

  /** f, the number of replicas the group may lose and still serve: (N - 1) / 2. */
  public int faultTolerance() {
    return (nodes.size() - 1) / 2;
  }

  /** Whether the replicas keep their log and snapshots on disk (chora.storage.mode = durable). */
  public boolean durable() {
    return data.durable();
  }

  // ---- crashes of several replicas ----------------------------------------------------------------

  /**
   * kill -9 of the replicas {@code ids} at the same moment: every signal is sent before the kit
   * waits for the first JVM to be gone, so none of them runs a step after another was killed (a
   * power cut of their machines). Returns once every one is gone. Replicas not running are skipped.
   */
  public void kill(Collection<Integer> ids) {
    List<ChoraNode> victims = new ArrayList<>();
    for (int id : new LinkedHashSet<>(ids)) {
      ChoraNode n = node(id);
      JvmProcess p = n.process();
      if (p != null && p.isAlive()) {
        victims.add(n);
        ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    for (ChoraNode n : victims) {
      n.kill(); // already dying: stops its slowdown, if any, and waits until the JVM is gone
    }
    if (!victims.isEmpty()) {
      log("replicas " + victims.stream().map(ChoraNode::id).toList() + " killed together (SIGKILL)");
    }
  }

  /** kill -9 of every replica at the same moment ({@link #kill(Collection)}): a power cut of the whole group. */
  public void killAll() {
    kill(ids());
  }

  /**
   * Starts the replicas {@code ids} again, each at its address and on its data directory, as after
   * a crash of their machines: they recover from what they synced (durable mode only). A replica
   * still running is killed first, together with the others that run. The JVMs are started one
   * after another (at once they starve a small machine); returns once every one has connected.
   * With every replica down, the group resumes only once enough of them are back: wait with
   * {@link #awaitAllActive(Duration)}.
   *
   * @throws IllegalStateException in memory mode, where a replica keeps nothing to restart from
   */
  public void restartFromDisk(Collection<Integer> ids) throws IOException, InterruptedException, TimeoutException {
    requireDurable("restartFromDisk");
    kill(ids);
    long deadline = System.nanoTime() + settings.startTimeout.toNanos();
    for (int id : new LinkedHashSet<>(ids)) {
      ChoraNode n = node(id);
      n.start(ChoraNode.Incarnation.FROM_DISK);
      n.awaitConnected(remaining(deadline));
    }
  }

  /**
   * The replicas {@code ids} crash together and restart from their disks: {@link #kill(Collection)},
   * {@link #restartFromDisk(Collection)}, then {@link #awaitAllActive(Duration)} within {@code
   * timeout} (from the kill). More than f replicas (up to all of them) may crash: in durable mode no
   * acknowledged write may be lost, and the group must resume once they are back. Returns every
   * replica's status once all are NORMAL and active in one view.
   *
   * @throws IllegalStateException in memory mode, where a replica keeps nothing to restart from
   */
  public Map<Integer, ReplicaStatus> crashAndRestartFromDisk(Collection<Integer> ids, Duration timeout)
      throws IOException, InterruptedException, TimeoutException {
    requireDurable("crashAndRestartFromDisk");
    long t0 = System.nanoTime();
    kill(ids);
    restartFromDisk(ids);
    Map<Integer, ReplicaStatus> statuses = awaitAllActive(remaining(t0 + timeout.toNanos()));
    log("replicas " + List.copyOf(new LinkedHashSet<>(ids)) + " restarted from disk; the group resumed "
        + String.format(java.util.Locale.ROOT, "%.1f s", (System.nanoTime() - t0) / 1e9) + " after the crash, view "
        + statuses.values().iterator().next().view().number());
    return statuses;
  }

  /** Every replica crashes at once and restarts from its disk ({@link #crashAndRestartFromDisk}). */
  public Map<Integer, ReplicaStatus> crashAllAndRestartFromDisk(Duration timeout)
      throws IOException, InterruptedException, TimeoutException {
    return crashAndRestartFromDisk(ids(), timeout);
  }

  /**
   * f + 1 replicas, {@code 0 .. f}, crash at once and restart from their disks ({@link
   * #crashAndRestartFromDisk}): one more than the group survives, so it stops until they are back.
   */
  public Map<Integer, ReplicaStatus> crashFPlusOneAndRestartFromDisk(Duration timeout)
      throws IOException, InterruptedException, TimeoutException {
    List<Integer> victims = new ArrayList<>();
    for (int i = 0; i <= faultTolerance(); i++) {
      victims.add(i);
    }
    return crashAndRestartFromDisk(victims, timeout);
  }

  /** Replica {@code id}'s data directory (the same for every incarnation; emptied by a restart with the state lost). */
  public Path dataDirectory(int id) {
    return launcher.dataDirectory(id);
  }

  void requireDurable(String action) {
    if (!data.durable()) {
      throw new IllegalStateException(action + ": the replicas run in memory mode and keep nothing on disk; use"
          + " ChoraCluster.Builder.durable(true) (or restart() for a restart with the state lost)");
    }
  }

  private List<Integer> ids() {
    List<Integer> all = new ArrayList<>();
    for (ChoraNode n : nodes) {
      all.add(n.id());
    }
    return all;
  }

  /** The test JVM's actor system: a member of the cluster without a replica. */
  public ActorSystem<Void> system() {
    return system;
  }

  /**
   * Starts one more cluster member in the test JVM, without a replica (a client node, role
   * {@value #TEST_ROLE}, configured as the test JVM's own member), and waits until every member
   * sees it Up. Cheaper than a client JVM; {@link #close()} stops it. With
   * {@link #cutTestJvmMember}, a test can make client nodes tip a partition.
   */
  public ActorSystem<Void> startClientSystem(Duration timeout) throws InterruptedException, TimeoutException {
    ActorSystem<Void> c = ActorSystem.create(Behaviors.empty(), "chora",
        EmbeddedDriverDirectory.ownDirectory(memberConfig.testJvm(launcher.freePort())));
    synchronized (clientSystems) {
      clientSystems.add(c);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!isUp(c.address().toString())) {
      if (System.nanoTime() - deadline > 0) {
        throw new TimeoutException("client system " + c.address() + " not Up within " + timeout);
      }
      Thread.sleep(50);
    }
    log("client system joined as " + c.address());
    return c;
  }

  /**
   * Cuts every link between {@code member} (the test JVM's {@link #system()} or a
   * {@link #startClientSystem client system}) and the nodes {@code ids} and test-JVM members
   * {@code others}, both ways. {@link #heal()} restores them.
   */
  public void cutTestJvmMember(ActorSystem<Void> member, Collection<Integer> ids, Collection<ActorSystem<Void>> others) {
    String self = member.address().toString();
    for (int id : ids) {
      join(node(id).blackhole(self, "both", true), "blackhole " + id + " -> " + self);
      localBlackhole(member, node(id).address(), true);
      synchronized (testJvmCuts) {
        testJvmCuts.add(new Object[] {member, node(id).address(), id});
      }
    }
    for (ActorSystem<Void> o : others) {
      localBlackhole(member, o.address().toString(), true);
      localBlackhole(o, self, true);
      synchronized (testJvmCuts) {
        testJvmCuts.add(new Object[] {member, o.address().toString(), -1});
        testJvmCuts.add(new Object[] {o, self, -1});
      }
    }
    log("cut " + self + " from nodes " + ids + " and " + others.size() + " test-JVM member(s)");
  }

  private boolean isUp(String address) {
    for (Member m : Cluster.get(system).state().getMembers()) {
      if (m.address().toString().equals(address) && m.status() == MemberStatus.up()) {
        return true;
      }
    }
    return false;
  }

  private static void localBlackhole(ActorSystem<?> member, String address, boolean on) {
    try {
      NodeMain.setBlackhole(member, address, "both", on);
    } catch (Exception e) {
      throw new IllegalStateException("blackhole " + member.address() + " -> " + address + " failed: " + e, e);
    }
  }

  /** The test JVM's Chora extension. */
  public Chora chora() {
    return Chora.get(system);
  }

  /** An entity asked from the test JVM through the cluster: the test JVM's gateway picks a replica and fails over. */
  public <C, R> EntityRef<C, R> entityRefFor(EntityTypeKey<C, R> key, String entityId) {
    return chora().entityRefFor(key, entityId);
  }

  public Path logDirectory() {
    return logDirectory;
  }

  public ArteryTransport.Kind transport() {
    return settings.transport;
  }

  /**
   * For {@link ArteryTransport.Kind#TLS_TCP}: the cluster's throwaway certificate authority, which
   * signed every member's key (the test JVM's too), e.g. to make a key pair it did not sign.
   */
  public TlsAuthority tlsAuthority() {
    return launcher.tlsAuthority();
  }

  /**
   * The configuration of a would-be member that is not of this cluster's making: the kit's settings
   * of the test JVM (no replica, the replicas' addresses, the seed) on a fresh port of {@link
   * ArteryTransport#HOST}, with {@code artery} (e.g. {@link ArteryTransport#tlsTcp} with keys the
   * cluster does not trust) over the cluster's transport. The caller starts and stops its actor
   * system.
   */
  public com.typesafe.config.Config outsiderConfig(java.util.function.IntFunction<com.typesafe.config.Config> artery) {
    int port = launcher.freePort();
    return memberConfig.testJvm(port, artery.apply(port));
  }

  /** The shared media driver, or null for other transports. */
  public MediaDriverProcess mediaDriver() {
    return launcher == null ? null : launcher.driver();
  }

  LocalClusterLauncher launcher() {
    return launcher;
  }

  Duration startTimeout() {
    return settings.startTimeout;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** Where every log is, for failure messages. */
  public String logReport() {
    StringBuilder b = new StringBuilder("multi-JVM logs in ").append(logDirectory).append(':');
    for (ChoraNode n : nodes) {
      for (Path p : n.logFiles()) {
        b.append("\n  ").append(p);
      }
    }
    if (mediaDriver() != null) {
      b.append("\n  ").append(logDirectory.resolve(DRIVER_LOG));
    }
    return b.toString();
  }

  // ---- barriers -----------------------------------------------------------------------------

  /** The test enters barrier {@code name} and waits for every live node to enter it too (see {@link NodeContext}). */
  public void enterBarrier(String name) {
    enterBarrier(name, settings.barrierTimeout);
  }

  public void enterBarrier(String name, Duration timeout) {
    try {
      barriers.enter(Barriers.TEST, name, timeout).get();
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause().getMessage() + "\n" + logReport(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted in barrier " + name, e);
    }
  }

  // ---- state checks ---------------------------------------------------------------------------

  /** The status of every live replica, by id, asked of all at the same time. */
  public Map<Integer, ReplicaStatus> statuses() {
    return askEveryLiveNode(ChoraNode::status);
  }

  /**
   * {@link #awaitAllActive}, and then no view change for {@code steadyFor}: every live replica stays
   * NORMAL and active in that one view all along. A replica restarted a few seconds ago is still
   * warming up (JIT, first collections) on a host it shares, and the group may still change views
   * around it; a measurement that wants a settled group (the failover series) waits for this.
   */
  public Map<Integer, ReplicaStatus> awaitSteady(Duration steadyFor, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Map<Integer, ReplicaStatus> start = awaitAllActive(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      long view = start.values().iterator().next().view().number();
      long until = System.nanoTime() + steadyFor.toNanos();
      Map<Integer, ReplicaStatus> now = start;
      boolean steady = true;
      while (steady && System.nanoTime() - until < 0) {
        sleepMillis(100);
        try {
          now = statuses();
        } catch (RuntimeException e) {
          steady = false;
          break;
        }
        int mask = start.keySet().stream().mapToInt(id -> 1 << id).reduce(0, (x, y) -> x | y);
        steady = now.keySet().equals(start.keySet()) && now.values().stream()
            .allMatch(s -> s.view().number() == view && s.view().isNormal() && (s.view().activeSet() & mask) == mask);
      }
      if (steady) {
        return now;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("the live replicas did not stay NORMAL and active in one view for " + steadyFor
            + " within " + timeout + ": " + now + "\n" + logReport());
      }
    }
  }

  /**
   * Waits until every live replica is NORMAL in one view with every live replica active, e.g.
   * after healing a fault.
   */
  public Map<Integer, ReplicaStatus> awaitAllActive(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<Integer, ReplicaStatus> last = Map.of();
    RuntimeException lastError = null;
    while (true) {
      try {
        int live = 0;
        for (ChoraNode n : nodes) {
          if (n.isConnected()) {
            live |= 1 << n.id();
          }
        }
        last = statuses();
        int mask = live;
        Set<Long> views = last.values().stream().map(s -> s.view().number()).collect(Collectors.toSet());
        if (!last.isEmpty() && views.size() == 1
            && last.values().stream().allMatch(s -> s.view().isNormal() && (s.view().activeSet() & mask) == mask)) {
          return last;
        }
      } catch (RuntimeException e) {
        lastError = e;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("the live replicas were not all NORMAL and active in one view within " + timeout
            + ": " + last + (lastError != null ? "; last error: " + lastError : "") + "\n" + logReport(), lastError);
      }
      sleepMillis(100);
    }
  }

  /**
   * Waits until every live replica holds the same state digest and returns them. Ask it once the
   * load has stopped: under load replicas are at different rounds. Replicas keep running empty
   * rounds when idle, so the digests are compared at the rounds each replica has executed; a
   * replica that executed a different set of commands can never match.
   */
  public Map<Integer, StateDigest> awaitConverged(Duration timeout) {
    return awaitConverged(timeout, false);
  }

  /**
   * {@link #awaitConverged(Duration)}; with {@code sameRound}, also until the digests were taken
   * at the same executed round on every replica (the strict form: the same commands, in the same
   * rounds; idle replicas keep executing empty rounds, so it may take a few attempts).
   */
  public Map<Integer, StateDigest> awaitConverged(Duration timeout, boolean sameRound) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<Integer, StateDigest> last = Map.of();
    RuntimeException lastError = null;
    while (true) {
      try {
        last = digests();
        Set<String> shas = last.values().stream().map(StateDigest::sha256).collect(Collectors.toSet());
        Set<Long> rounds = last.values().stream().map(StateDigest::executedRound).collect(Collectors.toSet());
        if (!last.isEmpty() && shas.size() == 1 && (!sameRound || rounds.size() == 1)) {
          return last;
        }
      } catch (RuntimeException e) {
        lastError = e;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("the live replicas did not converge to one state digest" + (sameRound ? " at one round" : "")
            + " within " + timeout + ": "
            + last + (lastError != null ? "; last error: " + lastError : "") + "\n" + logReport(), lastError);
      }
      sleepMillis(100);
    }
  }

  /** The digest of every live replica, asked at the same time. */
  public Map<Integer, StateDigest> digests() {
    return askEveryLiveNode(ChoraNode::digest);
  }

  /** {@code question} put to every live node at the same time; the answers by replica id. */
  private <T> Map<Integer, T> askEveryLiveNode(Function<ChoraNode, T> question) {
    Map<Integer, CompletableFuture<T>> asked = new TreeMap<>();
    for (ChoraNode n : nodes) {
      if (n.isConnected()) {
        asked.put(n.id(), CompletableFuture.supplyAsync(() -> question.apply(n), queries));
      }
    }
    Map<Integer, T> m = new TreeMap<>();
    asked.forEach((id, f) -> m.put(id, f.join()));
    return m;
  }

  // ---- link faults ------------------------------------------------------------------------------

  /**
   * Cuts every link between a node of {@code sideA} and a node of {@code sideB}, both ways. The test
   * JVM stays connected to everyone (it is the observer, and its gateway reaches every side).
   */
  public void partition(Collection<Integer> sideA, Collection<Integer> sideB) {
    for (int a : sideA) {
      for (int b : sideB) {
        if (a != b) {
          cut(a, b, "both");
          cut(b, a, "both");
        }
      }
    }
    log("partition " + sideA + " | " + sideB);
  }

  /** Cuts node {@code id} off from every other replica, both ways. */
  public void isolate(int id) {
    List<Integer> others = new ArrayList<>();
    for (ChoraNode n : nodes) {
      if (n.id() != id) {
        others.add(n.id());
      }
    }
    partition(List.of(id), others);
  }

  /** A one-way partition: messages from {@code from} to {@code to} are lost; {@code to}'s reach {@code from}. */
  public void blackholeOneWay(int from, int to) {
    cut(from, to, "send");
    cut(to, from, "receive");
    log("one-way partition " + from + " -> " + to);
  }

  /**
   * A lossy link, both ways: every {@code period} the link between {@code a} and {@code b} is
   * dropped with probability {@code dropFraction} (whole messages, in bursts of one period).
   */
  public void lossyLink(int a, int b, double dropFraction, Duration period, long seed) {
    if (dropFraction < 0 || dropFraction > 1) {
      throw new IllegalArgumentException("drop fraction in [0, 1]: " + dropFraction);
    }
    join(node(a).flap(node(b).address(), "both", period, dropFraction, seed), "lossy link " + a + "-" + b);
    synchronized (lossyLinks) {
      lossyLinks.add(a + ">" + b);
    }
    log("lossy link " + a + " - " + b + ": " + dropFraction + " of " + period.toMillis() + " ms periods dropped");
  }

  /** Heals every partition and lossy link made through this cluster (on the nodes still running). */
  public void heal() {
    List<String> cuts;
    List<String> lossy;
    synchronized (blackholes) {
      cuts = new ArrayList<>(blackholes);
      blackholes.clear();
    }
    synchronized (lossyLinks) {
      lossy = new ArrayList<>(lossyLinks);
      lossyLinks.clear();
    }
    for (String c : cuts) {
      String[] p = c.split(">|\\|");
      ChoraNode on = node(Integer.parseInt(p[0]));
      if (on.isConnected()) {
        join(on.blackhole(node(Integer.parseInt(p[1])).address(), p[2], false), "heal " + c);
      }
    }
    for (String l : lossy) {
      String[] p = l.split(">");
      ChoraNode on = node(Integer.parseInt(p[0]));
      if (on.isConnected()) {
        join(on.unflap(node(Integer.parseInt(p[1])).address(), "both"), "restore " + l);
      }
    }
    List<Object[]> memberCuts;
    synchronized (testJvmCuts) {
      memberCuts = new ArrayList<>(testJvmCuts);
      testJvmCuts.clear();
    }
    for (Object[] c : memberCuts) {
      @SuppressWarnings("unchecked")
      ActorSystem<Void> member = (ActorSystem<Void>) c[0];
      int id = (Integer) c[2];
      if (id >= 0 && node(id).isConnected()) {
        join(node(id).blackhole(member.address().toString(), "both", false), "heal " + id + " -> " + member.address());
      }
      if (!member.getWhenTerminated().toCompletableFuture().isDone()) {
        localBlackhole(member, (String) c[1], false);
      }
    }
    log("healed " + cuts.size() + " cut, " + memberCuts.size() + " test-JVM member and " + lossy.size()
        + " lossy links");
  }

  private void cut(int on, int peer, String direction) {
    join(node(on).blackhole(node(peer).address(), direction, true), "blackhole " + on + " -> " + peer);
    synchronized (blackholes) {
      blackholes.add(on + ">" + peer + "|" + direction);
    }
  }

  private <T> T join(CompletableFuture<T> f, String what) {
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + ": no answer within 10 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + what, e);
    }
  }

  // ---- helpers ------------------------------------------------------------------------------------

  /** A timestamped line on the test JVM's output, as the kit logs its own steps. */
  public static void log(String line) {
    System.out.println(LocalTime.now() + " [chora multi-jvm] " + line);
    System.out.flush();
  }

  static void sleepMillis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The last {@code n} lines of a log, indented, for failure messages. */
  static String tail(Path file, int n) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return "  | " + String.join("\n  | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "  (cannot read " + file + ": " + e + ")";
    }
  }
}
