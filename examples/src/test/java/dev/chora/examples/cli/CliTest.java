package dev.chora.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.chora.examples.node.NodeConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad input gives one clear line and exit code 2; node files become the documented configuration. */
class CliTest {
  @TempDir
  Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    CommandLine cli = ChoraCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static final String REPLICAS =
      "chora.replicas = [\"pekko://chora@127.0.0.1:25601\", \"pekko://chora@127.0.0.1:25602\", "
          + "\"pekko://chora@127.0.0.1:25603\"]\n";

  Path file(String name, String text) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  @Test
  void unknownFlagsAndImpossibleValuesExitTwo() {
    Run r = run("bench", "--bogus");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Unknown option: '--bogus'"), r.err());
    r = run("bench", "--in-flight", "1,0", "--replicas", "4", "--out", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--in-flight 0") && r.err().contains("--replicas 4"), r.err());
    r = run("bench", "--duration", "soon");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("'soon' is not a duration"), r.err());
    r = run("bench", "--transport", "carrier-pigeon", "--out", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("unknown transport"), r.err());
    r = run("bench", "--driver-mtu", "1400", "--out", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--driver-mtu: MTU 1400 bytes: Aeron needs a multiple of 32 from 64 to 65504"), r.err());
    r = run("bench", "--driver-idle", "10,20,1000", "--out", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--driver-idle: expected maxSpins,maxYields,minParkNanos,maxParkNanos"), r.err());
    r = run("bench", "--driver-idle", "10,20,1ms,2ms", "--out", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--driver-idle: expected four whole numbers"), r.err());
    r = run("bench", "--driver-mtu", "8192", "--transport", "tcp", "--out", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--driver-mtu applies to the shared media driver"), r.err());
    r = run("bench", "--round-timeout", "1ms", "--min-round-interval", "2ms", "--out", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("must exceed --min-round-interval"), r.err());
    r = run("bench", "--protocol", "suspect-after-maximum=50ms", "--out", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--protocol suspect-after-maximum: no such chora.protocol setting; did you mean"
        + " suspect-after-max?"), r.err());
    r = run("bench", "--protocol", "zebra=1", "--out", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--protocol zebra: no such chora.protocol setting; chora.protocol has")
        && r.err().contains("suspect-after-max,"), r.err());
    r = run("bench", "--protocol", "suspect-after-max=5ms", "--out", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("suspect-after-max (5000000ns) must be at least twice round-timeout"), r.err());
    r = run("bench", "--pekko", "remote.artery.advanced.aeron.idle-cpu-levl=2", "--pekko",
        "remote.artery.advanced.aeron.idle-cpu-level=busy", "--out", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--pekko remote.artery.advanced.aeron.idle-cpu-levl: no such Pekko setting")
        && r.err().contains("idle-cpu-level=busy: Pekko expects a number here"), r.err());
    r = run("bench", "--proposers", "all,paxos", "--out", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--proposers: unknown proposer policy \"paxos\": use all (Chora, the default), leader"),
        r.err());
    r = run("bench", "--proposers", "leader,LEADER", "--protocol", "proposers=rotating", "--history",
        dir.resolve("h.jsonl").toString(), "--out", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--proposers leader,LEADER: each policy once")
        && r.err().contains("--protocol proposers: use --proposers")
        && r.err().contains("--history with several --proposers"), r.err());
    CliException e = assertThrows(CliException.class, () -> dev.chora.examples.node.LocalCluster.checkSettings(3,
        dev.chora.examples.node.Transport.AERON_SHARED, "chora.protocol.view-change-timeout = 1ms\n"));
    assertTrue(e.getMessage().contains("view-change-timeout"), e.getMessage());
    r = run("demo", "--duration", "2s");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("at least 10s"), r.err());
    r = run("demo", "--kill", "0");
    assertEquals(2, r.code());
    r = run("nonsense");
    assertEquals(2, r.code());
  }

  @Test
  void storageOptionsAreCheckedBeforeAnythingStarts() throws Exception {
    Run r = run("bench", "--storage", "disk", "--out", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--storage disk: use durable (log on disk, the default) or memory"), r.err());
    r = run("demo", "--data-dir", "/dev/shm/chora-demo");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--data-dir /dev/shm/chora-demo is in /dev/shm (tmpfs, memory)"), r.err());
    r = run("demo", "--storage", "memory", "--data-dir", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("with --storage memory: memory mode writes nothing"), r.err());
    Config c = NodeConfig.fromFile(file("sample.conf", NodeConfig.EXAMPLE), "memory", null);
    assertEquals("memory", c.getString("chora.storage.mode"));
    c = NodeConfig.fromFile(file("sample.conf", NodeConfig.EXAMPLE), null, dir.resolve("d"));
    assertEquals("durable", c.getString("chora.storage.mode"));
    assertEquals(dir.resolve("d").toString(), c.getString("chora.storage.data-dir"));
    assertEquals(List.of("pekko://chora@10.0.0.1:25520"), c.getStringList("pekko.cluster.seed-nodes"));
  }

  /**
   * Replica 0 is the seed. Starting for the first time it founds the cluster; a durable replica 0
   * starting again from its disk lists every replica, so that it joins the others if they run and
   * founds the cluster only if none does (all restarting); a memory-mode restart joins the others.
   */
  @Test
  void aDurableReplicaZeroStartingAgainFromItsDiskJoinsTheOthersOrFoundsTheCluster() throws Exception {
    Path data = dir.resolve("r0");
    Path f = file("r0.conf", "chora.replica-id = 0\n" + REPLICAS + "chora.storage.data-dir = \"" + data + "\"\n");
    List<String> all = ConfigFactory.parseString(REPLICAS).getStringList("chora.replicas");
    assertEquals(all.subList(0, 1), NodeConfig.fromFile(f).getStringList("pekko.cluster.seed-nodes"), "first start");
    Files.createDirectories(data);
    Files.writeString(data.resolve("LOCK"), "1");
    assertEquals(all.subList(0, 1), NodeConfig.fromFile(f).getStringList("pekko.cluster.seed-nodes"),
        "a lock alone is no data");
    Files.writeString(data.resolve("log-00000000000000000001.seg"), "x");
    assertEquals(all, NodeConfig.fromFile(f).getStringList("pekko.cluster.seed-nodes"), "starting again from disk");
    assertEquals(all.subList(0, 1), NodeConfig.fromFile(f, "memory", null).getStringList("pekko.cluster.seed-nodes"),
        "memory mode goes by chora.restarted alone");
  }

  /** A second node on a data directory in use exits at once, with the lock's message, and leaves nothing running. */
  @Test
  void aNodeOnADataDirectoryInUseFailsAtOnce() throws Exception {
    Path data = dir.resolve("in-use");
    try (dev.chora.runtime.storage.ReplicaStore holder = dev.chora.runtime.storage.ReplicaStore.open(
        dev.chora.runtime.storage.FileDisk.open(data), 3, dev.chora.runtime.storage.ReplicaStoreOptions.DEFAULTS)) {
      int port = dev.chora.transport.launch.ArteryTransport.freePort();
      Path f = file("in-use.conf", "chora.replica-id = 0\nchora.replicas = [\"pekko://chora@127.0.0.1:" + port
          + "\", \"pekko://chora@127.0.0.1:2\", \"pekko://chora@127.0.0.1:3\"]\nnode.transport = tcp\n");
      Run r = run("node", "--config", f.toString(), "--data-dir", data.toString());
      assertEquals(1, r.code(), r.err());
      assertTrue(r.err().contains("replica 0: cannot open its data directory " + data) && r.err().contains("locked"),
          r.err());
      // The node's actor system is gone: its port is free again.
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
      }
    }
  }

  @Test
  void nodeHelpShowsAnExampleFile() {
    Run r = run("node", "--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("replica-id = 1") && r.out().contains("pekko://chora@10.0.0.2:25520"), r.out());
  }

  @Test
  void badConfigFilesExitTwoNamingTheProblem() throws Exception {
    Run r = run("node", "--config", dir.resolve("missing.conf").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("missing.conf does not exist"), r.err());

    Path broken = file("broken.conf", "chora.replica-id = 1\nchora.replicas = [\n");
    r = run("node", "--config", broken.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("broken.conf"), r.err());

    Path noId = file("no-id.conf", REPLICAS);
    r = run("node", "--config", noId.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("set chora.replica-id"), r.err());

    Path badId = file("bad-id.conf", "chora.replica-id = 3\n" + REPLICAS);
    r = run("node", "--config", badId.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("chora.replica-id = 3 is not an id"), r.err());

    Path two = file("two.conf", "chora.replica-id = 0\nchora.replicas = [\"pekko://chora@127.0.0.1:1\", "
        + "\"pekko://chora@127.0.0.1:2\"]\n");
    r = run("node", "--config", two.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("chora.protocol / chora.replicas"), r.err());

    Path wrongSystem = file("sys.conf", "chora.replica-id = 0\nchora.replicas = [\"pekko://other@127.0.0.1:1\", "
        + "\"pekko://chora@127.0.0.1:2\", \"pekko://chora@127.0.0.1:3\"]\n");
    r = run("node", "--config", wrongSystem.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("names actor system \"other\""), r.err());

    Path badTransport = file("t.conf", "chora.replica-id = 0\n" + REPLICAS + "node.transport = smoke\n");
    r = run("node", "--config", badTransport.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("node.transport"), r.err());

    Path badProtocol = file("p.conf", "chora.replica-id = 0\n" + REPLICAS + "chora.protocol.round-timeout = 0ms\n");
    r = run("node", "--config", badProtocol.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("round-timeout"), r.err());
  }

  /** A misspelt key would otherwise be ignored and its default used: every one is named, with the nearest key. */
  @Test
  void misspeltNodeAndChoraKeysAreRefusedTogetherWithTheNearestKey() throws Exception {
    Path f = file("typo.conf", "chora.replica-id = 0\n" + REPLICAS + "chora.protocol.round-timout = 7ms\n"
        + "node.transprot = aeron-embedded\nnode { bind-hostnme = \"127.0.0.1\" }\n");
    CliException e = assertThrows(CliException.class, () -> NodeConfig.fromFile(f));
    String m = e.getMessage();
    for (String named : new String[] {"typo.conf",
        "node.transprot: no such setting; did you mean node.transport?",
        "node.bind-hostnme: no such setting; did you mean node.bind-hostname?",
        "chora.protocol.round-timout: no such setting; did you mean chora.protocol.round-timeout?"}) {
      assertTrue(m.contains(named), named + " in: " + m);
    }
    Run r = run("node", "--config", f.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("node.transprot: no such setting; did you mean node.transport?"), r.err());

    // A client node's file too, and a typo explains itself before the setting it hides is missed.
    e = assertThrows(CliException.class, () -> NodeConfig.build(ConfigFactory.parseString(REPLICAS
        + "node.hostname = \"127.0.0.1\"\nnode.prot = 25999\n"), -1,
        ConfigFactory.parseString(REPLICAS).getStringList("chora.replicas"), false));
    assertTrue(e.getMessage().contains("node.prot: no such setting; did you mean node.port?"), e.getMessage());
    e = assertThrows(CliException.class, () -> NodeConfig.fromFile(file("nonsense.conf",
        "chora.replica-id = 0\n" + REPLICAS + "node.colour = blue\n")));
    assertTrue(e.getMessage().contains("node.colour: no such setting; node has aeron-dir, bind-hostname, hostname,"
        + " port, tls, transport"), e.getMessage());
  }

  /** The sample node file (chora node --help, docs/cli.md) uses only settings that exist. */
  @Test
  void theSampleNodeFileIsAccepted() throws Exception {
    Config c = NodeConfig.fromFile(file("sample.conf", NodeConfig.EXAMPLE));
    assertEquals(1, c.getInt("chora.replica-id"));
  }

  @Test
  void aPortInUseExitsTwoBeforeAnythingStarts() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      int port = taken.getLocalPort();
      Path f = file("busy.conf", "chora.replica-id = 0\nchora.replicas = [\"pekko://chora@127.0.0.1:" + port
          + "\", \"pekko://chora@127.0.0.1:2\", \"pekko://chora@127.0.0.1:3\"]\nnode.transport = tcp\n");
      Run r = run("node", "--config", f.toString());
      assertEquals(2, r.code());
      assertTrue(r.err().contains("TCP port 127.0.0.1:" + port + " is not free"), r.err());
    }
  }

