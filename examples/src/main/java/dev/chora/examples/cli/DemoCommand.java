package dev.chora.examples.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.chora.actors.Chora;
import dev.chora.actors.ReplicaStatus;
import dev.chora.actors.StateDigest;
import dev.chora.examples.bank.BankCommand;
import dev.chora.examples.bank.BankReply;
import dev.chora.examples.bench.ClosedLoop;
import dev.chora.examples.bench.HistoryWriter;
import dev.chora.examples.bench.LatencyHistogram;
import dev.chora.examples.demo.DurabilityLedger;
import dev.chora.examples.demo.MixedWorkload;
import dev.chora.examples.node.ClientNode;
import dev.chora.examples.node.LocalCluster;
import dev.chora.examples.node.NodeConfig;
import dev.chora.examples.node.Transport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs a replicated cluster on this machine and shows it at work: three replicas in separate JVMs,",
        "a mixed key-value and bank load from this JVM, one replica SIGKILLed and restarted later (view",
        "change, continued service, rejoin), then, in durable mode, every replica SIGKILLed at once and",
        "restarted from disk, with every acknowledged write read back; at the end it checks that every",
        "replica holds identical state and the bank's total never changed. Exit code 0 only if every check",
        "passed."})
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class,
      description = "how long the load runs (default ${DEFAULT-VALUE}); the kill comes at 15%%, the restart at 30%%,"
          + " the crash of every replica (durable mode) at 60%%; the load runs on after their restart")
  Duration duration;

  @Option(names = "--clients", defaultValue = "16", description = "concurrent clients (default ${DEFAULT-VALUE})")
  int clients;

  @Option(names = "--kill", defaultValue = "2", paramLabel = "ID",
      description = "the replica to SIGKILL and restart, 1..N-1 (default ${DEFAULT-VALUE})")
  int kill;

  @Option(names = "--transport", defaultValue = "aeron-shared",
      description = "aeron-shared (one media driver for all JVMs), aeron-embedded, tcp or tls-tcp (default ${DEFAULT-VALUE})")
  String transport;

  @Option(names = "--round-timeout", defaultValue = "5ms", converter = DurationConverter.class,
      description = "chora.protocol.round-timeout (default ${DEFAULT-VALUE})")
  Duration roundTimeout;

  @Option(names = "--history", paramLabel = "FILE", description = "write every client operation as a JSON line")
  Path history;

  @Option(names = "--logs", paramLabel = "DIR", description = "where the replicas' logs go (default: a new temporary directory)")
  Path logs;

  @picocli.CommandLine.Mixin
  StorageOptions storage;

  private static final int N = 3;
  private final PrintStream o = System.out;
  private final boolean tty = System.console() != null;
  private volatile String progress = "";
  /** When the demo started: every printed time is relative to it. */
  private long t0;
  /** This JVM's client node: replaced after the crash of every replica (its cluster died with them). */
  private volatile ActorSystem<Void> client;

  /** Share of the load's duration at which the replica --kill is killed, restarted, and all replicas crash. */
  private static final double KILL_AT = 0.15;
  private static final double RESTART_AT = 0.3;
  private static final double CRASH_ALL_AT = 0.6;

  private void validate() {
    List<String> problems = new ArrayList<>();
    if (duration.compareTo(Duration.ofSeconds(10)) < 0) {
      problems.add("--duration " + duration.toSeconds() + "s: at least 10s (a kill, a view change and a rejoin must fit)");
    }
    if (clients < 1 || clients > 10_000) {
      problems.add("--clients " + clients + ": use 1..10000");
    }
    if (kill < 1 || kill >= N) {
      problems.add("--kill " + kill + ": use 1.." + (N - 1) + " (replica 0 is the seed node)");
    }
    if (roundTimeout.isZero() || roundTimeout.isNegative()) {
      problems.add("--round-timeout must be positive");
    }
    try {
      Transport.parse(transport);
    } catch (IllegalArgumentException e) {
      problems.add("--transport: " + e.getMessage());
    }
    storage.check(problems);
    if (!problems.isEmpty()) {
      throw new CliException(String.join("; ", problems));
    }
    try {
      if (history != null && history.toAbsolutePath().getParent() != null) {
        Files.createDirectories(history.toAbsolutePath().getParent());
      }
      if (logs != null) {
        Files.createDirectories(logs);
      }
    } catch (IOException e) {
      throw new CliException("cannot write " + e.getMessage(), e);
    }
  }

  /** An event on its own line, above the live progress line. */
  private synchronized void event(String text) {
    o.printf(Locale.ROOT, "%s[%3.0fs] %s%n", tty ? "\r\033[K" : "", (System.nanoTime() - t0) / 1e9, text);
    if (tty) {
      o.print(progress);
    }
    o.flush();
  }

  private synchronized void progress(String line) {
    progress = line;
    if (tty) {
      o.print("\r\033[K" + line);
    } else {
      o.println(line);
    }
    o.flush();
  }

  @Override
  public Integer call() throws Exception {
    validate();
    // This JVM's own Pekko warnings (a peer unreachable, a connection refused) are expected here:
    // the demo kills a replica on purpose. Errors still show.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    ChoraCli.initLogging();
    Path work = logs != null ? logs : Files.createTempDirectory("chora-demo-");
    Duration roundT = roundTimeout;
    Duration vcTimeout = roundT.multipliedBy(10).compareTo(Duration.ofMillis(50)) > 0 ? roundT.multipliedBy(10)
        : Duration.ofMillis(50);
    String extra = "chora.protocol.round-timeout = " + DurationConverter.hocon(roundT) + "\n"
        + "chora.protocol.view-change-timeout = " + DurationConverter.hocon(vcTimeout) + "\n"
        // Down a crashed member sooner than the default 20 s, so its restart can join quickly.
        + "pekko.cluster.split-brain-resolver.stable-after = 5s\n"
        // All JVMs share this machine: a busy moment delays heartbeats everywhere at once, and the
        // resolver must not take that for an unstable cluster and down every member.
        + "pekko.cluster.split-brain-resolver.down-all-when-unstable = off\n";
    LocalCluster.checkSettings(N, Transport.parse(transport), extra);
    boolean durable = storage.mode().equals("durable");
    o.printf("chora demo: %d replicas on this machine (%s, %s storage), %d clients for %ds; replica %d is killed at"
        + " %.0fs and restarted at %.0fs; %s. Logs: %s%n", N, transport, storage.mode(), clients, duration.toSeconds(),
        kill, duration.toSeconds() * KILL_AT, duration.toSeconds() * RESTART_AT, durable
            ? String.format(Locale.ROOT, "all %d are SIGKILLed at %.0fs and restarted from disk", N,
                duration.toSeconds() * CRASH_ALL_AT)
            : "no crash of every replica (memory mode keeps nothing to restart from)", work);
    HistoryWriter writer = history == null ? null : new HistoryWriter(history);
    try (LocalCluster cluster = new LocalCluster(work, N, Transport.parse(transport), extra, o)
        .storage(storage.mode(), storage.dataDirOrNull())) {
      t0 = System.nanoTime();
      cluster.start();
      event("replicas ready: " + String.join(", ", cluster.addresses()));
      client = startClient(cluster);
      ClientNode.awaitAllNormal(client, N, Duration.ofMinutes(1));
      event("this JVM joined the cluster as a client node (no replica): " + client.address());
      MixedWorkload workload = new MixedWorkload(client, Duration.ofSeconds(5));
      workload.openAccounts();
      event(MixedWorkload.ACCOUNTS + " bank accounts opened, total " + MixedWorkload.expectedTotal());
      try {
        return run(cluster, workload, writer, durable);
      } catch (Exception e) {
        ActorSystem<Void> c = client;
        java.util.Optional<String> stopped = c == null ? java.util.Optional.empty() : ClientNode.whyStopped(c);
        if (stopped.isPresent()) {
          throw new IllegalStateException(String.format(Locale.ROOT, "%s (%.0f s into the demo). The replicas'"
              + " logs are in %s", stopped.get(), (System.nanoTime() - t0) / 1e9, work), e);
        }
        throw e;
      } finally {
        // Before the cluster closes: this node uses its media driver.
        stopClient();
      }
    } finally {
      stopClient();
      if (writer != null) {
        writer.close();
      }
    }
  }

  /** Starts a client node of {@code cluster} (no replica) in this JVM; returns once it is Up. */
  private static ActorSystem<Void> startClient(LocalCluster cluster) throws Exception {
    Config user = ConfigFactory.parseString(cluster.clientNodeFile()
        + "pekko.loglevel = ERROR\n");
    Config config = NodeConfig.build(user, -1, user.getStringList("chora.replicas"), false);
    return ClientNode.start(config, Duration.ofMinutes(1));
  }

  private void stopClient() throws Exception {
    ActorSystem<Void> c = client;
    client = null;
    if (c != null) {
      c.terminate();
      c.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Said with a fail-over that came within the replicas' warm-up, which doubles their suspicion
   * thresholds: a reader comparing it with the documented fail-over should know why it is longer.
   */
  private String warmUpNote(ActorSystem<Void> system, long killedNanos) {
    Config protocol = system.settings().config().getConfig("chora.protocol");
    Duration warmUp = protocol.getDuration("warm-up");
    if (killedNanos - t0 >= warmUp.toNanos()) {
      return "";
    }
    return String.format(Locale.ROOT, " (within the replicas' first %d s, their warm-up: suspicion thresholds x%d)",
        warmUp.toSeconds(), protocol.getInt("warm-up-suspicion-factor"));
  }

  private int run(LocalCluster cluster, MixedWorkload workload, HistoryWriter writer, boolean durable)
      throws Exception {
    ClosedLoop loop = new ClosedLoop(workload, writer, "client-");
    LatencyHistogram all = new LatencyHistogram();
    long start = System.nanoTime();
    long killAt = start + (long) (duration.toNanos() * KILL_AT);
    long restartAt = start + (long) (duration.toNanos() * RESTART_AT);
    long crashAt = start + (long) (duration.toNanos() * CRASH_ALL_AT);
    long end = start + duration.toNanos();
    long latestEnd = end + TimeUnit.SECONDS.toNanos(30);
    boolean extending = false;
    loop.start(clients);
    event("load started: " + clients + " clients (key-value put/get/cas/delete, bank transfers, total checks)");
    boolean killed = false;
    boolean restarted = false;
    boolean rejoined = false;
    boolean crashed = false;
    AllCrashPhase.Outcome crash = null;
    int ackedAfterCrashCheck = 0;
    long killedNanos = 0;
    long restartedNanos = 0;
    long viewChangeSeenNanos = 0;
    long[] lastRounds = new long[N];
    long[] lastSampled = new long[N];
    long[] lastViolations = new long[N];
    long violations = 0;
    long lastView = -1;
    int lastActive = 0;
    long viewChanges = 0;
    long lastOps = 0;
    long tick = start;
    while (true) {
      long now = System.nanoTime();
      if (now >= end) {
        // In durable mode every replica is crashed once the single victim has rejoined, even if late.
        boolean crashDue = durable && !crashed && rejoined;
        if (!crashDue && (rejoined || now >= latestEnd || !restarted)) {
          break;
        }
        if (!extending) {
          extending = true;
          event("load goes on until replica " + kill + " has rejoined (at most 30 s more)");
        }
      }
      Thread.sleep(Math.max(1, Math.min(1000, (tick + 1_000_000_000L - now) / 1_000_000)));
      if (ClientNode.whyStopped(client).isPresent()) {
        // Its asks fail from now on; call() reports why.
        throw new IllegalStateException("this JVM's cluster node stopped");
      }
      now = System.nanoTime();
      if (!killed && now >= killAt) {
        cluster.kill(kill);
        killed = true;
        killedNanos = now;
        event("SIGKILL replica " + kill + " (pid " + cluster.replica(kill).pid() + "): "
            + (durable ? "what it held in memory is lost, what it synced is on its disk" : "its state is lost"));
        long removedAfter = ClientNode.nanosUntilRemoved(client, N, kill, killedNanos, Duration.ofSeconds(5));
        if (removedAfter >= 0) {
          viewChangeSeenNanos = killedNanos + removedAfter;
          event(String.format(Locale.ROOT, "replica %d suspected and removed: a survivor is NORMAL in a view without"
              + " it %.0f ms after the kill%s", kill, removedAfter / 1e6, warmUpNote(client, killedNanos)));
        }
      }
      if (killed && !restarted && now >= restartAt) {
        cluster.restart(kill);
        restarted = true;
        restartedNanos = now;
        event(cluster.storageMode().equals("durable")
            ? "restarting replica " + kill + " (pid " + cluster.replica(kill).pid() + ") from its data directory: it"
                + " replays its log and fetches only what it missed"
            : "restarting replica " + kill + " with chora.restarted = true (pid " + cluster.replica(kill).pid()
                + "): it recovers by state transfer");
      }
      if (durable && !crashed && rejoined && now >= crashAt) {
        crashed = true;
        all.add(loop.takeInterval());
        crash = new AllCrashPhase(cluster, this::event, this::progress, () -> startClient(cluster))
            .run(client, loop, workload, clients);
        if (crash.client() == null) {
          client = null;
          break;
        }
        client = crash.client();
        ackedAfterCrashCheck = workload.ledger().acknowledged();
        now = System.nanoTime();
        // The load runs on for a while on the group restarted from disk.
        long after = Math.max(TimeUnit.SECONDS.toNanos(5), (long) (duration.toNanos() * 0.1));
        end = Math.max(end, now + after);
        latestEnd = Math.max(latestEnd, end);
        lastOps = loop.ok() + loop.failed();
        tick = now;
        loop.takeInterval();
        continue;
      }
      if (restarted && !cluster.replica(kill).isAlive()) {
        event("the restarted replica " + kill + " exited (code " + cluster.replica(kill).exitCode() + "); see "
            + cluster.replica(kill).logFile());
        break;
      }
      if (now - tick < 900_000_000L) {
        continue;
      }
      List<ReplicaStatus> s = ClientNode.statuses(client, N, Duration.ofMillis(700));
      now = System.nanoTime();
      double rounds = 0;
      int rated = 0;
      for (int i = 0; i < N; i++) {
        ReplicaStatus x = s.get(i);
        if (x == null) {
          continue;
        }
        if (lastSampled[i] != 0 && x.sampledAtNanos() > lastSampled[i] && x.rounds().entered() >= lastRounds[i]) {
          rounds += (x.rounds().entered() - lastRounds[i]) / ((x.sampledAtNanos() - lastSampled[i]) / 1e9);
          rated++;
          violations += Math.max(0, x.rounds().violations() - lastViolations[i]);
        } else if (lastSampled[i] != 0 && x.rounds().violations() < lastViolations[i]) {
          violations += x.rounds().violations(); // a restarted replica counts from zero
        }
        lastRounds[i] = x.rounds().entered();
        lastSampled[i] = x.sampledAtNanos();
        lastViolations[i] = x.rounds().violations();
      }
      ReplicaStatus ref = s.get(0);
      if (ref != null && ref.view().number() != lastView) {
        if (lastView >= 0) {
          viewChanges += ref.view().number() - lastView;
          boolean removal = killed && viewChangeSeenNanos == 0 && !ref.view().isActive(kill);
          if (ref.view().activeSet() != lastActive || removal) {
            event("view " + ref.view().number() + ": active " + active(ref) + (removal
                ? " (replica " + kill + " suspected and removed)" : ""));
          }
          if (removal) {
            viewChangeSeenNanos = now;
          }
        }
        lastView = ref.view().number();
        lastActive = ref.view().activeSet();
      } else if (ref != null && killed && viewChangeSeenNanos == 0 && !ref.view().isActive(kill)) {
        viewChangeSeenNanos = now;
        event("view " + ref.view().number() + ": active " + active(ref) + " (replica " + kill
            + " is out of the active set)");
      }
      ReplicaStatus k = s.get(kill);
      if (restarted && !rejoined && k != null && k.view().isNormal() && ref != null && ref.view().isActive(kill)
          && k.view().number() == ref.view().number()) {
        rejoined = true;
        event(String.format(Locale.ROOT, "replica %d rejoined: NORMAL in view %d and active, executed round %d"
            + " after %s (%.1f s after its restart)", kill, k.view().number(), k.progress().executedRound(),
            durable ? "its restart from disk" : "state transfer", (now - restartedNanos) / 1e9));
      }
      LatencyHistogram h = loop.takeInterval();
      all.add(h);
      long ops = loop.ok() + loop.failed();
      progress(String.format(Locale.ROOT,
          "[%3.0fs] %6.0f ops/s  p50 %6.2f ms  p99 %7.2f ms  rounds/s %5.0f  violations %5d  view %s  replicas %s"
              + "  timeouts %d  total-check failures %d",
          (now - t0) / 1e9, (ops - lastOps) / ((now - tick) / 1e9), h.percentileMillis(0.5),
          h.percentileMillis(0.99), rated == 0 ? 0 : rounds / rated, violations,
          ref == null ? "?" : ref.view().number() + " " + active(ref), states(s), loop.timedOut(),
          workload.invariantViolations()));
      lastOps = ops;
      tick = now;
    }
    boolean drained = loop.stopAndDrain(15_000);
    all.add(loop.takeInterval());
    double seconds = (System.nanoTime() - start) / 1e9;
    if (tty) {
      o.println();
    }
    event("load stopped" + (drained ? "" : " (some commands still outstanding after 15 s)"));
    if (client == null) {
      o.println();
      o.println("FAILED: " + crash.summary());
      return 1;
    }
    // The restarted replica must be back before the state can be compared.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!rejoined && System.nanoTime() < deadline && cluster.replica(kill).isAlive()) {
      List<ReplicaStatus> s = ClientNode.statuses(client, N, Duration.ofSeconds(1));
      ReplicaStatus ref = s.get(0);
      ReplicaStatus k = s.get(kill);
      if (k != null && ref != null && k.view().isNormal() && ref.view().isActive(kill)
          && k.view().number() == ref.view().number()) {
        rejoined = true;
        event(String.format(Locale.ROOT, "replica %d rejoined: NORMAL in view %d and active, executed round %d"
            + " (%.1f s after its restart)", kill, k.view().number(), k.progress().executedRound(),
            (System.nanoTime() - restartedNanos) / 1e9));
      } else {
        Thread.sleep(250);
      }
    }
    Verification v = verify(client, workload.bank());
    event(v.message);
    DurabilityLedger.Check later = null;
    if (crash != null) {
      int acked = workload.ledger().acknowledged();
      later = workload.ledger().verify(client, ackedAfterCrashCheck, acked, done -> { });
      event(later.passed() ? "all " + later.checked() + " ledger writes acknowledged since the all-crash check read back"
          : later.missing().size() + " of " + later.checked() + " ledger writes acknowledged since the all-crash check"
              + " are NOT readable, e.g. " + later.missing().subList(0, Math.min(5, later.missing().size())));
    }

    long ok = loop.ok();
    long failed = loop.failed();
    long timeouts = loop.timedOut();
    o.println();
    o.println("summary");
    o.printf(Locale.ROOT, "  operations   %d completed (%d ok, %d refused e.g. failed CAS or insufficient funds), %d timed out;"
        + " %.0f ops/s%n", ok + failed, ok, failed, timeouts, (ok + failed) / seconds);
    o.printf(Locale.ROOT, "  latency      p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", all.percentileMillis(0.5),
        all.percentileMillis(0.99), all.maxMillis());
    o.printf(Locale.ROOT, "  bank         %d transfers applied; %d reads of the total, %d not equal to %d%n",
        workload.transfersDone(), workload.totalChecks(), workload.invariantViolations(),
        MixedWorkload.expectedTotal());
    o.printf(Locale.ROOT, "  failover     replica %d killed %.0f s into the load; %s; restarted %.0f s into the load; %s%n", kill,
        (killedNanos - start) / 1e9,
        viewChangeSeenNanos == 0 ? "no view change seen" : String.format(Locale.ROOT, "removed by a view change %.0f ms later",
            (viewChangeSeenNanos - killedNanos) / 1e6),
        (restartedNanos - start) / 1e9, rejoined ? "rejoined" : "NOT rejoined");
    o.printf("  synchrony    %d violations (a round that ended on the round timeout, per missing member); %d view"
        + " changes seen from replica 0 (only changes of the active set are printed above)%n", violations, viewChanges);
    if (crash != null) {
      o.printf(Locale.ROOT, "  all-crash    all %d replicas SIGKILLed %.0f s into the load, back from disk %.1f s later; %s;"
          + " %d more acknowledged since, %s%n", N, (crash.crashedNanos() - start) / 1e9,
          (crash.resumedNanos() - crash.crashedNanos()) / 1e9, crash.summary(), later.checked(),
          later.passed() ? "all read back" : later.missing().size() + " NOT readable");
    } else {
      o.println("  all-crash    " + (durable ? "NOT run (replica " + kill + " never rejoined)"
          : "skipped: memory mode keeps nothing on disk, a crash of every replica would lose every write"));
    }
    o.println("  state        " + v.message);
    if (history != null) {
      o.println("  history      " + writer.lines() + " operations in " + history);
    }
    boolean crashPassed = !durable || crash != null && crash.passed() && later.passed();
    boolean passed = v.passed && rejoined && workload.invariantViolations() == 0 && crashPassed;
    o.println(passed ? (durable ? "PASSED: every acknowledged write survived the crash of every replica, " : "PASSED: ")
        + "every replica holds identical state and the bank's total never changed" : "FAILED: see above");
    return passed ? 0 : 1;
  }

  private record Verification(boolean passed, String message) {}

  /** Every replica's digest equal (at the same executed round when we can catch one), and the bank total unchanged. */
  private Verification verify(ActorSystem<?> system, dev.chora.actors.entity.EntityRef<BankCommand, BankReply> bank)
      throws Exception {
    BankReply total = bank.ask(new BankCommand.GetTotal(), Duration.ofSeconds(10)).toCompletableFuture()
        .get(15, TimeUnit.SECONDS);
    long sum = 0;
    for (int a = 0; a < MixedWorkload.ACCOUNTS; a++) {
      sum += bank.ask(new BankCommand.GetBalance("acct-" + a), Duration.ofSeconds(10)).toCompletableFuture()
          .get(15, TimeUnit.SECONDS).value();
    }
    boolean bankOk = total.value() == MixedWorkload.expectedTotal() && sum == MixedWorkload.expectedTotal();
    String bankText = "bank total " + total.value() + ", sum of balances " + sum + " (opened with "
        + MixedWorkload.expectedTotal() + ")";
    List<StateDigest> previous = null;
    List<StateDigest> sameRound = null;
    List<StateDigest> last = null;
    boolean stable = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline && sameRound == null) {
      List<CompletableFuture<StateDigest>> asks = new ArrayList<>();
      for (int i = 0; i < N; i++) {
        asks.add(Chora.get(system).stateDigest(i).toCompletableFuture());
      }
      List<StateDigest> d = new ArrayList<>();
      for (CompletableFuture<StateDigest> a : asks) {
        try {
          d.add(a.get(3, TimeUnit.SECONDS));
        } catch (Exception e) {
          d.add(null);
        }
      }
      last = d;
      boolean allEqual = d.stream().allMatch(x -> x != null && x.sha256().equals(d.get(0).sha256()));
      if (allEqual && d.stream().allMatch(x -> x.executedRound() == d.get(0).executedRound())) {
        sameRound = d;
      } else if (allEqual && previous != null && previous.stream().allMatch(x -> x != null
          && x.sha256().equals(d.get(0).sha256()))) {
        stable = true;
      }
      previous = d;
      Thread.sleep(sameRound == null ? 20 : 0);
    }
    List<StateDigest> d = sameRound != null ? sameRound : last;
    StringBuilder rounds = new StringBuilder();
    for (StateDigest x : d) {
      rounds.append(rounds.length() == 0 ? "" : "/").append(x == null ? "?" : Long.toString(x.executedRound()));
    }
    if (sameRound != null) {
      return new Verification(bankOk, "identical state on all " + N + " replicas: digest "
          + sameRound.get(0).sha256().substring(0, 16) + "… at executed round " + sameRound.get(0).executedRound()
          + "; " + bankText);
    }
    if (stable) {
      return new Verification(bankOk, "identical state on all " + N + " replicas: digest "
          + d.get(0).sha256().substring(0, 16) + "…, unchanged across samples at executed rounds " + rounds
          + " (no sample caught all at the same round; no commands were running); " + bankText);
    }
    boolean answered = d.stream().allMatch(x -> x != null);
    StringBuilder b = new StringBuilder(answered ? "replicas DIFFER: " : "not every replica answered: ");
    for (int i = 0; i < d.size(); i++) {
      StateDigest x = d.get(i);
      b.append("replica ").append(i).append(x == null ? " no answer" : " " + x.sha256().substring(0, 16)
          + "… at round " + x.executedRound()).append("; ");
    }
    return new Verification(false, b + bankText);
  }

  private static String active(ReplicaStatus s) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < 32; i++) {
      if (s.view().isActive(i)) {
        b.append(b.length() == 1 ? "" : ",").append(i);
      }
    }
    return b.append('}').toString();
  }

  private static String states(List<ReplicaStatus> s) {
    StringBuilder b = new StringBuilder();
    for (ReplicaStatus x : s) {
      b.append(x == null ? '-' : x.view().state().name().charAt(0));
    }
    return b.toString();
  }
}
