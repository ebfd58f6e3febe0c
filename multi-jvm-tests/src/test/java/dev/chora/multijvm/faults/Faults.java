package dev.chora.multijvm.faults;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.chora.runtime.message.AckMessage;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.RoundMessage;
import dev.chora.runtime.message.StartViewChange;
import dev.chora.multijvm.ChoraCluster;
import dev.chora.multijvm.ChoraNode;
import dev.chora.transport.launch.ArteryTransport;
import dev.chora.transport.launch.MediaDriverProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The fault scenarios, each under concurrent load with a history, ending with {@link Checks}: used
 * once each by the CI subset ({@code FaultsTest}) and repeatedly, for N = 3 and 5, by the campaign.
 */
final class Faults {
  private Faults() {}

  /** Load shape: small enough for two cores shared with N + 2 JVMs, enough to keep every replica proposing. */
  static final int KV_CLIENTS = 6;
  static final int BANK_CLIENTS = 2;
  static final int KEYS = 12;
  static final int ACCOUNTS = 8;
  static final Duration OP_TIMEOUT = Duration.ofSeconds(5);

  /** What one scenario run measured. Times in ms, throughput in ok operations per second. */
  record Report(String scenario, int n, Checks.Verdict verdict, double failoverMs, double clientFailoverMs,
      long unblockedPublications, double rejoinMs,
      double okPerSecBefore, double okPerSecDuring, double okPerSecAfter, double seconds) {

    String line() {
      return String.format(Locale.ROOT, "%-22s N=%d  %5d ops (%d ok, %d fail, %d unknown)  ok/s before %.0f, during"
          + " %.0f, after %.0f  failover %s (clients %s)%s  rejoin %s  %.1f s", scenario, n, verdict.ops(), verdict.ok(),
          verdict.failed(), verdict.unknown(), okPerSecBefore, okPerSecDuring, okPerSecAfter,
          millis(failoverMs), millis(clientFailoverMs),
          unblockedPublications == 0 ? "" : " [the victim died mid-send: the shared Aeron driver unblocked "
              + unblockedPublications + " publication(s)]",
          Double.isNaN(rejoinMs) ? "-" : String.format(Locale.ROOT, "%.0f ms", rejoinMs), seconds);
    }

    /** Whether the failover waited for the shared driver to unblock a publication the victim left mid-send. */
    boolean stalledByTransport() {
      return unblockedPublications > 0;
    }

    /** Whether a kill was measured and commits never resumed at the survivors within the window. */
    boolean serviceStopped() {
      return Double.isInfinite(failoverMs);
    }

    /** The project's promise: service continues while a minority fails. */
    void assertServiceContinued() {
      if (serviceStopped()) {
        throw new AssertionError(scenario + " (N=" + n + "): commits did not resume at the survivors within the"
            + " measurement window after the kill, so a minority's failure stopped the service: " + line());
      }
    }
  }

  /** A duration for the report: "-" when not measured, "none in window" when it never ended. */
  static String millis(double ms) {
    return Double.isNaN(ms) ? "-" : Double.isInfinite(ms) ? "none in window" : String.format(Locale.ROOT, "%.0f ms", ms);
  }

  /** Shared by every scenario: the load, the fault's window, and the checks at the end. */
  private static final class Run implements AutoCloseable {
    final ChoraCluster cluster;
    final String name;
    final Workload load;
    final long startNs = System.nanoTime();
    long faultNs;
    long healNs;
    long killNs;
    long afterKillNs;
    double commitFailoverMs = Double.NaN;
    long unblockedPublications;
    double rejoinMs = Double.NaN;

    Run(ChoraCluster cluster, String name, long seed) throws Exception {
      this.cluster = cluster;
      this.name = name;
      this.load = new Workload(cluster, name, KEYS, ACCOUNTS, OP_TIMEOUT);
      load.openAccounts();
      load.start(KV_CLIENTS, BANK_CLIENTS, seed);
    }

    void fault() {
      faultNs = System.nanoTime();
    }

