package dev.chora.examples.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One measured level of a closed-loop benchmark.
 *
 * @param inFlight   commands kept in flight at once
 * @param seconds    how long the level was measured
 * @param ops        commands completed with a reply in that time
 * @param failures   commands refused (by the node or the entity)
 * @param timeouts   commands with no reply in time (outcome unknown)
 * @param roundRate  rounds per second entered by the replicas (mean over those reporting)
 * @param commitP50Ms the replicas' median time from proposing a round to its commit, at the level's
 *                   end (mean over those reporting): what of {@code p50Ms} the group itself takes,
 *                   the rest being the client's hops, the wait for the next round and execution
 * @param violations synchrony violations counted by the replicas during the level (summed)
 * @param viewChanges view changes the replicas started during the level (summed): a healthy group
 *                   under steady load starts none
 * @param cpuPercent per process (in start order), CPU time over the level as % of one core; empty
 *                   until the orchestrator fills it
 * @param disk       durable mode's storage figures over the level ({@link Disk#NONE} in memory mode)
 * @param path       where a request's time went, in means over the level ({@link RequestPath#NONE}
 *                   when the replicas did not report it)
 */
public record LevelResult(int inFlight, double seconds, long ops, long failures, long timeouts, double p50Ms,
    double p99Ms, double maxMs, double roundRate, double commitP50Ms, long violations, long viewChanges,
    Map<String, Double> cpuPercent, Disk disk, RequestPath path) {

  /**
   * A request's path in means over the level: additive, unlike percentiles, so the parts sum to
   * the client's mean.
   *
   * @param clientMs      the client's mean latency, send to reply
   * @param waitMs        at the replica that admitted it: from its arrival to the round that
   *                      proposed it (mean over the replicas' requests of the level)
   * @param replicationMs from that proposal to its execution there: the round's messages, the
   *                      acknowledgements and the commit
   */
  public record RequestPath(double clientMs, double waitMs, double replicationMs) {
    public static final RequestPath NONE = new RequestPath(0, 0, 0);

    /** The rest: the client's hops to and from the replica, hand-offs inside it, execution and reply. */
    public double elsewhereMs() {
      return clientMs - waitMs - replicationMs;
    }
  }

  public LevelResult(int inFlight, double seconds, long ops, long failures, long timeouts, double p50Ms,
      double p99Ms, double maxMs, double roundRate, double commitP50Ms, long violations, long viewChanges,
      Map<String, Double> cpuPercent, Disk disk) {
    this(inFlight, seconds, ops, failures, timeouts, p50Ms, p99Ms, maxMs, roundRate, commitP50Ms, violations,
        viewChanges, cpuPercent, disk, RequestPath.NONE);
  }

  /**
   * What the replicas' disks did during a level (durable mode).
   *
   * @param syncsPerSecond each replica's syncs per second (mean over the replicas)
   * @param bytesPerOp     bytes the replicas wrote to their logs per completed command (summed over them)
   * @param syncP99Ms      the slowest replica's p99 sync time over its last 1,024 syncs, at the level's end
   */
  public record Disk(double syncsPerSecond, double bytesPerOp, double syncP99Ms) {
    public static final Disk NONE = new Disk(0, 0, 0);
  }

  /** A level without storage figures (memory mode). */
  public LevelResult(int inFlight, double seconds, long ops, long failures, long timeouts, double p50Ms, double p99Ms,
      double maxMs, double roundRate, double commitP50Ms, long violations, long viewChanges,
      Map<String, Double> cpuPercent) {
    this(inFlight, seconds, ops, failures, timeouts, p50Ms, p99Ms, maxMs, roundRate, commitP50Ms, violations,
        viewChanges, cpuPercent, Disk.NONE);
  }

  public double opsPerSecond() {
    return seconds <= 0 ? 0 : ops / seconds;
  }

  public LevelResult withCpu(Map<String, Double> cpu) {
    return new LevelResult(inFlight, seconds, ops, failures, timeouts, p50Ms, p99Ms, maxMs, roundRate, commitP50Ms,
        violations, viewChanges, new LinkedHashMap<>(cpu), disk, path);
  }

  /** One line, {@code key=value} pairs, as the load generator reports a level to the command line. */
  public String encode() {
    return String.format(Locale.ROOT,
        "in_flight=%d seconds=%.3f ops=%d failures=%d timeouts=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f"
            + " round_rate=%.1f commit_p50_ms=%.3f violations=%d view_changes=%d sync_rate=%.1f bytes_per_op=%.1f"
            + " sync_p99_ms=%.3f mean_ms=%.4f wait_ms=%.4f replication_ms=%.4f",
        inFlight, seconds, ops, failures, timeouts, p50Ms, p99Ms, maxMs, roundRate, commitP50Ms, violations,
        viewChanges, disk.syncsPerSecond(), disk.bytesPerOp(), disk.syncP99Ms(), path.clientMs(), path.waitMs(),
        path.replicationMs());
  }

  /** Parses {@link #encode()}'s output (CPU is filled later). */
  public static LevelResult decode(String line) {
    Map<String, String> f = new LinkedHashMap<>();
    for (String part : line.trim().split("\\s+")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        f.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    try {
      return new LevelResult(Integer.parseInt(f.get("in_flight")), Double.parseDouble(f.get("seconds")),
          Long.parseLong(f.get("ops")), Long.parseLong(f.get("failures")), Long.parseLong(f.get("timeouts")),
          Double.parseDouble(f.get("p50_ms")), Double.parseDouble(f.get("p99_ms")),
          Double.parseDouble(f.get("max_ms")), Double.parseDouble(f.get("round_rate")),
          Double.parseDouble(f.get("commit_p50_ms")), Long.parseLong(f.get("violations")),
          Long.parseLong(f.get("view_changes")), new LinkedHashMap<>(),
          new Disk(Double.parseDouble(f.getOrDefault("sync_rate", "0")),
              Double.parseDouble(f.getOrDefault("bytes_per_op", "0")),
              Double.parseDouble(f.getOrDefault("sync_p99_ms", "0"))),
          new RequestPath(Double.parseDouble(f.getOrDefault("mean_ms", "0")),
              Double.parseDouble(f.getOrDefault("wait_ms", "0")),
              Double.parseDouble(f.getOrDefault("replication_ms", "0"))));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a level result: \"" + line + "\"", e);
    }
  }
}
