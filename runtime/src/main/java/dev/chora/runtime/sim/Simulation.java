package dev.chora.runtime.sim;

import dev.chora.runtime.core.CoreMutation;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.ReadRequest;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.sim.SimEvent.Kind;
import dev.chora.runtime.sim.SimulationViolation.Invariant;
import dev.chora.runtime.sim.check.CheckResult;
import dev.chora.runtime.sim.check.KvOp;
import dev.chora.runtime.sim.check.KvOpType;
import dev.chora.runtime.sim.check.LinearizabilityChecker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Drives N replica cores and a set of retrying clients over a simulated network, in simulated time,
 * from one seed: the same seed gives the same run, event for event (compare {@link SimResult#digest}).
 *
 * <p>A run has two phases. In the faulty phase the network drops, duplicates, reorders and delays
 * messages, some beyond the round timeout (synchrony violations), and individual links degrade for
 * a while. Once some replica reaches the run's fault-round count the network heals, clients stop
 * starting operations, and every outstanding one must complete within a bounded number of rounds.
 * Agreement, validity and exactly-once are checked after every step; the clients' history is
 * checked for linearizability at the end.
 */
public final class Simulation {
  private static final int CHECK_RETAINED_EVERY = 256;
  private static final int MAX_TICKS_AT_ONE_INSTANT = 1_000;

  private final SimParameters p;
  private final int n;
  private final SplittableRandom rng;
  private final PriorityQueue<SimEvent> queue = new PriorityQueue<>();
  private final SimReplica[] replicas;
  private final SimClient[] clients;
  private final SafetyChecker safety;
  private final List<KvOp> history = new ArrayList<>();
  private final List<Map<Integer, Long>> seenValues = new ArrayList<>();
  private final double[][] linkDrop;
  private final long[][] linkDelay;

  private long now;
  private long order;
  private long events;
  private long digest = 0x2545F4914F6CDD1DL;
  private long maxRound;
  private boolean healed;
  private long healedAtNanos;
  private long healedAtRound;
  private long recoveryRounds = -1;
  private long messagesDropped;
  private long peakRetainedSlots;
  private long lastTickInstant = -1;
  private int ticksAtInstant;
  private SimulationViolation violation;

  private Simulation(SimParameters p, CoreMutation mutation) {
    this.p = p;
    this.n = p.replicas();
    this.rng = new SplittableRandom(p.seed());
    this.safety = new SafetyChecker(n);
    this.linkDrop = new double[n][n];
    this.linkDelay = new long[n][n];
    this.replicas = new SimReplica[n];
    for (int i = 0; i < n; i++) {
      replicas[i] = new SimReplica(this, p, i, mutation);
    }
    this.clients = new SimClient[p.clients()];
    for (int c = 0; c < clients.length; c++) {
      clients[c] = new SimClient(c, p.opsPerClient());
      seenValues.add(new HashMap<>());
    }
  }

  /** Runs the real core. */
  public static SimResult run(SimParameters parameters) {
    return run(parameters, CoreMutation.NONE);
  }

  /** Runs a core with a deliberate bug, to show that the checkers find it. */
  public static SimResult run(SimParameters parameters, CoreMutation mutation) {
    return new Simulation(parameters, mutation).execute();
  }

  private SimResult execute() {
    for (SimReplica r : replicas) {
      reschedule(r);
    }
    for (SimClient c : clients) {
      schedule(think(), Kind.CLIENT_NEXT, c.index, 0, 0, null);
    }
    for (int i = 0; i < p.linkFaults(); i++) {
      int from = rng.nextInt(n);
      int to = (from + 1 + rng.nextInt(n - 1)) % n;
      long start = rng.nextLong(p.faultRounds() * 400_000L);
      long length = SimParameters.ROUND_TIMEOUT_NANOS * (5 + rng.nextInt(200));
      schedule(start, Kind.LINK_FAULT, to, from, 0, null);
      schedule(start + length, Kind.LINK_HEAL, to, from, 0, null);
    }
    long stallLimit = p.faultRounds() * (p.config().idleRoundIntervalNanos() + 4 * SimParameters.ROUND_TIMEOUT_NANOS);
    while (violation == null) {
      SimEvent e = queue.poll();
      now = e.time;
      events++;
      digest = (digest ^ (e.time * 31 + e.kind.ordinal() * 7L + e.target * 131L + e.source)) * 0x100000001B3L;
      dispatch(e);
      if (violation != null) {
        break;
      }
      if ((events & (CHECK_RETAINED_EVERY - 1)) == 0) {
        for (SimReplica r : replicas) {
          peakRetainedSlots = Math.max(peakRetainedSlots, r.core.retainedSlots());
        }
      }
      if (!healed) {
        if (maxRound >= p.faultRounds()) {
          heal();
        } else if (now > stallLimit) {
          fail(Invariant.LIVENESS, "rounds stalled during the faulty phase: highest round " + maxRound
              + " after " + now + "ns; " + replicaStates());
        }
      } else if (finished()) {
        recoveryRounds = maxRound - healedAtRound;
        break;
      } else if (maxRound - healedAtRound > p.livenessRounds()
          || now - healedAtNanos > p.livenessRounds() * (p.config().idleRoundIntervalNanos() + p.clientTimeoutNanos())) {
        fail(Invariant.LIVENESS, "not everything completed within " + p.livenessRounds()
            + " rounds after faults stopped: " + outstandingClients() + "; " + replicaStates());
      }
    }
    if (violation == null) {
      checkLinearizability();
    }
    long violations = 0;
    long recovered = 0;
    long applied = 0;
    for (SimReplica r : replicas) {
      violations += r.core.stats().violations();
      recovered += r.core.stats().slotsRecovered();
      applied += r.executor.appliedRequests();
    }
    return new SimResult(p.seed(), n, maxRound, events, digest, history.size(), applied, violations, recovered,
        messagesDropped, recoveryRounds, peakRetainedSlots, violation);
  }

  // ---------------------------------------------------------------- events

  private void dispatch(SimEvent e) {
    switch (e.kind) {
      case PEER_MESSAGE -> {
        SimReplica r = replicas[e.target];
        r.core.receive(now, (PeerMessage) e.payload);
        reschedule(r);
      }
      case CLIENT_REQUEST -> {
        SimReplica r = replicas[e.target];
        r.core.submit(now, (Request) e.payload);
        reschedule(r);
      }
      case CLIENT_READ -> {
        SimReplica r = replicas[e.target];
        r.core.read(now, (ReadRequest) e.payload);
        reschedule(r);
      }
      case TICK -> {
        SimReplica r = replicas[e.target];
        if (e.time != r.scheduledTick) {
          return; // superseded by an earlier tick
        }
        r.scheduledTick = Long.MAX_VALUE;
        if (!guardTickLoop(r)) {
          return;
        }
        r.core.tick(now);
        reschedule(r);
      }
      case REPLY -> onReply(clients[e.target], (ClientReply) e.payload);
      case CLIENT_NEXT -> startOperation(clients[e.target]);
      case CLIENT_TIMEOUT -> {
        SimClient c = clients[e.target];
        if (c.outstanding && c.seq == e.tag && c.attempt == e.source) {
          c.attempt++;
          c.replica = (c.replica + 1 + rng.nextInt(n - 1)) % n;
          sendOperation(c);
        }
      }
      case LINK_FAULT -> {
        if (!healed) {
          linkDrop[e.source][e.target] = rng.nextDouble() * 0.9;
          linkDelay[e.source][e.target] = rng.nextLong(3 * SimParameters.ROUND_TIMEOUT_NANOS);
        }
      }
      case LINK_HEAL -> {
        linkDrop[e.source][e.target] = 0;
        linkDelay[e.source][e.target] = 0;
      }
    }
  }

  /** A core that keeps asking to be ticked at the same instant is stuck in a loop: a bug. */
  private boolean guardTickLoop(SimReplica r) {
    if (now == lastTickInstant) {
      if (++ticksAtInstant > MAX_TICKS_AT_ONE_INSTANT) {
        fail(Invariant.LIVENESS, "replica " + r.id + " asked for more than " + MAX_TICKS_AT_ONE_INSTANT
            + " ticks at one instant without making progress");
        return false;
      }
    } else {
      lastTickInstant = now;
      ticksAtInstant = 0;
    }
    return true;
  }

  private void schedule(long time, Kind kind, int target, int source, long tag, Object payload) {
    queue.add(new SimEvent(time, order++, kind, target, source, tag, payload));
  }

  private void reschedule(SimReplica r) {
    long deadline = Math.max(now, r.core.nextDeadlineNanos());
    if (deadline < r.scheduledTick) {
      r.scheduledTick = deadline;
      schedule(deadline, Kind.TICK, r.id, r.id, 0, null);
    }
  }

  private void heal() {
    healed = true;
    healedAtNanos = now;
    healedAtRound = maxRound;
    for (int i = 0; i < n; i++) {
      java.util.Arrays.fill(linkDrop[i], 0);
      java.util.Arrays.fill(linkDelay[i], 0);
    }
    // Every idle client's last operation starts now, so recovery is always measured under load.
    for (SimClient c : clients) {
      if (!c.outstanding && c.opsLeft > 0) {
        beginOperation(c);
      }
    }
  }

  /** Every operation completed and every replica has executed every applied request. */
  private boolean finished() {
    for (SimClient c : clients) {
      if (c.outstanding) {
        return false;
      }
    }
    long needed = safety.highestAppliedRound();
    for (SimReplica r : replicas) {
      if (r.core.executedRound() < needed) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- network

  /** A message between two endpoints; {@code from} or {@code to} is -1 for a client. */
  private long delay(int from, int to) {
    long d = p.minDelayNanos() + rng.nextLong(p.maxDelayNanos() - p.minDelayNanos() + 1);
    if (!healed) {
      if (rng.nextDouble() < p.lateRate()) {
        d = SimParameters.ROUND_TIMEOUT_NANOS + rng.nextLong(p.lateDelayMaxNanos());
      }
      if (from >= 0 && to >= 0) {
        d += linkDelay[from][to];
      }
    }
    return d;
  }

  private boolean lost(int from, int to) {
    if (healed) {
      return false;
    }
    double drop = p.dropRate() + (from >= 0 && to >= 0 ? linkDrop[from][to] : 0);
    if (rng.nextDouble() < drop) {
      messagesDropped++;
      return true;
    }
    return false;
  }

  private void deliver(int from, int to, Kind kind, int target, int source, long tag, Object payload) {
    if (lost(from, to)) {
      return;
    }
    schedule(now + delay(from, to), kind, target, source, tag, payload);
    if (!healed && rng.nextDouble() < p.duplicateRate()) {
      schedule(now + delay(from, to), kind, target, source, tag, payload);
    }
  }

  void sendPeer(int from, int to, PeerMessage message) {
    deliver(from, to, Kind.PEER_MESSAGE, to, from, 0, message);
  }

  void sendReply(int from, ClientReply reply) {
    int client = (int) (reply.clientId() - 1);
    deliver(from, -1, Kind.REPLY, client, from, 0, reply);
  }

  // ---------------------------------------------------------------- checkers

  void roundEntered(long round) {
    maxRound = Math.max(maxRound, round);
  }

  void checkExecuted(int replica, long round, int proposer, Batch batch) {
    String problem = safety.executed(replica, round, proposer, batch);
    if (problem != null) {
      fail(Invariant.AGREEMENT, problem);
    }
  }

  void checkApplied(int replica, long round, Request request) {
    String problem = safety.applied(replica, round, request);
    if (problem != null) {
      fail(problem.contains("second time") ? Invariant.EXACTLY_ONCE : Invariant.VALIDITY, problem);
    }
  }

  private void checkLinearizability() {
    for (SimClient c : clients) {
      if (c.outstanding && c.isWrite()) {
        history.add(new KvOp(c.index, c.command.type(), key(c.command), c.command.arg(), c.command.expected(),
            c.invokedAt, Long.MAX_VALUE, false, null));
      }
    }
    CheckResult result = LinearizabilityChecker.check(history);
    if (!result.isLinearizable()) {
      fail(Invariant.LINEARIZABILITY, result.verdict() + " on key " + result.key() + ": " + result.explanation());
    }
  }

  private void fail(Invariant invariant, String detail) {
    if (violation == null) {
      violation = new SimulationViolation(p.seed(), n, invariant, now, detail);
    }
  }

  private String replicaStates() {
    StringBuilder sb = new StringBuilder();
    for (SimReplica r : replicas) {
      sb.append(String.format("r%d{round=%d commit=%d executed=%d queued=%d reads=%d} ", r.id,
          r.core.currentRound(), r.core.commitIndex(), r.core.executedRound(), r.core.queuedRequests(),
          r.core.pendingReads()));
    }
    return sb.toString().trim();
  }

  private String outstandingClients() {
    StringBuilder sb = new StringBuilder("outstanding:");
    for (SimClient c : clients) {
      if (c.outstanding) {
        sb.append(" client ").append(c.clientId).append('#').append(c.seq).append(" (attempt ").append(c.attempt)
            .append(", replica ").append(c.replica).append(')');
      }
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- clients

  private long think() {
    return rng.nextLong(2 * p.meanThinkNanos() + 1);
  }

  private static String key(KvCommand command) {
    return "k" + command.key();
  }

  private void startOperation(SimClient c) {
    if (healed || c.opsLeft <= 1 || c.outstanding) {
      return; // the last operation is kept for the moment the faults stop
    }
    beginOperation(c);
  }

  private void beginOperation(SimClient c) {
    int key = rng.nextInt(p.keys());
    double roll = rng.nextDouble();
    long fresh = c.clientId * 1_000_000_000L + c.seq + 1;
    KvCommand command;
    boolean barrier = false;
    if (roll < p.barrierReadShare()) {
      command = new KvCommand(KvOpType.GET, key, 0, 0);
      barrier = true;
    } else if (roll < p.barrierReadShare() + p.logReadShare()) {
      command = new KvCommand(KvOpType.GET, key, 0, 0);
    } else if (roll < p.barrierReadShare() + p.logReadShare() + p.casShare()) {
      Long expected = seenValues.get(c.index).get(key);
      command = new KvCommand(KvOpType.CAS, key, fresh, expected == null ? 0 : expected);
    } else {
      command = new KvCommand(KvOpType.PUT, key, fresh, 0);
    }
    c.begin(command, barrier, now, rng.nextInt(n));
    sendOperation(c);
  }

  private void sendOperation(SimClient c) {
    byte[] bytes = c.command.encode();
    if (c.barrierRead) {
      deliver(-1, c.replica, Kind.CLIENT_READ, c.replica, -1, 0, new ReadRequest(c.clientId, c.seq, bytes));
    } else {
      Request request = new Request(c.clientId, c.seq, bytes);
      safety.submitted(request);
      deliver(-1, c.replica, Kind.CLIENT_REQUEST, c.replica, -1, 0, request);
    }
    schedule(now + p.clientTimeoutNanos(), Kind.CLIENT_TIMEOUT, c.index, c.attempt, c.seq, null);
  }

  private void onReply(SimClient c, ClientReply reply) {
    if (!c.outstanding || reply.seq() != c.seq) {
      return; // a late answer to an earlier attempt or operation
    }
    if (reply.status() != ClientReply.Status.OK) {
      return; // refused (overload): the client timeout retries elsewhere
    }
    KvCommand cmd = c.command;
    String key = key(cmd);
    KvOp op;
    switch (cmd.type()) {
      case PUT -> {
        op = KvOp.put(c.index, key, cmd.arg(), c.invokedAt, now);
        seenValues.get(c.index).put(cmd.key(), cmd.arg());
      }
      case CAS -> {
        long swapped = reply.result()[0];
        op = new KvOp(c.index, KvOpType.CAS, key, cmd.arg(), cmd.expected(), c.invokedAt, now, true, swapped);
        if (swapped == 1) {
          seenValues.get(c.index).put(cmd.key(), cmd.arg());
        }
      }
      default -> {
        Long value = KvCommand.decodeRead(reply.result());
        op = KvOp.get(c.index, key, value, c.invokedAt, now);
        if (value != null) {
          seenValues.get(c.index).put(cmd.key(), value);
        }
      }
    }
    history.add(op);
    c.outstanding = false;
    schedule(now + think(), Kind.CLIENT_NEXT, c.index, 0, 0, null);
  }
}