    /**
     * kill -9 of {@code victim} while the survivors' commit indexes are sampled, for {@code watch};
     * records when commits resumed at the others.
     *
     * <p>On aeron-udp, a victim killed in the middle of a send leaves the shared media driver's
     * publication to one destination blocked, and every other node's traffic to it on that stream
     * waits until the driver unblocks it (MediaDriverProcess.Timeouts, docs/transport.md). When
     * commits have not resumed by the end of the watch, the watch goes on until that timeout has
     * passed, and the report says whether the driver unblocked a publication meanwhile: a stall
     * that the transport explains is then told apart from one that the protocol would owe.
     */
    void killAndWatch(int victim, long watchMillis) throws InterruptedException {
      MediaDriverProcess driver = cluster.mediaDriver();
      long unblockedBefore = driver == null ? 0 : driver.unblockedPublications();
      try (CommitProbe probe = new CommitProbe(cluster, others(cluster, List.of(victim)))) {
        Thread.sleep(300); // samples before the kill: the commit index it had reached
        killNs = System.nanoTime();
        cluster.node(victim).kill();
        Thread.sleep(watchMillis);
        commitFailoverMs = probe.resumedAfterMillis(killNs, System.nanoTime(), victim);
        if (driver != null && Double.isInfinite(commitFailoverMs)) {
          long until = killNs + driver.timeouts().publicationUnblock().plusSeconds(3).toNanos();
          while (Double.isInfinite(commitFailoverMs) && System.nanoTime() < until) {
            Thread.sleep(250);
            commitFailoverMs = probe.resumedAfterMillis(killNs, System.nanoTime(), victim);
          }
        }
        afterKillNs = System.nanoTime();
        if (Boolean.getBoolean("chora.faults.trace")) {
          ChoraCluster.log("after the kill of replica " + victim + ", the survivors:" + probe.trace(killNs, 1_000));
        }
      }
      unblockedPublications = driver == null ? 0 : driver.unblockedPublications() - unblockedBefore;
    }

    void healed() {
      healNs = System.nanoTime();
    }

    /** Restarts {@code node} with its state lost and waits until every live replica has it active again. */
    void restartAndRejoin(ChoraNode node) throws Exception {
      long t0 = System.nanoTime();
      node.restart();
      cluster.awaitAllActive(Duration.ofSeconds(90));
      rejoinMs = (System.nanoTime() - t0) / 1e6;
    }

    Report finish(String scenario) throws Exception {
      load.stop();
      long stopNs = System.nanoTime();
      Checks.Verdict v = Checks.verify(cluster, load, name);
      List<History.Op> ops = load.history().ops();
      long untilNs = afterKillNs == 0 ? stopNs : afterKillNs;
      // Only a gap that began before the replicas had resumed is the failover's (see failoverMillis).
      long resumedNs = Double.isFinite(commitFailoverMs) ? killNs + (long) (commitFailoverMs * 1e6) : untilNs;
      double failover = killNs == 0 ? Double.NaN : failoverMillis(ops, killNs, untilNs, resumedNs);
      long heal = healNs == 0 ? stopNs : healNs;
      Report r = new Report(scenario, cluster.size(), v, commitFailoverMs, failover, unblockedPublications, rejoinMs,
          okPerSec(ops, startNs, faultNs == 0 ? stopNs : faultNs),
          faultNs == 0 ? Double.NaN : okPerSec(ops, faultNs, heal), okPerSec(ops, heal, stopNs),
          (System.nanoTime() - startNs) / 1e9);
      ChoraCluster.log("RESULT " + r.line());
      return r;
    }

    @Override
    public void close() {
      load.close();
    }
  }

  /** Between scenarios: links healed, every replica running (a dead one restarted, state lost), all active. */
  static void restore(ChoraCluster c) throws Exception {
    c.heal();
    for (ChoraNode n : c.nodes()) {
      if (!n.isAlive()) {
        n.restart();
      }
    }
    c.awaitAllActive(Duration.ofSeconds(90));
  }

  // ---- the scenarios --------------------------------------------------------------------------

  /** kill -9 of one replica; once it has restarted (state lost) and rejoined, kill -9 of a second. */
  static Report killOneThenAnother(ChoraCluster c, String name, int first, int second, long seed) throws Exception {
    try (Run run = new Run(c, name, seed)) {
      sleep(2_500);
      run.fault();
      run.killAndWatch(first, 2_500);
      run.restartAndRejoin(c.node(first));
      run.healed();
      sleep(1_500);
      c.node(second).kill();
      sleep(2_500);
      return run.finish("kill-one-then-another");
    }
  }