  @Test
  void nodeFileBecomesAClusterReplicaConfiguration() throws Exception {
    Path f = file("n1.conf", "chora.replica-id = 1\n" + REPLICAS + "chora.protocol.round-timeout = 7ms\n"
        + "node.transport = aeron-embedded\npekko.cluster.split-brain-resolver.stable-after = 9s\n");
    Config c = NodeConfig.fromFile(f);
    assertEquals("cluster", c.getString("pekko.actor.provider"));
    assertEquals("127.0.0.1", c.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals(25602, c.getInt("pekko.remote.artery.canonical.port"));
    assertEquals("aeron-udp", c.getString("pekko.remote.artery.transport"));
    assertEquals(List.of("pekko://chora@127.0.0.1:25601"), c.getStringList("pekko.cluster.seed-nodes"));
    assertEquals(List.of("chora-replica"), c.getStringList("pekko.cluster.roles"));
    assertEquals("org.apache.pekko.cluster.sbr.SplitBrainResolverProvider",
        c.getString("pekko.cluster.downing-provider-class"));
    assertEquals("keep-majority", c.getString("pekko.cluster.split-brain-resolver.active-strategy"));
    assertEquals("chora-replica", c.getString("pekko.cluster.split-brain-resolver.keep-majority.role"));
    assertEquals(Duration.ofSeconds(9), c.getDuration("pekko.cluster.split-brain-resolver.stable-after"));
    assertEquals(Duration.ofMillis(7), c.getDuration("chora.protocol.round-timeout"));
    assertEquals(1, c.getInt("chora.replica-id"));
    assertEquals(false, c.getBoolean("chora.restarted"));

    // A restarted replica 0 joins the others instead of founding a cluster of its own.
    Config r0 = NodeConfig.build(ConfigFactory.parseString(REPLICAS), 0,
        ConfigFactory.parseString(REPLICAS).getStringList("chora.replicas"), true);
    assertEquals(List.of("pekko://chora@127.0.0.1:25602", "pekko://chora@127.0.0.1:25603"),
        r0.getStringList("pekko.cluster.seed-nodes"));
    assertTrue(r0.getBoolean("chora.restarted"));

    // A client node: no role, its own address.
    Config client = NodeConfig.build(ConfigFactory.parseString(REPLICAS + "node.hostname = \"127.0.0.1\"\n"
        + "node.port = 25999\n"), -1, ConfigFactory.parseString(REPLICAS).getStringList("chora.replicas"), false);
    assertEquals(List.of(), client.getStringList("pekko.cluster.roles"));
    assertEquals(-1, client.getInt("chora.replica-id"));
    assertEquals(25999, client.getInt("pekko.remote.artery.canonical.port"));
    assertThrows(CliException.class, () -> NodeConfig.build(ConfigFactory.parseString(REPLICAS), -1,
        ConfigFactory.parseString(REPLICAS).getStringList("chora.replicas"), false));
  }

  @Test
  void anIpv6NodeFileGivesPekkoTheBracketedHost() throws Exception {
    String v6 = "chora.replicas = [\"pekko://chora@[::1]:25601\", \"pekko://chora@[::1]:25602\", "
        + "\"pekko://chora@[::1]:25603\"]\n";
    Config c = NodeConfig.fromFile(file("v6.conf", "chora.replica-id = 2\n" + v6));
    assertEquals("[::1]", c.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals(25603, c.getInt("pekko.remote.artery.canonical.port"));
    assertEquals(List.of("pekko://chora@[::1]:25601"), c.getStringList("pekko.cluster.seed-nodes"));
    Path unbracketed = file("v6bad.conf", "chora.replica-id = 0\nchora.replicas = [\"pekko://chora@::1:25601\", "
        + "\"pekko://chora@[::1]:25602\", \"pekko://chora@[::1]:25603\"]\n");
    CliException e = assertThrows(CliException.class, () -> NodeConfig.fromFile(unbracketed));
    assertTrue(e.getMessage().contains("write an IPv6 address in brackets"), e.getMessage());
    e = assertThrows(CliException.class, () -> NodeConfig.build(ConfigFactory.parseString(v6
        + "node.hostname = \"::1\"\nnode.port = 25999\n"), -1,
        ConfigFactory.parseString(v6).getStringList("chora.replicas"), false));
    assertTrue(e.getMessage().contains("node.hostname = \"::1\": write an IPv6 address in brackets, \"[::1]\""),
        e.getMessage());
  }

  @Test
  void durations() {
    DurationConverter c = new DurationConverter();
    assertEquals(Duration.ofSeconds(30), c.convert("30s"));
    assertEquals(Duration.ofSeconds(30), c.convert("30"));
    assertEquals(Duration.ofMillis(500), c.convert("500ms"));
    assertEquals(Duration.ofMinutes(2), c.convert("2m"));
    assertEquals(Duration.ofMillis(1500), c.convert("1.5s"));
    assertEquals(Duration.ofNanos(250_000), c.convert("250us"));
    assertEquals("250us", DurationConverter.hocon(Duration.ofNanos(250_000)));
    assertThrows(CommandLine.TypeConversionException.class, () -> c.convert("-1s"));
  }
}
