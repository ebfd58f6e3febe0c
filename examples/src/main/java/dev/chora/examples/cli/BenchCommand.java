package dev.chora.examples.cli;

import dev.chora.actors.ChoraSettings;
import dev.chora.actors.UnknownKeys;
import dev.chora.examples.bench.BenchReport;
import dev.chora.examples.bench.LevelResult;
import dev.chora.examples.node.LocalCluster;
import dev.chora.examples.node.Transport;
import dev.chora.runtime.config.ProposerPolicy;
import dev.chora.transport.launch.JvmProcess;
import dev.chora.transport.launch.MediaDriverProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Closed-loop benchmark on this machine: replicas in separate JVMs, the load in its own JVM.",
        "Commands are key-value puts of --command-bytes-byte values over --keys keys. Each --in-flight",
        "level runs for --duration after one uncounted warm-up. Prints a table and writes results.csv",
        "and throughput-latency.png to --out. With --cluster FILE it loads a running group instead, from a",
        "client-node file (docs/cli.md), writing into the kv entities bench-0..bench-15."})
public final class BenchCommand implements Callable<Integer> {
  @Option(names = "--cluster", paramLabel = "FILE",
      description = "load the running group of this client-node file instead of starting replicas here; the"
          + " replicas keep their own settings, so the options that configure local replicas do not apply")
  Path cluster;

  @Spec
  CommandSpec spec;

  @Option(names = "--replicas", defaultValue = "3", description = "replicas: 3, 5, 7 or 9 (default ${DEFAULT-VALUE})")
  int replicas;

  @Option(names = "--in-flight", defaultValue = "1,16,64,256", split = ",",
      description = "commands in flight at once, one level each (default ${DEFAULT-VALUE})")
  List<Integer> inFlight;

  @Option(names = "--proposers", split = ",", paramLabel = "POLICY",
      description = {"proposer policies to run, one after the other, each on a fresh local group: all (Chora),",
          "leader (single-leader baseline) and rotating (Mencius-style baseline); chora.protocol.proposers,",
          "docs/protocol.md \"Baselines\". With more than one, or any but all, the table, results.csv and the",
          "chart show a row (a series) per policy and level (default: all)"})
  List<String> proposers;

  @Option(names = "--command-bytes", defaultValue = "64", description = "bytes of each put's value (default ${DEFAULT-VALUE})")
  int commandBytes;

  @Option(names = "--keys", defaultValue = "10000", description = "distinct keys (default ${DEFAULT-VALUE})")
  int keys;

  @Option(names = "--duration", defaultValue = "10s", converter = DurationConverter.class,
      description = "measured time per level (default ${DEFAULT-VALUE})")
  Duration duration;

  @Option(names = "--warmup", defaultValue = "5s", converter = DurationConverter.class,
      description = "uncounted warm-up before the first level, at the highest level (default ${DEFAULT-VALUE})")
  Duration warmup;

  @Option(names = "--round-timeout", defaultValue = "5ms", converter = DurationConverter.class,
      description = "chora.protocol.round-timeout (default ${DEFAULT-VALUE})")
  Duration roundTimeout;

  @Option(names = "--min-round-interval", defaultValue = "0ms", converter = DurationConverter.class,
      description = "chora.protocol.min-round-interval (default ${DEFAULT-VALUE})")
  Duration minRoundInterval;

  @Option(names = "--protocol", paramLabel = "KEY=VALUE", mapFallbackValue = "",
      description = "any other chora.protocol setting for every replica, e.g. --protocol suspect-after-max=50ms"
          + " (repeatable; reference.conf lists them)")
  Map<String, String> protocolSettings = new LinkedHashMap<>();

  @Option(names = "--pekko", paramLabel = "KEY=VALUE", mapFallbackValue = "",
      description = "a Pekko setting for every JVM of the run (replicas and load), without the pekko. prefix, e.g."
          + " --pekko remote.artery.advanced.aeron.idle-cpu-level=2 (repeatable; Pekko's reference.conf lists them)")
  Map<String, String> pekkoSettings = new LinkedHashMap<>();

  @Option(names = "--transport", defaultValue = "aeron-shared",
      description = "aeron-shared (one media driver for all JVMs), aeron-embedded, tcp or tls-tcp (TCP in mutual TLS,"
          + " with throwaway keys made in the run directory) (default ${DEFAULT-VALUE})")
  String transport;