  /** kill -9 of one active replica under load; the report's failover is the time until commits resumed. */
  static Report killOne(ChoraCluster c, String name, int victim, long seed) throws Exception {
    try (Run run = new Run(c, name, seed)) {
      sleep(2_000);
      run.fault();
      // Long enough to see commits resume even when only Pekko Cluster's failure detector (some
      // seconds) notices the death.
      run.killAndWatch(victim, 7_000);
      run.healed();
      return run.finish("kill-one");
    }
  }

  /** SIGSTOP of one replica for {@code pause}, then SIGCONT: it must not act on its stale view. */
  static Report pauseAndResume(ChoraCluster c, String name, int victim, Duration pause, long seed) throws Exception {
    try (Run run = new Run(c, name, seed)) {
      sleep(2_000);
      run.fault();
      c.node(victim).pause();
      sleep(pause.toMillis());
      c.node(victim).resume();
      run.healed();
      c.awaitAllActive(Duration.ofSeconds(60));
      sleep(1_500);
      return run.finish("pause-resume");
    }
  }

  /** A minority (f replicas) cut off from the rest, both ways, then healed. */
  static Report minorityPartition(ChoraCluster c, String name, List<Integer> minority, Duration length, long seed)
      throws Exception {
    List<Integer> majority = others(c, minority);
    try (Run run = new Run(c, name, seed)) {
      sleep(2_000);
      run.fault();
      c.partition(minority, majority);
      sleep(length.toMillis());
      c.heal();
      run.healed();
      c.awaitAllActive(Duration.ofSeconds(60));
      sleep(1_500);
      return run.finish("minority-partition");
    }
  }

  /**
   * The old active set split: first a minority {@code a} is cut off (a view change removes it);
   * then, without healing first, the cut moves to isolate a different minority {@code b} (which
   * was in the new active set), so the replica that must rejoin and the one that must leave swap.
   */
  static Report activeSetSplit(ChoraCluster c, String name, List<Integer> a, List<Integer> b, Duration each, long seed)
      throws Exception {
    try (Run run = new Run(c, name, seed)) {
      sleep(2_000);
      run.fault();
      c.partition(a, others(c, a));
      sleep(each.toMillis());
      c.heal();
      c.partition(b, others(c, b));
      sleep(each.toMillis());
      c.heal();
      run.healed();
      c.awaitAllActive(Duration.ofSeconds(60));
      sleep(1_500);
      return run.finish("active-set-split");
    }
  }

  /** A one-way partition: {@code from}'s messages to {@code to} are lost, the other way works. */
  static Report oneWayPartition(ChoraCluster c, String name, int from, int to, Duration length, long seed)
      throws Exception {
    try (Run run = new Run(c, name, seed)) {
      sleep(2_000);
      run.fault();
      c.blackholeOneWay(from, to);
      sleep(length.toMillis());
      c.heal();
      run.healed();
      c.awaitAllActive(Duration.ofSeconds(60));
      sleep(1_500);
      return run.finish("one-way-partition");
    }
  }

  /** Flapping links: the links of one replica drop whole periods at random, then heal. */
  static Report flappingLinks(ChoraCluster c, String name, int victim, Duration length, long seed) throws Exception {
    try (Run run = new Run(c, name, seed)) {
      sleep(2_000);
      run.fault();
      for (int other : others(c, List.of(victim))) {
        c.lossyLink(victim, other, 0.3, Duration.ofMillis(50), seed + other);
      }
      sleep(length.toMillis());
      c.heal();
      run.healed();
      c.awaitAllActive(Duration.ofSeconds(60));
      sleep(1_500);
      return run.finish("flapping-links");
    }
  }

  /** Restart of a replica with its state lost, under load: it rejoins by state transfer. */
  static Report restartStateLost(ChoraCluster c, String name, int victim, long seed) throws Exception {
    try (Run run = new Run(c, name, seed)) {
      sleep(2_500);
      run.fault();
      run.restartAndRejoin(c.node(victim));
      run.healed();
      sleep(1_500);
      return run.finish("restart-state-lost");
    }
  }

