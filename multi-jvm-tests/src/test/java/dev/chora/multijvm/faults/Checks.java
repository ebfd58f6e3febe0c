package dev.chora.multijvm.faults;

import dev.chora.actors.StateDigest;
import dev.chora.examples.bank.BankCommand;
import dev.chora.examples.bank.BankReply;
import dev.chora.examples.kv.KvCommand;
import dev.chora.examples.kv.KvReply;
import dev.chora.multijvm.ChoraCluster;
import dev.chora.runtime.sim.check.CheckResult;
import dev.chora.runtime.sim.check.LinearizabilityChecker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What must hold after every fault, once it is healed and the load has stopped: the live replicas
 * are NORMAL and active in one view and converge to one state digest; no acknowledged write is
 * lost; the history is linearizable (the project's checker); the bank's total is unchanged.
 */
final class Checks {
  private Checks() {}

  /** The figures of one checked run. */
  record Verdict(int ops, int ok, int failed, int unknown, Map<Integer, StateDigest> digests, String linearizability) {}

  static Verdict verify(ChoraCluster cluster, Workload load, String what) throws Exception {
    String context = what + " (history " + load.historyFile() + ")\n" + cluster.logReport();
    cluster.awaitAllActive(Duration.ofSeconds(60));
    Map<Integer, StateDigest> digests = cluster.awaitConverged(Duration.ofSeconds(30));

    // Final reads, recorded in the history: linearizability then also covers what is left.
    Map<String, Long> finalValues = new HashMap<>();
    for (String key : load.keyNames()) {
      long invoked = System.nanoTime();
      KvReply r = load.kvEntity(key).ask(new KvCommand.Get(key), Duration.ofSeconds(20)).toCompletableFuture()
          .get(25, TimeUnit.SECONDS);
      Long v = r.ok() ? Long.valueOf(r.value()) : null;
      load.history().add(new History.Op(9_999, "get", key, null, null, invoked, System.nanoTime(), "ok", v),
          String.valueOf(r));
      finalValues.put(key, v);
    }

    List<History.Op> ops = load.history().ops();
    List<String> lost = lostWrites(ops, finalValues);
    if (!lost.isEmpty()) {
      throw new AssertionError(what + ": acknowledged writes lost: " + lost + "\n" + context);
    }

    CheckResult lin = LinearizabilityChecker.check(load.history().kvOps());
    if (!lin.isLinearizable()) {
      throw new AssertionError(what + ": the history is not linearizable: " + lin.verdict() + " " + lin.explanation()
          + "\n" + context);
    }

    BankReply total = load.bank().ask(new BankCommand.GetTotal(), Duration.ofSeconds(20)).toCompletableFuture()
        .get(25, TimeUnit.SECONDS);
    long sum = 0;
    for (int i = 0; i < Integer.MAX_VALUE; i++) {
      BankReply b = load.bank().ask(new BankCommand.GetBalance(load.account(i)), Duration.ofSeconds(20))
          .toCompletableFuture().get(25, TimeUnit.SECONDS);
      if (!b.ok()) {
        break;
      }
      sum += b.value();
    }
    if (total.value() != load.expectedBankTotal() || sum != load.expectedBankTotal()) {
      throw new AssertionError(what + ": the bank's total changed: expected " + load.expectedBankTotal()
          + ", total " + total.value() + ", sum of balances " + sum + "\n" + context);
    }
    // The reads above changed no state, but they did run through the log: check agreement once more.
    digests = cluster.awaitConverged(Duration.ofSeconds(30));

    int ok = 0;
    int failed = 0;
    int unknown = 0;
    for (History.Op o : ops) {
      switch (o.type()) {
        case "ok" -> ok++;
        case "fail" -> failed++;
        default -> unknown++;
      }
    }
    return new Verdict(ops.size(), ok, failed, unknown, digests, lin.explanation());
  }

  /**
   * Every acknowledged write must be visible at the end or superseded: the final value of a key was
   * written by an operation that was not over before the acknowledged one began (else that one
   * should have overwritten it). Writes carry unique values, so the final value names its writer.
   */
  static List<String> lostWrites(List<History.Op> ops, Map<String, Long> finalValues) {
    Map<Long, History.Op> writers = new HashMap<>();
    for (History.Op o : ops) {
      if (("put".equals(o.f()) || "cas".equals(o.f())) && !"fail".equals(o.type())) {
        writers.put(o.value(), o);
      }
    }
    List<String> lost = new ArrayList<>();
    for (History.Op a : ops) {
      boolean ackedWrite = a.ok() && ("put".equals(a.f()) || ("cas".equals(a.f()) && a.result() == 1L));
      if (!ackedWrite) {
        continue;
      }
      Long v = finalValues.get(a.key());
      History.Op w = v == null ? null : writers.get(v);
      if (v == null) {
        lost.add(a + " (the key is absent at the end)");
      } else if (w == null) {
        lost.add(a + " (the final value " + v + " was never written)");
      } else if (w != a && w.ok() && w.completeNs() < a.invokeNs()) {
        lost.add(a + " (the final value " + v + " is from " + w + ", which completed before it began)");
      }
    }
    return lost;
  }
}
