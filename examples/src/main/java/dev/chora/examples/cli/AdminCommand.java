package dev.chora.examples.cli;

import dev.chora.actors.GroupStatus;
import dev.chora.actors.ReplicaStatus;
import dev.chora.examples.node.ClusterClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chora admin}: looking at a running group from a client node. */
@Command(name = "admin", mixinStandardHelpOptions = true,
    description = "Looks at a running group from a client-node file.",
    subcommands = {AdminCommand.Status.class})
public final class AdminCommand implements Runnable {
  /** The exit code of {@code status} when some replica did not answer. */
  public static final int INCOMPLETE = 3;

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: status");
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = {"The group's view and active set, and each replica's state, view, round, commit index,"
          + " executed round and lag (rounds executed fewer than the furthest replica). Replicas that do not answer"
          + " within --timeout are listed as such.",
          "Exit codes: 0 every replica answered, 3 some did not, 1 the cluster could not be joined, 2 bad input."})
  static final class Status implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--json", description = "one JSON object instead of the table")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      cluster.validate();
      GroupStatus status;
      try (ClusterClient client = ClusterClient.connect(cluster.cluster, cluster.timeout)) {
        status = client.chora().groupStatus(cluster.timeout).toCompletableFuture()
            .get(cluster.timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.print(json ? json(status) : table(status));
      out.flush();
      return status.complete() ? 0 : INCOMPLETE;
    }
  }

  static String table(GroupStatus g) {
    StringBuilder b = new StringBuilder();
    Optional<ReplicaStatus.View> view = g.view();
    b.append(view.map(v -> "view " + v.number() + " " + v.state() + ", active set " + activeSet(v, g.replicas().size()))
        .orElse("no replica answered"));
    b.append(String.format(Locale.ROOT, "; %d of %d replicas answered within %d ms%n", g.answered().size(),
        g.replicas().size(), g.waited().toMillis()));
    String format = "%-8s %-32s %-12s %6s %-7s %12s %12s %12s %8s %-9s%n";
    b.append(String.format(Locale.ROOT, format, "replica", "address", "state", "view", "active", "round", "committed",
        "executed", "lag", "storage"));
    for (int i = 0; i < g.replicas().size(); i++) {
      Optional<ReplicaStatus> s = g.replica(i);
      if (s.isEmpty()) {
        b.append(String.format(Locale.ROOT, format, i, g.replicas().get(i), "NO ANSWER", "-", "-", "-", "-", "-", "-",
            "-"));
        continue;
      }
      ReplicaStatus r = s.get();
      b.append(String.format(Locale.ROOT, format, i, g.replicas().get(i),
          r.view().state() + (r.warmingUp() ? "*" : ""), r.view().number(), r.view().isActive(i) ? "yes" : "no",
          r.progress().currentRound(), r.progress().commitIndex(), r.progress().executedRound(),
          g.lag(i).orElseThrow(), r.storage().mode() + (r.storage().failed() ? "!" : "")));
    }
    for (int i = 0; i < g.replicas().size(); i++) {
      Optional<ReplicaStatus> s = g.replica(i);
      if (s.isPresent() && s.get().storage().failed()) {
        b.append("! replica ").append(i).append(": ").append(s.get().storage().failure()).append('\n');
      }
    }
    if (g.answered().values().stream().anyMatch(ReplicaStatus::warmingUp)) {
      b.append("* warming up: within protocol.warm-up of its start, with longer suspicion thresholds\n");
    }
    return b.toString();
  }

  private static List<Integer> activeSet(ReplicaStatus.View v, int n) {
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (v.isActive(i)) {
        ids.add(i);
      }
    }
    return ids;
  }

  static String json(GroupStatus g) {
    StringBuilder b = new StringBuilder("{");
    Optional<ReplicaStatus.View> view = g.view();
    if (view.isPresent()) {
      b.append("\"view\":").append(view.get().number()).append(",\"state\":\"").append(view.get().state())
          .append("\",\"activeSet\":").append(activeSet(view.get(), g.replicas().size())).append(',');
    }
    b.append("\"answered\":").append(g.answered().size()).append(",\"replicas\":[");
    for (int i = 0; i < g.replicas().size(); i++) {
      b.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"address\":\"")
          .append(g.replicas().get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      Optional<ReplicaStatus> s = g.replica(i);
      b.append(",\"answered\":").append(s.isPresent());
      if (s.isPresent()) {
        ReplicaStatus r = s.get();
        b.append(",\"state\":\"").append(r.view().state()).append("\",\"view\":").append(r.view().number())
            .append(",\"active\":").append(r.view().isActive(i))
            .append(",\"round\":").append(r.progress().currentRound())
            .append(",\"commitIndex\":").append(r.progress().commitIndex())
            .append(",\"executedRound\":").append(r.progress().executedRound())
            .append(",\"lag\":").append(g.lag(i).orElseThrow())
            .append(",\"queuedRequests\":").append(r.requests().queued())
            .append(",\"warmingUp\":").append(r.warmingUp())
            .append(",\"storage\":\"").append(r.storage().mode()).append('"')
            .append(",\"persistedEntries\":").append(r.storage().persistedSeq())
            .append(",\"syncs\":").append(r.storage().syncs())
            .append(",\"storageFailure\":\"").append(r.storage().failure().replace("\\", "\\\\")
                .replace("\"", "\\\"")).append('"');
      }
      b.append('}');
    }
    b.append("],\"unanswered\":").append(g.unanswered()).append("}\n");
    return b.toString();
  }
}