  /** A slow replica: stopped {@code stopMs} of every {@code periodMs} (CPU starvation, GC thrashing). */
  static Report slowNode(ChoraCluster c, String name, int victim, Duration length, long seed) throws Exception {
    try (Run run = new Run(c, name, seed)) {
      sleep(2_000);
      run.fault();
      c.node(victim).slowDown(Duration.ofMillis(40), Duration.ofMillis(120));
      sleep(length.toMillis());
      c.node(victim).normalSpeed();
      run.healed();
      c.awaitAllActive(Duration.ofSeconds(60));
      sleep(1_500);
      return run.finish("slow-node");
    }
  }

  /** A clean leave of a replica (it leaves the Pekko cluster and exits), then its return with state lost. */
  static Report leaveAndReturn(ChoraCluster c, String name, int victim, long seed) throws Exception {
    try (Run run = new Run(c, name, seed)) {
      sleep(2_000);
      run.fault();
      c.node(victim).leave(Duration.ofSeconds(30));
      sleep(2_000);
      run.restartAndRejoin(c.node(victim));
      run.healed();
      sleep(1_500);
      return run.finish("leave-and-return");
    }
  }

  /**
   * What a replica paused beyond the Aeron driver's client liveness timeout did once resumed: it
   * took part again by itself, or its JVM exited cleanly (its actor system terminated).
   */
  enum AfterLongPause { CAME_BACK, STOPPED }

  /**
   * SIGSTOP of one replica for 4 s longer than the shared Aeron driver's client liveness timeout
   * (the cluster's driver's, or the default's over tcp), then SIGCONT. Over aeron-udp the driver
   * has dropped the paused node's Aeron client meanwhile; resumed, the client at once finds its
   * service interval exceeded ({@code ConductorServiceTimeoutException}) and closes, Artery
   * terminates the actor system (sending nothing more), and the node's JVM exits about 10 s later,
   * when coordinated shutdown's cluster-exiting phase has timed out: it must stop cleanly, and its
   * restart must rejoin. Over tcp nothing times the node out below the split-brain resolver's
   * stable-after (120 s in the kit), so it must come back by itself.
   */
  static Report longPause(ChoraCluster c, String name, int victim, long seed) throws Exception {
    MediaDriverProcess driver = c.mediaDriver();
    Duration liveness = (driver == null ? MediaDriverProcess.Timeouts.DEFAULT : driver.timeouts()).clientLiveness();
    AfterLongPause expected = switch (c.transport()) {
      case TCP, TLS_TCP -> AfterLongPause.CAME_BACK;
      case AERON_SHARED -> AfterLongPause.STOPPED;
      case AERON_EMBEDDED -> throw new IllegalArgumentException("long-pause is defined for tcp and aeron-shared: with"
          + " an embedded driver, the driver pauses with its client");
    };
    return longPause(c, name, victim, liveness.plusSeconds(4), expected, seed);
  }

  /**
   * SIGSTOP of one replica for {@code pause}, longer than the shared Aeron driver's client liveness
   * timeout, then SIGCONT, under load; the replica must then do what {@code expected} says: take
   * part again by itself, or exit with {@link ChoraNode#TERMINATED_STATUS} (its actor system
   * terminated; no crash, no hang), after which its restart (state lost) must rejoin. Either way
   * the group serves on and the history check holds.
   */
  static Report longPause(ChoraCluster c, String name, int victim, Duration pause, AfterLongPause expected, long seed)
      throws Exception {
    ChoraNode node = c.node(victim);
    try (Run run = new Run(c, name, seed)) {
      sleep(2_000);
      run.fault();
      node.pause();
      sleep(pause.toMillis());
      node.resume();
      AfterLongPause outcome = awaitCameBackOrStopped(c, victim, Duration.ofSeconds(90));
      ChoraCluster.log("replica " + victim + " after a pause of " + pause + ": " + outcome
          + (outcome == AfterLongPause.STOPPED ? " (exit status " + node.process().exitCode() + ")" : ""));
      if (outcome != expected) {
        throw new AssertionError("replica " + victim + " paused for " + pause + " over " + c.transport().label()
            + ": expected " + expected + ", but it " + (outcome == AfterLongPause.STOPPED ? "exited with status "
            + node.process().exitCode() : "came back") + " (log " + node.logFile() + ")");
      }
      if (outcome == AfterLongPause.STOPPED) {
        if (node.process().exitCode() != ChoraNode.TERMINATED_STATUS) {
          throw new AssertionError("replica " + victim + " did not stop cleanly after the pause: exit status "
              + node.process().exitCode() + " (log " + node.logFile() + ")");
        }
        // Stopped for the expected reason: its Aeron client, not the cluster's downing.
        if (!java.nio.file.Files.readString(node.logFile()).contains("ConductorServiceTimeoutException")) {
          throw new AssertionError("replica " + victim + " stopped after the pause, but its log does not show its Aeron"
              + " client timed out (ConductorServiceTimeoutException): " + node.logFile());
        }
        run.restartAndRejoin(node);
      } else {
        sleep(3_000);
        if (!node.isAlive()) {
          throw new AssertionError("replica " + victim + " came back after the pause, then exited with status "
              + node.process().exitCode() + " (log " + node.logFile() + ")");
        }
      }
      run.healed();
      sleep(1_500);
      return run.finish("long-pause");
    }
  }