  @Option(names = "--driver-mtu", paramLabel = "BYTES",
      description = "the shared media driver's MTU (aeron-shared only; default 65504, the largest, since every JVM"
          + " is on 127.0.0.1); 1408 is Aeron's default, for comparison")
  String driverMtu;

  @Option(names = "--driver-idle", paramLabel = "SPINS,YIELDS,MIN_PARK_NS,MAX_PARK_NS",
      description = "the shared media driver's backoff (aeron-shared only; default 10,20,1000,1000000, as the"
          + " probe measured): spin, then yield, then park from MIN to MAX nanoseconds")
  String driverIdle;

  @Option(names = "--idle", defaultValue = "0", paramLabel = "SECONDS",
      description = {"after the levels, measure each replica's CPU with no load for this long, beside the same JVMs",
          "without Chora's replica (chora node --without-replica) over the same window, and print the difference",
          "(default ${DEFAULT-VALUE}: skip)"})
  int idleSeconds;

  @Option(names = "--idle-settle", defaultValue = "30s", converter = DurationConverter.class,
      description = "wait this long with no load before each idle measurement, for the JIT and GC to settle (default ${DEFAULT-VALUE})")
  Duration idleSettle;

  @Option(names = "--out", defaultValue = "bench-results", paramLabel = "DIR",
      description = "where results.csv, the chart and the logs go (default ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--history", paramLabel = "FILE", description = "write every client operation as a JSON line")
  Path history;

  @picocli.CommandLine.Mixin
  StorageOptions storage;

