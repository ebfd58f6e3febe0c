package dev.chora.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.chora.runtime.config.InvalidConfigException;
import dev.chora.runtime.config.ProposerPolicy;
import org.junit.jupiter.api.Test;

/** A misconfigured node fails at start with every problem named and how to fix it. */
class ChoraSettingsTest {
  static ChoraSettings parse(String hocon) {
    return ChoraSettings.fromConfig(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()).resolve());
  }

  static final String THREE = "chora.replicas = [\"pekko://chora@127.0.0.1:25520\", "
      + "\"pekko://chora@127.0.0.1:25521\", \"pekko://chora@127.0.0.1:25522\"]\n";

  @Test
  void aGoodConfigurationIsRead() {
    ChoraSettings s = parse(THREE + "chora.replica-id = 1\nchora.protocol.round-timeout = 2ms");
    assertEquals(1, s.replicaId());
    assertEquals(3, s.protocol().replicas());
    assertEquals(2_000_000, s.protocol().roundTimeoutNanos());
    assertEquals("pekko://chora@127.0.0.1:25522/system/chora-replica", s.replicaPath(2));
  }

  @Test
  void suspicionDefaultsToFiftyMillisecondsAfterAMinuteOfWarmUp() {
    ChoraSettings s = parse(THREE + "chora.replica-id = 0");
    assertEquals(50_000_000, s.protocol().suspectAfterMaxNanos());
    assertEquals(200_000_000, s.protocol().suspectLateAfterNanos());
    assertEquals(1_000_000_000, parse(THREE + "chora.replica-id = 0\nchora.protocol.suspect-after-max = 1s")
        .protocol().suspectLateAfterNanos(), "never below suspect-after-max");
    assertEquals(60_000_000_000L, s.protocol().warmUpNanos());
    assertEquals(2, s.protocol().warmUpSuspicionFactor());
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> parse(THREE
        + "chora.replica-id = 0\nchora.protocol.warm-up = 2d\nchora.protocol.warm-up-suspicion-factor = 0"));
    assertTrue(e.getMessage().contains("chora.protocol / chora.replicas: warm-up = 172800000000000ns: must be between"),
        e.getMessage());
    assertTrue(e.getMessage().contains("warm-up-suspicion-factor = 0"), e.getMessage());
  }

  @Test
  void inAClusterTheSplitBrainResolverCountsOnlyReplicaNodes() {
    String cluster = THREE + "pekko.actor.provider = cluster\n";
    // The library's default: keep-majority over the members with the replica role.
    parse(cluster + "chora.replica-id = 1\npekko.cluster.roles = [\"chora-replica\", \"blue\"]");
    parse(cluster + "chora.replica-id = -1\npekko.cluster.roles = []");
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> parse(cluster
        + "chora.replica-id = 1\npekko.cluster.roles = [\"blue\"]"));
    assertTrue(e.getMessage().contains("chora.replica-id = 1 but pekko.cluster.roles = [\"blue\"] lacks"
        + " \"chora-replica\""), e.getMessage());
    // A client node decides too when it leads its side of a partition.
    e = assertThrows(InvalidConfigException.class, () -> parse(cluster
        + "chora.replica-id = -1\npekko.cluster.split-brain-resolver.keep-majority.role = \"\""));
    assertTrue(e.getMessage().contains("pekko.cluster.split-brain-resolver.keep-majority.role = \"\": the"
        + " split-brain resolver"), e.getMessage());
    e = assertThrows(InvalidConfigException.class, () -> parse(cluster + "chora.replica-id = -1\n"
        + "pekko.cluster.split-brain-resolver.active-strategy = keep-oldest"));
    assertTrue(e.getMessage().contains("set pekko.cluster.split-brain-resolver.keep-oldest.role = \"chora-replica\""),
        e.getMessage());
    // Without the cluster provider there are no roles and no resolver.
    parse(THREE + "chora.replica-id = 1\npekko.cluster.roles = []");
  }

  @Test
  void anEvenReplicaCountIsRefused() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> parse(
        "chora.replicas = [\"pekko://chora@127.0.0.1:1\", \"pekko://chora@127.0.0.1:2\"]\nchora.replica-id = 0"));
    assertTrue(e.getMessage().contains("odd replica count"), e.getMessage());
  }

  @Test
  void duplicateAddressesAndAnIdOutsideTheGroupAreRefusedTogether() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> parse(
        "chora.replicas = [\"pekko://chora@127.0.0.1:1\", \"pekko://chora@127.0.0.1:1\", \"pekko://chora@127.0.0.1:3\"]\n"
            + "chora.replica-id = 7"));
    assertTrue(e.getMessage().contains("twice"), e.getMessage());
    assertTrue(e.getMessage().contains("chora.replica-id = 7"), e.getMessage());
  }

  @Test
  void aMalformedAddressOrImpossibleTimeoutIsRefused() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> parse(
        "chora.replicas = [\"127.0.0.1:1\", \"pekko://chora@127.0.0.1:2\", \"pekko://chora@127.0.0.1:3\"]\n"
            + "chora.replica-id = 0\nchora.protocol.round-timeout = 0ms"));
    assertTrue(e.getMessage().contains("is not an actor-system address"), e.getMessage());
    assertTrue(e.getMessage().contains("round-timeout"), e.getMessage());
  }

  @Test
  void everyValueOfTheWrongKindIsNamedInOneStart() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> parse(THREE
        + "chora.replica-id = 0\nchora.protocol.round-timeout = soon\nchora.protocol.max-clients = many\n"
        + "chora.protocol.max-transfer-bytes = 3GiB\nchora.client.retry-after = later\n"
        + "chora.client.max-in-flight = lots\n"));
    String m = e.getMessage();
    for (String named : new String[] {"chora.protocol: ", "round-timeout", "max-clients", "max-transfer-bytes",
        "at most 2 GiB", "chora.client: ", "retry-after", "max-in-flight"}) {
      assertTrue(m.contains(named), named + " in: " + m);
    }
    assertEquals(5, e.problems().size(), "one line per unreadable value, no checks of stand-in zeros: " + m);
  }

  @Test
  void ipv6AddressesAreReadInBracketsAndRefusedWithoutWithTheFix() {
    ChoraSettings s = parse("chora.replicas = [\"pekko://chora@[::1]:25520\", \"pekko://chora@[fd00::2]:25520\","
        + " \"pekko://chora@[fe80::1%eth0]:25520\"]\nchora.replica-id = 0");
    assertEquals("pekko://chora@[fd00::2]:25520/system/chora-replica", s.replicaPath(1));
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> parse(
        "chora.replicas = [\"pekko://chora@::1:25520\", \"pekko://chora@[::1]:2\", \"pekko://chora@[::1]:3\"]\n"
            + "chora.replica-id = 0"));
    assertTrue(e.getMessage().contains("write an IPv6 address in brackets, as in pekko://chora@[::1]:25520"),
        e.getMessage());
    e = assertThrows(InvalidConfigException.class, () -> parse("chora.replicas = [\"pekko://chora@[::1]:1\","
        + " \"pekko://chora@[0:0:0:0:0:0:0:1]:1\", \"pekko://chora@[::1]:3\"]\nchora.replica-id = 0"));
    assertTrue(e.getMessage().contains("twice (or the same node written another way)"), e.getMessage());
  }

  @Test
  void aClientBatchLimitTheTransportFrameCannotCarryIsRefused() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> parse(THREE
        + "chora.replica-id = 0\nchora.client.max-batch-bytes = 4MiB\n"
        + "pekko.remote.artery.advanced.maximum-large-frame-size = 2MiB"));
    assertTrue(e.getMessage().contains("max-batch-bytes") && e.getMessage().contains("maximum-large-frame-size"),
        e.getMessage());
    assertEquals(256 * 1024, parse(THREE + "chora.replica-id = 0").client().maxBatchBytes());
  }

  @Test
  void aTransferLimitTheTransportFrameCannotCarryIsRefused() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> parse(THREE
        + "chora.replica-id = 0\nchora.protocol.max-transfer-bytes = 1536KiB\n"
        + "pekko.remote.artery.advanced.maximum-large-frame-size = 2MiB"));
    assertTrue(e.getMessage().contains("chora.protocol.max-transfer-bytes = 1572864 exceeds half of"
        + " pekko.remote.artery.advanced.maximum-large-frame-size"), e.getMessage());
    assertEquals(1 << 20, parse(THREE + "chora.replica-id = 0").protocol().maxTransferBytes());
  }

  /** A renamed replica must keep its traffic on Artery's large-message stream, or its transfers are dropped. */
  @Test
  void aRenamedReplicaMustBeListedAsALargeMessageDestination() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> parse(THREE + "chora.replica-id = 0\nchora.replica-actor-name = r"));
    assertTrue(e.getMessage().contains("large-message-destinations does not list \"/system/r\""), e.getMessage());
    assertTrue(e.getMessage().contains("\"/system/r/*\""), e.getMessage());
    ChoraSettings s = parse(THREE + "chora.replica-id = 0\nchora.replica-actor-name = r\n"
        + "pekko.remote.artery.large-message-destinations += \"/system/r\"\n"
        + "pekko.remote.artery.large-message-destinations += \"/system/r/*\"");
    assertEquals("pekko://chora@127.0.0.1:25520/system/r", s.replicaPath(0));
  }

  @Test
  void divergenceChecksComeAtEverySnapshotRoundByDefaultAndAreChecked() {
    ChoraSettings s = parse(THREE + "chora.replica-id = 0\nchora.protocol.snapshot-every-rounds = 100");
    assertEquals(1, s.protocol().divergenceCheckEverySnapshots());
    assertEquals(100, s.protocol().divergenceCheckEveryRounds());
    assertEquals(0, parse(THREE + "chora.replica-id = 0\nchora.protocol.divergence-check-every-snapshots = 0")
        .protocol().divergenceCheckEveryRounds(), "0 switches detection off");
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> parse(THREE
        + "chora.replica-id = 0\nchora.protocol.divergence-check-every-snapshots = -2"));
    assertTrue(e.getMessage().contains("divergence-check-every-snapshots = -2: must be >= 0"), e.getMessage());
  }

  @Test
  void proposersDefaultToAllAndTakeTheBaselinesByNameOnly() {
    assertEquals(ProposerPolicy.ALL, parse(THREE + "chora.replica-id = 0").protocol().proposers());
    assertEquals(ProposerPolicy.LEADER,
        parse(THREE + "chora.replica-id = 0\nchora.protocol.proposers = leader").protocol().proposers());
    assertEquals(ProposerPolicy.ROTATING,
        parse(THREE + "chora.replica-id = 0\nchora.protocol.proposers = Rotating").protocol().proposers());
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> parse(THREE + "chora.replica-id = 0\nchora.protocol.proposers = paxos"));
    assertTrue(e.getMessage().contains("chora.protocol") && e.getMessage().contains("\"paxos\"")
        && e.getMessage().contains("all (Chora, the default), leader") && e.getMessage().contains("rotating"),
        e.getMessage());
  }

  @Test
  void aRefusedPauseMustBePositive() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> parse(THREE + "chora.replica-id = 0\nchora.client.refused-pause = 0ms"));
    assertTrue(e.getMessage().contains("chora.client.refused-pause = PT0S: must be positive"), e.getMessage());
  }

  @Test
  void overloadedRetriesAndBackoffHaveDefaultsAndAreChecked() {
    ChoraSettings s = parse(THREE + "chora.replica-id = 0");
    assertEquals(8, s.client().overloadedRetries());
    assertEquals(java.time.Duration.ofMillis(500), s.client().overloadedMaxBackoff());
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> parse(THREE + "chora.replica-id = 0\nchora.client.overloaded-retries = -1\n"
            + "chora.client.overloaded-max-backoff = 1ms"));
    assertTrue(e.getMessage().contains("chora.client.overloaded-retries = -1: must be between 0"), e.getMessage());
    assertTrue(e.getMessage().contains("chora.client.overloaded-max-backoff = PT0.001S: must be at least"
        + " chora.client.refused-pause"), e.getMessage());
  }

  @Test
  void theFirstStartCheckDefaultsToTwoSecondsAndIsBounded() {
    assertEquals(java.time.Duration.ofSeconds(2), parse(THREE + "chora.replica-id = 0").firstStartCheck());
    assertEquals(java.time.Duration.ZERO,
        parse(THREE + "chora.replica-id = 0\nchora.first-start-check-timeout = 0s").firstStartCheck());
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> parse(THREE + "chora.replica-id = 0\nchora.first-start-check-timeout = -1s"));
    assertTrue(e.getMessage().contains("chora.first-start-check-timeout = PT-1S: must be between 0s"), e.getMessage());
  }
  /** A misspelt setting would otherwise be ignored silently and its default used. */
  @Test
  void misspeltKeysAreRefusedWithTheNearestValidKeyAllInOneStart() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> parse(THREE
        + "chora.replica-id = 0\nchora.protocol.round-timout = 5ms\nchora.client.retry-afterr = 1s\n"
        + "chora.serialization.max-mesage-bytes = 8MiB\nchora.replicaid = 1\n"));
    String m = e.getMessage();
    for (String named : new String[] {
        "chora.protocol.round-timout: no such setting; did you mean chora.protocol.round-timeout?",
        "chora.client.retry-afterr: no such setting; did you mean chora.client.retry-after?",
        "chora.serialization.max-mesage-bytes: no such setting; did you mean chora.serialization.max-message-bytes?",
        "chora.replicaid: no such setting; did you mean chora.replica-id?"}) {
      assertTrue(m.contains(named), named + " in: " + m);
    }
    assertEquals(4, e.problems().size(), m);
  }

  @Test
  void aKeyInTheWrongSectionIsPointedToItsSectionAndANonsenseKeyGetsTheSectionsKeys() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> parse(THREE
        + "chora.replica-id = 0\nchora.round-timeout = 5ms\nchora.client.bananas = 3\n"
        + "chora.protocl { round-timeout = 5ms }\n"));
    String m = e.getMessage();
    assertTrue(m.contains("chora.round-timeout: no such setting; did you mean chora.protocol.round-timeout?"), m);
    assertTrue(m.contains("chora.protocl: no such setting; did you mean chora.protocol?"), m);
    assertTrue(m.contains("chora.client.bananas: no such setting; chora.client has max-batch-bytes, max-in-flight,"
        + " overloaded-max-backoff, overloaded-retries, refused-pause, retry-after, sweep-interval"), m);
    assertEquals(3, e.problems().size(), "one line per unknown key, not per key below it: " + m);
  }

  /** The dispatchers are Pekko dispatcher sections: any Pekko dispatcher setting goes there. */
  @Test
  void dispatcherSectionsTakeAnyDispatcherSetting() {
    parse(THREE + "chora.replica-id = 0\nchora.replica-dispatcher.throughput = 5\n"
        + "chora.executor-dispatcher.thread-pool-executor.keep-alive-time = 120s\n"
        + "chora.client-dispatcher = chora.gateway-threads\n"
        + "chora.gateway-threads { type = Dispatcher, executor = fork-join-executor }\n");
  }

  /**
   * JVM system properties are part of a loaded configuration, and tools name theirs chora.* too
   * (the test kit's chora.multijvm.node, the launchers' chora.parent-pid): those are not settings.
   * A system property inside a settings section is one, and is checked.
   */
  @Test
  void systemPropertiesOutsideTheSettingsSectionsAreNotSettings() {
    System.setProperty("chora.some-tool.flag", "on");
    System.setProperty("chora.protocol.max-clientz", "5");
    ConfigFactory.invalidateCaches();
    try {
      InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> parse(THREE + "chora.replica-id = 0"));
      assertTrue(e.getMessage().contains("chora.protocol.max-clientz: no such setting; did you mean"
          + " chora.protocol.max-clients?"), e.getMessage());
      assertEquals(1, e.problems().size(), e.getMessage());
      System.clearProperty("chora.protocol.max-clientz");
      ConfigFactory.invalidateCaches();
      parse(THREE + "chora.replica-id = 0");
    } finally {
      System.clearProperty("chora.some-tool.flag");
      System.clearProperty("chora.protocol.max-clientz");
      ConfigFactory.invalidateCaches();
    }
  }

  /** A library user's application.conf is checked when the extension starts, before anything runs. */
  @Test
  void theExtensionRefusesToStartWithAMisspeltKey() throws Exception {
    org.apache.pekko.actor.typed.ActorSystem<Void> system = org.apache.pekko.actor.typed.ActorSystem.create(
        org.apache.pekko.actor.typed.javadsl.Behaviors.empty(), "typo", ConfigFactory.parseString(
            THREE + "chora.client.max-in-flihgt = 10").withFallback(ConfigFactory.load()));
    try {
      InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> Chora.get(system));
      assertTrue(e.getMessage().contains("chora.client.max-in-flihgt: no such setting; did you mean"
          + " chora.client.max-in-flight?"), e.getMessage());
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