  /**
   * Until the resumed {@code victim} has exited, or every replica is NORMAL in one view with
   * {@code victim} active in it (its own status alone could still be the stale view it was paused in).
   */
  private static AfterLongPause awaitCameBackOrStopped(ChoraCluster c, int victim, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Object last = "no status yet";
    while (System.nanoTime() - deadline < 0) {
      if (!c.node(victim).isAlive()) {
        return AfterLongPause.STOPPED;
      }
      try {
        var statuses = c.statuses();
        last = statuses;
        long views = statuses.values().stream().mapToLong(s -> s.view().number()).distinct().count();
        if (statuses.size() == c.size() && views == 1
            && statuses.values().stream().allMatch(s -> s.view().isNormal() && s.view().isActive(victim))) {
          return AfterLongPause.CAME_BACK;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      sleep(100);
    }
    throw new AssertionError("replica " + victim + " neither came back nor stopped within " + timeout + " of its"
        + " resumption: " + last + "\n" + c.logReport());
  }

  /**
   * Garbage on the wire at a replica's Artery port: datagrams over aeron-udp ({@link
   * #garbageDatagrams}), byte streams over tcp ({@link #garbageStreams}), there without Artery's
   * magic unless {@code -Dchora.faults.tcpGarbageFrames=true} (see {@link #garbageStreams} for why).
   */
  static Report garbage(ChoraCluster c, String name, int victim, int count, long seed) throws Exception {
    return c.transport() == ArteryTransport.Kind.TCP
        ? garbageStreams(c, name, victim, count / 10, Boolean.getBoolean("chora.faults.tcpGarbageFrames"), seed)
        : garbageDatagrams(c, name, victim, count, seed);
  }

  /**
   * Garbage on the wire over Artery tcp: {@code connections} connections to a replica's port,
   * under load, each sending random bytes that start with no Artery magic, then closed; the node
   * must refuse each connection and keep serving. With {@code framed}, two thirds of them instead
   * start with Artery's magic, then a stream id Artery lacks, or a valid one and a frame length
   * above the maximum frame size.
   *
   * <p>Framed garbage is not part of the CI subset: on Pekko 1.x its inbound decoder then loops,
   * logging "Dropping message due to: BufferUnderflowException" (or IndexOutOfBoundsException)
   * thousands of times a second until the node stops; the node was seen to stop hearing its peers
   * and to write gigabytes of log. Artery tcp trusts whoever can connect to its port: that is what
   * tls-tcp, or a trusted network, must exclude (docs/transport.md).
   */
  static Report garbageStreams(ChoraCluster c, String name, int victim, int connections, boolean framed, long seed)
      throws Exception {
    try (Run run = new Run(c, name, seed)) {
      sleep(2_000);
      run.fault();
      Random random = new Random(seed);
      InetAddress host = InetAddress.getByName(ArteryTransport.HOST);
      for (int i = 0; i < connections; i++) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] junk = new byte[1 + random.nextInt(4_000)];
        random.nextBytes(junk);
        switch (framed ? i % 3 : 0) {
          case 0 -> junk[0] = 'X'; // no magic starts with it
          case 1 -> {
            out.write(ARTERY_TCP_MAGICS[i % ARTERY_TCP_MAGICS.length]);
            out.write(4 + random.nextInt(100)); // streams are 1, 2 and 3
          }
          default -> {
            out.write(ARTERY_TCP_MAGICS[i % ARTERY_TCP_MAGICS.length]);
            out.write(1 + random.nextInt(3));
            int length = Integer.MAX_VALUE - random.nextInt(1_000); // little-endian, above any frame size
            out.write(new byte[] {(byte) length, (byte) (length >> 8), (byte) (length >> 16), (byte) (length >> 24)});
          }
        }
        out.write(junk);
        try (Socket socket = new Socket(host, c.node(victim).port())) {
          socket.getOutputStream().write(out.toByteArray());
          socket.getOutputStream().flush();
        } catch (IOException e) {
          // the node may close the connection before it has read everything: that is its answer
        }
        if (i % 20 == 0) {
          sleep(10);
        }
      }
      run.healed();
      sleep(2_000);
      return run.finish("garbage-streams");
    }
  }