  @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class,
      description = "a command unanswered this long counts as a timeout (default ${DEFAULT-VALUE})")
  Duration timeout;

  private MediaDriverProcess.Idle driverIdle() {
    return driverIdle == null ? MediaDriverProcess.Idle.DEFAULT : MediaDriverProcess.Idle.parse(driverIdle);
  }

  private MediaDriverProcess.Mtu driverMtu() {
    return driverMtu == null ? MediaDriverProcess.Mtu.LOOPBACK : MediaDriverProcess.Mtu.parse(driverMtu);
  }

  /** A shared-driver option, when given, must parse and needs the aeron-shared transport. */
  private void checkDriverOption(String name, String value, java.util.function.Function<String, ?> parser,
      List<String> problems) {
    if (value == null) {
      return;
    }
    try {
      parser.apply(value);
    } catch (IllegalArgumentException e) {
      problems.add(name + ": " + e.getMessage());
    }
    if (!transport.trim().equalsIgnoreCase(Transport.AERON_SHARED.cliName())) {
      problems.add(name + " applies to the shared media driver: use it with --transport aeron-shared");
    }
  }

  /** Options that set up the replicas this command would start: they have no say over a running group. */
  private static final List<String> LOCAL_ONLY = List.of("--replicas", "--proposers", "--transport", "--driver-mtu",
      "--driver-idle",
      "--round-timeout", "--min-round-interval", "--protocol", "--pekko", "--idle", "--idle-settle", "--storage",
      "--data-dir");

  private void validate() {
    List<String> problems = new ArrayList<>();
    if (cluster != null) {
      for (String option : LOCAL_ONLY) {
        if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
          problems.add(option + " configures the replicas started here; with --cluster the running group keeps"
              + " its own settings");
        }
      }
    }
    if (replicas < 3 || replicas > 9 || replicas % 2 == 0) {
      problems.add("--replicas " + replicas + ": use 3, 5, 7 or 9");
    }
    for (int f : inFlight) {
      if (f < 1 || f > 10_000) {
        problems.add("--in-flight " + f + ": each level must be 1..10000");
      }
    }
    for (String p : proposers == null ? List.<String>of() : proposers) {
      try {
        ProposerPolicy.parse(p);
      } catch (IllegalArgumentException e) {
        problems.add("--proposers: " + e.getMessage());
      }
    }
    if (proposers != null && proposers.stream().map(p -> p.trim().toLowerCase(Locale.ROOT)).distinct().count()
        != proposers.size()) {
      problems.add("--proposers " + String.join(",", proposers) + ": each policy once");
    }
    if (history != null && proposers != null && proposers.size() > 1) {
      problems.add("--history with several --proposers: the history is one run's; give one policy per run");
    }
    if (protocolSettings.containsKey("proposers")) {
      problems.add("--protocol proposers: use --proposers, which may list several policies");
    }
    if (commandBytes < 1 || commandBytes > 15_000) {
      problems.add("--command-bytes " + commandBytes + ": use 1..15000 (a request is at most 16 KiB)");
    }
    if (keys < 1) {
      problems.add("--keys " + keys + ": at least 1");
    }
    if (duration.isZero() || duration.isNegative()) {
      problems.add("--duration must be positive");
    }
    if (warmup.isNegative()) {
      problems.add("--warmup must not be negative");
    }
    if (minRoundInterval.isNegative() || roundTimeout.compareTo(minRoundInterval) <= 0) {
      problems.add("--round-timeout " + roundTimeout.toMillis() + "ms must exceed --min-round-interval");
    }
    storage.check(problems);
    checkDriverOption("--driver-idle", driverIdle, MediaDriverProcess.Idle::parse, problems);
    checkDriverOption("--driver-mtu", driverMtu, MediaDriverProcess.Mtu::parse, problems);
    if (idleSeconds < 0) {
      problems.add("--idle " + idleSeconds + ": must not be negative");
    }
    if (idleSettle.isNegative()) {
      problems.add("--idle-settle must not be negative");
    }
    if (timeout.isZero() || timeout.isNegative()) {
      problems.add("--timeout must be positive");
    }
    com.typesafe.config.ConfigObject known = (com.typesafe.config.ConfigObject) ChoraSettings.reference().get("protocol");
    for (String key : protocolSettings.keySet()) {
      List<UnknownKeys.Unknown> unknown = UnknownKeys.find(
          com.typesafe.config.ConfigFactory.parseString(hocon("chora.protocol", Map.of(key, ""))), "chora.protocol",
          known, Set.of());
      if (!unknown.isEmpty()) {
        problems.add("--protocol " + key + ": no such chora.protocol setting; " + unknown.get(0).hint("chora.protocol"));
      }
    }
    com.typesafe.config.Config pekko = com.typesafe.config.ConfigFactory.defaultReference().getConfig("pekko");
    for (Map.Entry<String, String> e : pekkoSettings.entrySet()) {
      String key = e.getKey();
      if (key.isBlank() || key.contains("\"") || !pekko.hasPathOrNull(key)) {
        problems.add("--pekko " + key + ": no such Pekko setting (give the path below pekko., as in Pekko's"
            + " reference.conf, e.g. remote.artery.advanced.aeron.idle-cpu-level)");
      } else {
        String wrong = wrongType(pekko.getValue(key).valueType(), e.getValue());
        if (wrong != null) {
          problems.add("--pekko " + key + "=" + e.getValue() + ": " + wrong);
        }
      }
    }
    try {
      Transport.parse(transport);
    } catch (IllegalArgumentException e) {
      problems.add("--transport: " + e.getMessage());
    }
    if (!problems.isEmpty()) {
      throw new CliException(String.join("; ", problems));
    }
    try {
      Files.createDirectories(out);
      if (!Files.isWritable(out)) {
        throw new IOException("not writable");
      }
      if (history != null && history.toAbsolutePath().getParent() != null) {
        Files.createDirectories(history.toAbsolutePath().getParent());
      }
    } catch (IOException e) {
      throw new CliException("cannot write to " + out + ": " + e.getMessage(), e);
    }
  }

  /** Why {@code value} cannot stand where Pekko's reference.conf has a value of {@code type}, or null. */
  private static String wrongType(com.typesafe.config.ConfigValueType type, String value) {
    com.typesafe.config.Config c = com.typesafe.config.ConfigFactory.parseMap(Map.of("v", value));
    try {
      switch (type) {
        case NUMBER -> c.getDouble("v");
        case BOOLEAN -> c.getBoolean("v");
        case LIST, OBJECT -> {
          return "a " + type.name().toLowerCase(Locale.ROOT) + " setting; set it in a node file instead";
        }
        default -> { }
      }
      return null;
    } catch (com.typesafe.config.ConfigException.WrongType ex) {
      return "Pekko expects a " + type.name().toLowerCase(Locale.ROOT) + " here";
    }
  }

  /** --protocol and --pekko settings as HOCON, quoted so that a value is never read as HOCON syntax. */
  private String protocolSettings() {
    return hocon("chora.protocol", protocolSettings) + hocon("pekko", pekkoSettings);
  }

  private static String hocon(String prefix, Map<String, String> settings) {
    StringBuilder h = new StringBuilder();
    settings.forEach((k, v) -> {
      h.append(prefix);
      for (String part : k.split("\\.", -1)) {
        h.append(".\"").append(escaped(part)).append('"');
      }
      h.append(" = \"").append(escaped(v)).append("\"\n");
    });
    return h.toString();
  }

  private static String escaped(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  @Override
  public Integer call() throws Exception {
    validate();
    return cluster != null ? loadRunningCluster() : benchLocalCluster();
  }

  /** {@code --cluster}: the load JVM alone, joining the group of the client-node file. */
  private int loadRunningCluster() throws Exception {
    PrintStream o = System.out;
    int n = dev.chora.examples.node.NodeConfig.clientFromFile(cluster).getStringList("chora.replicas").size();
    Path work = out.resolve("logs");
    Files.createDirectories(work);
    o.printf(Locale.ROOT, "chora bench: the running group of %s (%d replicas), in flight %s, %d-byte values over"
        + " %d keys, %s per level after %s warm-up%n", cluster, n, inFlight, commandBytes, keys, human(duration),
        human(warmup));
    List<LevelResult> results = new ArrayList<>();
    runLoad(cluster, n, null, work, results, o);
    o.println();
    o.print(BenchReport.table(results));
    return report(results, "chora bench: running group of " + n + " replicas, " + commandBytes + "-byte puts", work,
        null, null);
  }

  /** The policies to run, in the order given; the default is Chora's alone. */
  private List<ProposerPolicy> policies() {
    return proposers == null || proposers.isEmpty() ? List.of(ProposerPolicy.ALL)
        : proposers.stream().map(ProposerPolicy::parse).toList();
  }

  /**
   * Runs every level on a fresh local group per proposer policy. Chora alone (the default) reports
   * as it always has; with baselines the table, CSV and chart carry a row (a series) per policy
   * and level. Each policy's group starts from nothing (its own logs, and data directories under
   * {@code --data-dir}/POLICY when given), so that no run inherits another's state.
   */
  private int benchLocalCluster() throws Exception {
    List<ProposerPolicy> policies = policies();
    if (policies.equals(List.of(ProposerPolicy.ALL))) {
      return benchLocalCluster(ProposerPolicy.ALL, out.resolve("logs"), storage.dataDirOrNull(), false);
    }
    Map<String, List<LevelResult>> byPolicy = new LinkedHashMap<>();
    int worst = 0;
    for (ProposerPolicy policy : policies) {
      System.out.println("chora bench: proposers " + policy.configName());
      Path data = storage.dataDirOrNull() == null ? null : storage.dataDirOrNull().resolve(policy.configName());
      List<LevelResult> results = new ArrayList<>();
      worst = Math.max(worst, benchLocalCluster(policy, out.resolve("logs").resolve(policy.configName()), data, true,
          results));
      byPolicy.put(policy.configName(), results);
    }
    System.out.println();
    System.out.print(BenchReport.table(byPolicy));
    Path csv = out.resolve("results.csv");
    Path png = out.resolve("throughput-latency.png");
    BenchReport.writeCsv(byPolicy, csv);
    BenchReport.writeChart(byPolicy, "chora bench: " + replicas + " replicas, " + transport + ", " + commandBytes
        + "-byte puts, by proposer policy", png);
    System.out.println("wrote " + csv + " and " + png + (history == null ? "" : " and " + history) + "; logs in "
        + out.resolve("logs"));
    return worst;
  }

  private int benchLocalCluster(ProposerPolicy policy, Path work, Path dataRoot, boolean oneOfSeveral)
      throws Exception {
    return benchLocalCluster(policy, work, dataRoot, oneOfSeveral, new ArrayList<>());
  }

  /**
   * One local group under {@code policy}. Alone, it prints its table and writes the report; one of
   * several ({@code oneOfSeveral}), it leaves {@code results} for the combined report and returns
   * whether every level ran (0) or not (1).
   */
  private int benchLocalCluster(ProposerPolicy policy, Path work, Path dataRoot, boolean oneOfSeveral,
      List<LevelResult> results) throws Exception {
    PrintStream o = System.out;
    String protocol = "chora.protocol.round-timeout = " + DurationConverter.hocon(roundTimeout) + "\n"
        + "chora.protocol.min-round-interval = " + DurationConverter.hocon(minRoundInterval) + "\n"
        + "chora.protocol.view-change-timeout = " + DurationConverter.hocon(
            roundTimeout.multipliedBy(10).compareTo(Duration.ofMillis(50)) > 0 ? roundTimeout.multipliedBy(10)
                : Duration.ofMillis(50)) + "\n"
        // All JVMs share this machine: a busy moment delays heartbeats everywhere at once, and the
        // resolver must not take that for an unstable cluster and down every member.
        + "pekko.cluster.split-brain-resolver.down-all-when-unstable = off\n"
        + "chora.protocol.proposers = " + policy.configName() + "\n"
        + protocolSettings();
    o.printf(Locale.ROOT, "chora bench: %d replicas, %s, in flight %s, %d-byte values over %d keys, %s per level"
        + " after %s warm-up; storage %s; round-timeout %s, min-round-interval %s%s%n", replicas, transport, inFlight,
        commandBytes, keys, human(duration), human(warmup), storage.mode(), human(roundTimeout), human(minRoundInterval),
        (policy == ProposerPolicy.ALL ? "" : "; proposers " + policy.configName())
            + (protocolSettings.isEmpty() ? "" : ", " + protocolSettings)
            + (pekkoSettings.isEmpty() ? "" : ", pekko " + pekkoSettings));
    LocalCluster.checkSettings(replicas, Transport.parse(transport), protocol);
    IdleMeasurement idle = null;
    IdleMeasurement idleWithout = null;
    String driverTraffic = null;
    try (LocalCluster local = new LocalCluster(work, replicas, Transport.parse(transport), protocol, o)
        .driverMtu(driverMtu()).driverIdle(driverIdle()).storage(storage.mode(), dataRoot)) {
      local.start();
      o.println("replicas ready: " + String.join(", ", local.addresses()));
      Path loadConf = work.resolve("load.conf");
      Files.writeString(loadConf, local.clientNodeFile());
      runLoad(loadConf, replicas, local, work, results, o);
      if (local.driver() != null) {
        driverTraffic = "aeron media driver, start to the end of the last level: " + local.driver().trafficReport();
      }
      if (idleSeconds > 0) {
        // The baseline runs beside the idle cluster and both are sampled over the same window.
        try (LocalCluster without = new LocalCluster(work.resolve("without-replica"), replicas,
            Transport.parse(transport), protocol, o).driverMtu(driverMtu()).driverIdle(driverIdle())
            .storage("memory", null)) {
          o.println("idle: starting the same JVMs without Chora's replica beside the idle cluster, the baseline");
          without.startWithoutReplicas();
          List<IdleMeasurement> m = IdleMeasurement.measure(List.of(local, without), idleSettle, idleSeconds, o);
          idle = m.get(0);
          idleWithout = m.get(1);
        }
      }
    }
    if (!oneOfSeveral) {
      o.println();
      o.print(BenchReport.table(results));
    }
    if (driverTraffic != null) {
      o.println(driverTraffic);
    }
    if (idle != null) {
      o.print(IdleMeasurement.compare(idle, idleWithout));
      o.print(IdleThreads.describe(idle.byGroup()));
      if (idleWithout != null) {
        o.print(IdleThreads.describe(idleWithout.byGroup(), " without a replica"));
      }
    }
    if (oneOfSeveral) {
      if (idle != null) {
        Files.writeString(work.resolve("idle.csv"), IdleMeasurement.csv(idle, idleWithout));
        Files.writeString(work.resolve("idle-threads.csv"), IdleThreads.csv(idle.byGroup()));
      }
      return results.size() == inFlight.size() ? 0 : 1;
    }
    return report(results, "chora bench: " + replicas + " replicas, " + transport + ", " + commandBytes + "-byte puts",
        work, idle, idleWithout);
  }

  /** Writes results.csv, the chart (and idle.csv); 0 if every level ran. */
  private int report(List<LevelResult> results, String title, Path work, IdleMeasurement idle,
      IdleMeasurement idleWithout) throws IOException {
    Path csv = out.resolve("results.csv");
    Path png = out.resolve("throughput-latency.png");
    BenchReport.writeCsv(results, csv);
    BenchReport.writeChart(results, title, png);
    if (idle != null) {
      Files.writeString(out.resolve("idle.csv"), IdleMeasurement.csv(idle, idleWithout));
      Files.writeString(out.resolve("idle-threads.csv"), IdleThreads.csv(idle.byGroup()));
    }
    System.out.println("wrote " + csv + " and " + png + (history == null ? "" : " and " + history) + "; logs in " + work);
    boolean complete = results.size() == inFlight.size();
    return complete ? 0 : 1;
  }

  /**
   * Runs the load generator's JVM against the group of {@code nodeFile} and follows it;
   * {@code local} is the cluster started here (for its CPU figures), or null for a running group.
   */
  private void runLoad(Path nodeFile, int n, LocalCluster local, Path work, List<LevelResult> results, PrintStream o)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("--node-config", nodeFile.toAbsolutePath().toString(), "--replicas",
        Integer.toString(n), "--in-flight", join(inFlight), "--command-bytes", Integer.toString(commandBytes),
        "--keys", Integer.toString(keys), "--duration-ms", Long.toString(duration.toMillis()), "--warmup-ms",
        Long.toString(warmup.toMillis()), "--timeout-ms", Long.toString(timeout.toMillis())));
    if (history != null) {
      args.add("--history");
      args.add(history.toAbsolutePath().toString());
    }
    try (JvmProcess load = JvmProcess.builder("dev.chora.examples.bench.LoadGenerator").name("load")
        .jvmOptions("-Xms1g", "-Xmx2g").logFile(work.resolve("load.log")).args(args.toArray(String[]::new))
        .start()) {
      followLoad(load, local, results, o);
    }
  }

  /** Reads the load generator's log: relays progress, samples CPU around each level. */
  private void followLoad(JvmProcess load, LocalCluster cluster, List<LevelResult> results, PrintStream o)
      throws Exception {
    boolean tty = System.console() != null;
    Map<String, Double> cpuBefore = null;
    long levelStart = 0;
    try (LogTail tail = new LogTail(load.logFile())) {
      while (true) {
        String line = tail.nextLine();
        if (line == null) {
          if (!load.isAlive()) {
            line = tail.nextLine();
            if (line == null) {
              if (tty) {
                o.println();
              }
              if (load.exitCode() != 0) {
                throw new IllegalStateException("the load generator failed (exit " + load.exitCode() + "); see "
                    + load.logFile() + ":\n" + tail.last(15));
              }
              return;
            }
          } else {
            Thread.sleep(50);
            continue;
          }
        }
        if (!line.startsWith("chora-load: ")) {
          continue;
        }
        String event = line.substring("chora-load: ".length());
        if (event.startsWith("progress ")) {
          o.print((tty ? "\r" : "") + event.substring("progress ".length()) + (tty ? "   " : "\n"));
          o.flush();
        } else if (event.startsWith("level-start ")) {
          cpuBefore = cpuWithLoad(cluster, load);
          levelStart = System.nanoTime();
        } else if (event.startsWith("level-end ")) {
          Map<String, Double> cpuAfter = cpuWithLoad(cluster, load);
          double seconds = (System.nanoTime() - levelStart) / 1e9;
          Map<String, Double> pct = new LinkedHashMap<>();
          for (String p : cpuAfter.keySet()) {
            pct.put(p, cpuBefore == null ? Double.NaN : 100 * (cpuAfter.get(p) - cpuBefore.get(p)) / seconds);
          }
          LevelResult result = LevelResult.decode(event.substring("level-end ".length())).withCpu(pct);
          results.add(result);
          o.printf(Locale.ROOT, "%slevel in-flight %d: %.0f ops/s, p50 %.2f ms, p99 %.2f ms, %.0f rounds/s%n",
              tty ? "\r" : "", result.inFlight(), result.opsPerSecond(), result.p50Ms(), result.p99Ms(),
              result.roundRate());
          LevelResult.RequestPath path = result.path();
          if (!path.equals(LevelResult.RequestPath.NONE)) {
            o.printf(Locale.ROOT, "  a request's mean %.3f ms: waiting for a round %.3f, round to execution %.3f,"
                    + " elsewhere (client hops, hand-offs, execution, reply) %.3f%n", path.clientMs(), path.waitMs(),
                path.replicationMs(), path.elsewhereMs());
          }
        } else if (event.startsWith("warmup ")) {
          o.println("warm-up at in-flight " + event.substring("warmup ".length()) + " (" + human(warmup) + ", not counted)");
        } else if (event.equals("ready")) {
          o.println("load generator ready (pid " + load.pid() + ")");
        }
      }
    }
  }

  private static Map<String, Double> cpuWithLoad(LocalCluster cluster, JvmProcess load) {
    Map<String, Double> cpu = cluster == null ? new LinkedHashMap<>() : cluster.cpuSeconds();
    cpu.put("load", load.cpuSeconds());
    return cpu;
  }

  private static String join(List<Integer> xs) {
    StringBuilder b = new StringBuilder();
    for (int x : xs) {
      b.append(b.length() == 0 ? "" : ",").append(x);
    }
    return b.toString();
  }

  static String human(Duration d) {
    if (d.toNanos() % 1_000_000_000L == 0) {
      return d.toSeconds() + "s";
    }
    if (d.toNanos() % 1_000_000L == 0) {
      return d.toMillis() + "ms";
    }
    return (d.toNanos() / 1000) + "us";
  }
}
