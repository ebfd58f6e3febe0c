package dev.chora.transport.probe;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.chora.transport.launch.ArteryTransport;
import dev.chora.transport.launch.ArteryTransport.Kind;
import dev.chora.transport.launch.JvmProcess;
import dev.chora.transport.launch.MediaDriverProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * Measures what each way of deploying Artery costs on this machine: the round trip of a 64-byte
 * message between two JVMs, and the CPU those JVMs (and the shared Aeron driver) burn while doing
 * nothing. Those two figures decide the transport defaults: aeron-udp is worth its spinning only
 * if it is faster, and the idle levels trade one for the other.
 *
 * <p>For each setup (a transport, and for Aeron an idle-cpu-level and the shared driver's idle
 * parameters) it starts a fresh driver if needed and two fresh {@link ProbeNode} JVMs on
 * 127.0.0.1, times sequential round trips after a warm-up, reads both JVMs' CPU time over an idle
 * interval, and stops everything it started before the next setup. Runs as a main or embedded
 * (the command line calls {@link #run(Options, PrintStream)}).
 */
public final class TransportProbe {

  private static final String USAGE = String.join("\n",
      "usage: TransportProbe [options]",
      "  --transports LIST      tcp,aeron-shared,aeron-embedded (default: all three)",
      "  --round-trips N        timed round trips per stream (default 2000)",
      "  --warmup N             untimed round trips first (default 1000)",
      "  --seconds-idle N       idle interval for the CPU figures (default 10)",
      "  --streams LIST         ordinary,large (default both; large = the replica's path)",
      "  --idle-cpu-levels LIST Artery idle-cpu-level(s) for the aeron setups (default: the project's)",
      "  --driver-idle LIST     shared driver backoff(s) spins,yields,minParkNs,maxParkNs;... (default: the project's)",
      "  --log-dir DIR          where the JVMs' logs and configs go (default: a new temp dir)");

  private TransportProbe() {}

  /** What to measure. Empty level or driver-idle lists mean the project's defaults. */
  public record Options(List<Kind> transports, int roundTrips, int warmup, int secondsIdle,
      List<String> streams, List<Integer> idleCpuLevels, List<MediaDriverProcess.Idle> driverIdles,
      Path logDir) {

    public Options {
      transports = List.copyOf(transports);
      streams = List.copyOf(streams);
      idleCpuLevels = List.copyOf(idleCpuLevels);
      driverIdles = List.copyOf(driverIdles);
      if (transports.isEmpty() || streams.isEmpty()) {
        throw new IllegalArgumentException("at least one transport and one stream");
      }
      for (String s : streams) {
        if (!s.equals("ordinary") && !s.equals("large")) {
          throw new IllegalArgumentException("stream is ordinary or large: " + s);
        }
      }
      if (roundTrips < 1 || warmup < 0 || secondsIdle < 0) {
        throw new IllegalArgumentException("round trips >= 1, warm-up >= 0, idle seconds >= 0");
      }
    }

    public static Options defaults() {
      return new Options(List.of(Kind.TCP, Kind.AERON_SHARED, Kind.AERON_EMBEDDED), 2000, 1000, 10,
          List.of("ordinary", "large"), List.of(), List.of(), null);
    }

    public Options withTransports(Kind... kinds) {
      return new Options(List.of(kinds), roundTrips, warmup, secondsIdle, streams, idleCpuLevels, driverIdles, logDir);
    }

    public Options withRoundTrips(int n, int warm) {
      return new Options(transports, n, warm, secondsIdle, streams, idleCpuLevels, driverIdles, logDir);
    }

    public Options withSecondsIdle(int s) {
      return new Options(transports, roundTrips, warmup, s, streams, idleCpuLevels, driverIdles, logDir);
    }

    public Options withLogDir(Path dir) {
      return new Options(transports, roundTrips, warmup, secondsIdle, streams, idleCpuLevels, driverIdles, dir);
    }

    /** Parses the command line options listed by {@code --help}. */
    public static Options parse(String... args) {
      Options o = defaults();
      List<Kind> transports = o.transports;
      int roundTrips = o.roundTrips;
      int warmup = o.warmup;
      int idle = o.secondsIdle;
      List<String> streams = o.streams;
      List<Integer> levels = o.idleCpuLevels;
      List<MediaDriverProcess.Idle> driverIdles = o.driverIdles;
      Path logDir = null;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        String value;
        int eq = a.indexOf('=');
        if (a.startsWith("--") && eq > 0) {
          value = a.substring(eq + 1);
          a = a.substring(0, eq);
        } else if (a.equals("--help") || a.equals("-h")) {
          throw new IllegalArgumentException(USAGE);
        } else if (i + 1 < args.length) {
          value = args[++i];
        } else {
          throw new IllegalArgumentException("missing value for " + a + "\n" + USAGE);
        }
        switch (a) {
          case "--transports" -> transports = split(value, ",").stream().map(Options::probed).toList();
          case "--round-trips" -> roundTrips = Integer.parseInt(value);
          case "--warmup" -> warmup = Integer.parseInt(value);
          case "--seconds-idle" -> idle = Integer.parseInt(value);
          case "--streams" -> streams = split(value, ",");
          case "--idle-cpu-levels" -> levels = split(value, ",").stream().map(Integer::valueOf).toList();
          case "--driver-idle" -> driverIdles = split(value, ";").stream().map(MediaDriverProcess.Idle::parse).toList();
          case "--log-dir" -> logDir = Path.of(value);
          default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
        }
      }
      return new Options(transports, roundTrips, warmup, idle, streams, levels, driverIdles, logDir);
    }

    private static Kind probed(String name) {
      Kind k = Kind.parse(name);
      if (k == Kind.TLS_TCP) {
        throw new IllegalArgumentException("the probe measures tcp and the Aeron transports; measure tls-tcp with"
            + " chora bench --transport tls-tcp");
      }
      return k;
    }

    private static List<String> split(String s, String sep) {
      return Arrays.stream(s.split(sep)).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }
  }

  /** One deployment measured: a transport, and for Aeron its idle settings. */
  public record Setup(Kind kind, int idleCpuLevel, MediaDriverProcess.Idle driverIdle) {
    public String label() {
      return switch (kind) {
        case TCP, TLS_TCP -> kind.label();
        case AERON_EMBEDDED -> "aeron-embedded L" + idleCpuLevel;
        case AERON_SHARED -> "aeron-shared L" + idleCpuLevel + " drv " + driverIdle.property();
      };
    }
  }

  /**
   * Round-trip figures of one stream, in milliseconds, over the {@code n} replies that came;
   * {@code lost} round trips got no reply within two seconds. {@code others} is the CPU that other
   * processes of the machine used meanwhile (% of one core; NaN without /proc): on a shared machine
   * it tells which figures were taken under someone else's load.
   */
  public record Latency(Setup setup, String stream, int n, int lost, double p50, double p90, double p99, double max,
      double others) {
    Latency withOthers(double o) {
      return new Latency(setup, stream, n, lost, p50, p90, p99, max, o);
    }
  }

  /**
   * Idle CPU in percent of one core; driver is NaN without a shared driver. {@code others} as in
   * {@link Latency}. Under others' load a spinning thread gets less CPU than it would alone, so
   * these figures are then lower bounds.
   */
  public record IdleCpu(Setup setup, double nodeA, double nodeB, double driver, double total, double seconds,
      double others) {}

  public record Report(List<Latency> latencies, List<IdleCpu> idle) {
    /** Two plain-text tables, as printed by the probe and copied into docs/transport.md. */
    public String table() {
      StringBuilder sb = new StringBuilder();
      int w = 12;
      for (Latency l : latencies) {
        w = Math.max(w, l.setup().label().length());
      }
      String fmtL = "%-" + w + "s  %-8s %6s %5s %8s %8s %8s %8s %7s%n";
      sb.append(String.format(Locale.ROOT, "Round trip of a 64-byte message, sequential (ms);"
          + " others = CPU of other processes meanwhile, %% of one core:%n"));
      sb.append(String.format(Locale.ROOT, fmtL, "setup", "stream", "n", "lost", "p50", "p90", "p99", "max", "others"));
      for (Latency l : latencies) {
        sb.append(String.format(Locale.ROOT, fmtL, l.setup().label(), l.stream(), l.n(), l.lost(),
            ms(l.p50()), ms(l.p90()), ms(l.p99()), ms(l.max()), pct(l.others())));
      }
      if (!idle.isEmpty()) {
        String fmtI = "%-" + w + "s  %8s %8s %8s %8s %7s%n";
        sb.append(String.format(Locale.ROOT, "%nIdle CPU, %% of one core over %.0f s of no traffic:%n",
            idle.get(0).seconds()));
        sb.append(String.format(Locale.ROOT, fmtI, "setup", "node A", "node B", "driver", "total", "others"));
        for (IdleCpu c : idle) {
          sb.append(String.format(Locale.ROOT, fmtI, c.setup().label(), pct(c.nodeA()), pct(c.nodeB()),
              Double.isNaN(c.driver()) ? "-" : pct(c.driver()), pct(c.total()), pct(c.others())));
        }
      }
      return sb.toString();
    }

    private static String ms(double v) {
      return String.format(Locale.ROOT, v < 10 ? "%.3f" : "%.1f", v);
    }

    private static String pct(double v) {
      return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }
  }

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    try {
      Report report = run(options, System.out);
      System.out.println();
      System.out.print(report.table());
      System.out.flush();
      System.exit(0);
    } catch (Exception e) {
      System.err.println("probe failed: " + e.getMessage());
      e.printStackTrace();
      System.exit(1);
    }
  }

  /** Runs every setup of {@code options}, printing progress to {@code out}; returns the figures. */
  public static Report run(Options options, PrintStream out) throws IOException, InterruptedException, TimeoutException {
    Path logDir = options.logDir() != null ? options.logDir()
        : Path.of(System.getProperty("java.io.tmpdir"),
            "chora-probe-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Files.createDirectories(logDir);
    List<Setup> setups = setups(options);
    out.printf(Locale.ROOT, "transport probe: %d setup(s), %d round trips (+%d warm-up) per stream, %d s idle;"
        + " %d cores, Java %s; logs in %s%n", setups.size(), options.roundTrips(), options.warmup(),
        options.secondsIdle(), Runtime.getRuntime().availableProcessors(), Runtime.version(), logDir);
    List<Latency> latencies = new ArrayList<>();
    List<IdleCpu> idle = new ArrayList<>();
    int i = 0;
    for (Setup s : setups) {
      i++;
      String slug = String.format(Locale.ROOT, "%02d-%s", i, s.kind().label());
      measure(s, options, logDir.resolve(slug), "[" + i + "/" + setups.size() + "] " + s.label(), out,
          latencies, idle);
    }
    return new Report(latencies, idle);
  }

  private static List<Setup> setups(Options o) {
    List<Setup> setups = new ArrayList<>();
    for (Kind k : o.transports()) {
      switch (k) {
        case TCP -> setups.add(new Setup(k, 0, null));
        case AERON_EMBEDDED -> {
          for (int level : o.idleCpuLevels().isEmpty() ? List.of(ArteryTransport.EMBEDDED_IDLE_CPU_LEVEL) : o.idleCpuLevels()) {
            setups.add(new Setup(k, level, null));
          }
        }
        case AERON_SHARED -> {
          for (int level : o.idleCpuLevels().isEmpty() ? List.of(ArteryTransport.SHARED_IDLE_CPU_LEVEL) : o.idleCpuLevels()) {
            for (MediaDriverProcess.Idle d : o.driverIdles().isEmpty() ? List.of(MediaDriverProcess.Idle.DEFAULT) : o.driverIdles()) {
              setups.add(new Setup(k, level, d));
            }
          }
        }
      }
    }
    return setups;
  }

  private static void measure(Setup s, Options o, Path prefix, String title, PrintStream out,
      List<Latency> latencies, List<IdleCpu> idle) throws IOException, InterruptedException, TimeoutException {
    MediaDriverProcess driver = null;
    JvmProcess pong = null;
    JvmProcess ping = null;
    try {
      if (s.kind() == Kind.AERON_SHARED) {
        out.println(title + ": starting the shared media driver");
        driver = MediaDriverProcess.start(Path.of(prefix + "-driver.log"), s.driverIdle());
      }
      int pongPort = ArteryTransport.freePort();
      int pingPort;
      do {
        pingPort = ArteryTransport.freePort();
      } while (pingPort == pongPort);
      Path aeronDir = driver == null ? null : driver.aeronDirectory();
      out.println(title + ": starting two nodes");
      pong = node("pong", prefix, ArteryTransport.of(s.kind(), aeronDir, pongPort, Math.max(1, s.idleCpuLevel())),
          "pong");
      String pongAddress = "pekko://probe@" + ArteryTransport.HOST + ":" + pongPort;
      ping = node("ping", prefix, ArteryTransport.of(s.kind(), aeronDir, pingPort, Math.max(1, s.idleCpuLevel())),
          "ping", pongAddress, Integer.toString(o.warmup()), Integer.toString(o.roundTrips()),
          String.join(",", o.streams()));
      pong.awaitLogLine("READY", Duration.ofSeconds(120));
      ping.awaitLogLine("READY", Duration.ofSeconds(120));
      CpuMeter meter = new CpuMeter(pong, ping, driver == null ? null : driver.process());
      CpuMeter.Sample before = meter.sample();
      out.println(title + ": " + o.warmup() + " warm-up and " + o.roundTrips() + " timed round trips per stream ("
          + String.join(", ", o.streams()) + ")");
      // 50 ms per round trip on average is already a hundred times slower than expected: give up.
      ping.awaitLogLine("MEASURED", Duration.ofSeconds(120 + (long) (o.warmup() + o.roundTrips()) * o.streams().size() / 20));
      double othersDuringRoundTrips = meter.othersPercentSince(before);
      for (String line : Files.readAllLines(ping.logFile())) {
        if (line.startsWith("RESULT ")) {
          Latency l = parse(s, line).withOthers(othersDuringRoundTrips);
          latencies.add(l);
          out.printf(Locale.ROOT, "%s: %-8s p50 %.3f ms, p99 %.3f ms%s%n", title, l.stream(), l.p50(), l.p99(),
              l.lost() == 0 ? "" : ", " + l.lost() + " lost");
        }
      }
      if (o.secondsIdle() > 0) {
        out.println(title + ": idle CPU over " + o.secondsIdle() + " s");
        Thread.sleep(1000); // let the measurement's JIT compilations and deferred work finish
        double a0 = pong.cpuSeconds();
        double b0 = ping.cpuSeconds();
        double d0 = driver == null ? Double.NaN : driver.cpuSeconds();
        CpuMeter.Sample idleStart = meter.sample();
        long t0 = System.nanoTime();
        Thread.sleep(o.secondsIdle() * 1000L);
        double a1 = pong.cpuSeconds();
        double b1 = ping.cpuSeconds();
        double d1 = driver == null ? Double.NaN : driver.cpuSeconds();
        double secs = (System.nanoTime() - t0) / 1e9;
        double a = 100 * (a1 - a0) / secs;
        double b = 100 * (b1 - b0) / secs;
        double d = driver == null ? Double.NaN : 100 * (d1 - d0) / secs;
        idle.add(new IdleCpu(s, a, b, d, a + b + (driver == null ? 0 : d), secs, meter.othersPercentSince(idleStart)));
      }
    } finally {
      stopAll(ping, pong);
      if (driver != null) {
        driver.close(); // after the nodes: they would terminate on losing their driver
      }
    }
  }

  private static JvmProcess node(String role, Path prefix, Config transport, String... args) throws IOException {
    Config config = transport.withFallback(ConfigFactory.parseString(String.join("\n",
        "pekko.actor.provider = remote",
        "pekko.loglevel = INFO",
        // Nodes are stopped together; dead letters during that shutdown are noise in the logs.
        "pekko.log-dead-letters-during-shutdown = off")));
    Path conf = Path.of(prefix + "-" + role + ".conf");
    Files.writeString(conf, ArteryTransport.render(config));
    return JvmProcess.builder(ProbeNode.class.getName())
        .name("probe-" + role)
        .systemProperty("config.file", conf.toString())
        .args(args)
        .logFile(Path.of(prefix + "-" + role + ".log"))
        .start();
  }

  private static void stopAll(JvmProcess... processes) {
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (JvmProcess p : processes) {
      if (p != null) {
        stops.add(CompletableFuture.runAsync(() -> p.stop(Duration.ofSeconds(10))));
      }
    }
    stops.forEach(CompletableFuture::join);
  }

  static Latency parse(Setup s, String line) {
    String[] parts = line.split(" ");
    String stream = parts[1].substring("stream=".length());
    int lost = Integer.parseInt(parts[3].substring("lost=".length()));
    long[] sorted = parts.length < 5 || parts[4].isEmpty() ? new long[0]
        : Arrays.stream(parts[4].split(",")).mapToLong(Long::parseLong).toArray();
    if (sorted.length == 0) {
      return new Latency(s, stream, 0, lost, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    return new Latency(s, stream, sorted.length, lost, percentile(sorted, 0.50), percentile(sorted, 0.90),
        percentile(sorted, 0.99), sorted[sorted.length - 1] / 1e6, Double.NaN);
  }

  /** Nearest-rank percentile of sorted nanoseconds, in milliseconds. */
  static double percentile(long[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }

  /**
   * The CPU the rest of the machine uses while the probe measures: all cores' busy time from
   * /proc/stat minus what the probe's own JVMs used. Figures taken on a shared machine are only
   * comparable when this is known.
   */
  static final class CpuMeter {
    record Sample(long nanos, long totalJiffies, long idleJiffies, double mine) {}

    private final List<JvmProcess> processes = new ArrayList<>();

    CpuMeter(JvmProcess... ps) {
      for (JvmProcess p : ps) {
        if (p != null) {
          processes.add(p);
        }
      }
    }

    Sample sample() {
      long total = -1;
      long idle = -1;
      try {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) { // user .. steal
          total += Long.parseLong(f[i]);
        }
        idle = Long.parseLong(f[4]) + Long.parseLong(f[5]); // idle + iowait
      } catch (IOException | RuntimeException e) {
        // no /proc: figures stay NaN
      }
      double mine = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
      for (JvmProcess p : processes) {
        mine += p.cpuSeconds();
      }
      return new Sample(System.nanoTime(), total, idle, mine);
    }

    /** Other processes' CPU since {@code s0}, in % of one core; NaN when unknown. */
    double othersPercentSince(Sample s0) {
      Sample s1 = sample();
      long total = s1.totalJiffies() - s0.totalJiffies();
      if (s0.totalJiffies() < 0 || s1.totalJiffies() < 0 || total <= 0) {
        return Double.NaN;
      }
      double seconds = (s1.nanos() - s0.nanos()) / 1e9;
      double busyCores = (double) (total - (s1.idleJiffies() - s0.idleJiffies())) / total
          * Runtime.getRuntime().availableProcessors();
      double mineCores = (s1.mine() - s0.mine()) / seconds;
      return Math.max(0, 100 * (busyCores - mineCores));
    }
  }
}