  /** The magics an Artery tcp connection may start with: Pekko's, and Akka's. */
  private static final byte[][] ARTERY_TCP_MAGICS = {{'P', 'E', 'K', 'K'}, {'A', 'K', 'K', 'A'}};

  /**
   * Garbage on the wire: random and truncated datagrams to a replica's aeron-udp port (owned by
   * the shared media driver), under load; the node must keep serving.
   */
  static Report garbageDatagrams(ChoraCluster c, String name, int victim, int datagrams, long seed) throws Exception {
    try (Run run = new Run(c, name, seed); DatagramSocket socket = new DatagramSocket()) {
      sleep(2_000);
      run.fault();
      Random random = new Random(seed);
      InetAddress host = InetAddress.getByName(ArteryTransport.HOST);
      for (int i = 0; i < datagrams; i++) {
        byte[] junk = new byte[1 + random.nextInt(i % 2 == 0 ? 64 : 1400)];
        random.nextBytes(junk);
        if (i % 3 == 0 && junk.length >= 8) {
          // an Aeron-looking header: frame length and version/flags/type of a data frame, then junk
          junk[0] = (byte) junk.length;
          junk[1] = 0;
          junk[2] = 0;
          junk[3] = 0;
          junk[4] = 0;
          junk[5] = (byte) 0xC0;
          junk[6] = 1;
          junk[7] = 0;
        }
        socket.send(new DatagramPacket(junk, junk.length, host, c.node(victim).port()));
        if (i % 100 == 0) {
          sleep(10);
        }
      }
      run.healed();
      sleep(2_000);
      return run.finish("garbage-datagrams");
    } catch (IOException e) {
      throw new IllegalStateException("sending datagrams", e);
    }
  }

  /**
   * Messages from an actor system that is no member of the cluster, to one replica under load:
   * Chora frames truncated or overwritten with noise (decoded by the replica's real serializer,
   * which must refuse them) and well-formed protocol messages from replica ids the group does not
   * have. The replica must log, drop, and keep serving. (One that forges a valid replica id is
   * dropped as not coming from that replica: ForgedPeersTest in chora-actors, docs/runtime.md.)
   */
  static Report strangerMessages(ChoraCluster c, String name, int victim, int messages, long seed) throws Exception {
    try (Run run = new Run(c, name, seed)) {
      sleep(2_000);
      run.fault();
      Config strangerConfig = ConfigFactory.parseString("pekko.actor.provider = remote\n"
              + "pekko.loglevel = ERROR\n"
              + "pekko.actor.serializers.chora = \"" + StrangerSerializer.class.getName() + "\"\n"
              + "pekko.actor.serialization-bindings {\n  \"" + StrangerSerializer.Mangled.class.getName()
              + "\" = chora\n}\n")
          .withFallback(ArteryTransport.of(c.transport(), c.mediaDriver() == null ? null : c.mediaDriver().aeronDirectory(),
              ArteryTransport.freePort(), ArteryTransport.SHARED_IDLE_CPU_LEVEL))
          .withFallback(ConfigFactory.load()).resolve();
      ActorSystem<Void> stranger = ActorSystem.create(Behaviors.empty(), "stranger", strangerConfig);
      try {
        ActorRef<Object> replica = ActorRefResolver.get(stranger)
            .resolveActorRef(c.node(victim).address() + "/system/chora-replica");
        Random random = new Random(seed);
        int n = c.size();
        for (int i = 0; i < messages; i++) {
          int from = n + random.nextInt(100); // no such replica
          long view = random.nextInt(1_000_000);
          long round = 1 + random.nextInt(1_000_000);
          PeerMessage m = switch (i % 3) {
            case 0 -> new RoundMessage(view, round, from, Batch.EMPTY, new long[n], round - 1);
            case 1 -> new StartViewChange(view, from);
            default -> new AckMessage(view, round, from, new long[n], round - 1);
          };
          Object sent = switch (i % 4) {
            case 0 -> m; // well-formed, from an unknown replica id
            case 1 -> new StrangerSerializer.Mangled(m, random.nextInt(24), Integer.MAX_VALUE, 0);
            default -> new StrangerSerializer.Mangled(m, Integer.MAX_VALUE, random.nextInt(8), random.nextLong());
          };
          replica.tell(sent);
          if (i % 100 == 0) {
            sleep(10);
          }
        }
        sleep(1_000);
      } finally {
        stranger.terminate();
        stranger.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
      }
      run.healed();
      sleep(2_000);
      Report report = run.finish("stranger-messages");
      // It logged what it dropped: the unknown ids by the replica, the damaged frames by Artery.
      String log = java.nio.file.Files.readString(c.node(victim).logFile());
      if (!log.contains("UNKNOWN_SENDER") || !log.contains("MalformedMessageException")) {
        throw new AssertionError("replica " + victim + " did not log the stranger's messages as dropped ("
            + (log.contains("UNKNOWN_SENDER") ? "" : "no UNKNOWN_SENDER drop; ")
            + (log.contains("MalformedMessageException") ? "" : "no MalformedMessageException; ") + "log "
            + c.node(victim).logFile() + ")");
      }
      return report;
    }
  }

  // ---- measures -----------------------------------------------------------------------------------

  /**
   * From the kill until the clients saw commits again: the end of the longest gap between two
   * successful completions that began after the kill and before {@code resumedNs} (when commits
   * resumed at the replicas, see {@link CommitProbe}), minus the kill time. Under load completions
   * are continuous except while no round can commit, so that gap is the failover as the clients
   * saw it, the gateway's own detour included (a request sent to the dead replica waits for a
   * retry). Gaps that began later are the ordinary jitter of a loaded host, not the failover: at
   * N = 5 one of them was often longer than the failover itself.
   */
  static double failoverMillis(List<History.Op> ops, long killNs, long untilNs, long resumedNs) {
    List<Long> done = new ArrayList<>();
    for (History.Op o : ops) {
      if (o.ok() && o.completeNs() >= killNs && o.completeNs() < untilNs) {
        done.add(o.completeNs());
      }
    }
    done.sort(Long::compare);
    if (done.isEmpty()) {
      return Double.POSITIVE_INFINITY;
    }
    long prev = killNs;
    long bestGap = -1;
    long resumed = done.get(0);
    for (long t : done) {
      if (prev < resumedNs && t - prev > bestGap) {
        bestGap = t - prev;
        resumed = t;
      }
      prev = t;
    }
    if (prev < resumedNs && untilNs - prev > bestGap) {
      return Double.POSITIVE_INFINITY; // the clients had not seen commits again by then
    }
    return (resumed - killNs) / 1e6;
  }

  static double okPerSec(List<History.Op> ops, long fromNs, long toNs) {
    if (toNs <= fromNs) {
      return Double.NaN;
    }
    long n = ops.stream().filter(o -> o.ok() && o.completeNs() >= fromNs && o.completeNs() < toNs).count();
    return n / ((toNs - fromNs) / 1e9);
  }

  static List<Integer> others(ChoraCluster c, List<Integer> ids) {
    List<Integer> rest = new ArrayList<>();
    for (int i = 0; i < c.size(); i++) {
      if (!ids.contains(i)) {
        rest.add(i);
      }
    }
    return rest;
  }

  static void sleep(long ms) throws InterruptedException {
    Thread.sleep(ms);
  }
}
