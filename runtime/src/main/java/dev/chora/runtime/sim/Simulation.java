package dev.chora.runtime.sim;

import dev.chora.runtime.core.CoreMutation;
import dev.chora.runtime.core.DivergenceReport;
import dev.chora.runtime.core.ReplicaCore;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.ReadRequest;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundMessage;
import dev.chora.runtime.message.StateRequest;
import dev.chora.runtime.message.StateTransfer;
import dev.chora.runtime.sim.SimEvent.ClientNext;
import dev.chora.runtime.sim.SimEvent.ClientTimeout;
import dev.chora.runtime.sim.SimEvent.FaultEnd;
import dev.chora.runtime.sim.SimEvent.FaultStart;
import dev.chora.runtime.sim.SimEvent.Flap;
import dev.chora.runtime.sim.SimEvent.LinkFault;
import dev.chora.runtime.sim.SimEvent.LinkHeal;
import dev.chora.runtime.sim.SimEvent.PeerMessageArrives;
import dev.chora.runtime.sim.SimEvent.ReadArrives;
import dev.chora.runtime.sim.SimEvent.ReplyArrives;
import dev.chora.runtime.sim.SimEvent.RequestArrives;
import dev.chora.runtime.sim.SimEvent.SnapshotTaken;
import dev.chora.runtime.sim.SimEvent.SyncDone;
import dev.chora.runtime.storage.ReplicaStore;
import dev.chora.runtime.sim.SimEvent.Tick;
import dev.chora.runtime.sim.SimulationViolation.Invariant;
import dev.chora.runtime.sim.check.CheckResult;
import dev.chora.runtime.sim.check.KvOp;
import dev.chora.runtime.sim.check.KvOpType;
import dev.chora.runtime.sim.check.LinearizabilityChecker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToLongFunction;

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
  private final SimQueue<SimEvent> queue = new SimQueue<>();
  private final SimReplica[] replicas;
  private final SimClient[] clients;
  private final SafetyChecker safety;
  private final ProposerChecker proposers;
  /** The retained log may never exceed N slots per round of the log window, whatever the faults. */
  private final long retainedBound;
  /**
   * A replica caught up with the group keeps at most the rounds since its last snapshot plus
   * those in flight (peers run at most max-rounds-in-flight rounds beyond the commit index).
   */
  private final long caughtUpBound;
  /**
   * An active replica's log holds at most max-log-bytes, plus what arrives while it stands at the
   * bound: its own last batch and its peers' slots of the rounds they run ahead of it (at most
   * max-rounds-in-flight), and one transfer.
   */
  private final long activeBytesBound;
  private final List<KvOp> history = new ArrayList<>();
  /** Session id → the index of the client that opened it. */
  private final Map<Long, Integer> sessionOwners = new HashMap<>();
  /** Writes refused as of an expired session: unknown to their clients, settled at the end. */
  private final List<ExpiredWrite> expiredWrites = new ArrayList<>();

  private record ExpiredWrite(KvOp op, long sessionId, long seq) {}
  private final List<Map<Integer, Long>> seenValues = new ArrayList<>();
  private final double[][] linkDrop;
  private final long[][] linkDelay;
  /** Per replica: the delay of every message to it while a LAG episode lasts. */
  private final long[] inboundLag;
  private final boolean[][] blocked;
  private final CoreMutation mutation;
  private final SimTrace trace;
  /** The replica whose first incarnation's state machine is non-deterministic, or -1. */
  private final int nonDeterministicReplica;
  /** Replicas that stopped as diverged. */
  private int divergedMask;
  private final List<FaultEpisode> activeEpisodes = new ArrayList<>();
  private final long[] faultsByKind = new long[FaultEpisode.Kind.values().length];
  private int faultyMask;
  /** Restarted replicas that have not recovered yet (not NORMAL in a view): they count as faulty. */
  private int unrecoveredMask;

  private long now;
  private long events;
  private long digest = 0x2545F4914F6CDD1DL;
  private long maxRound;
  private boolean healed;
  private long healedAtNanos;
  private long healedAtRound;
  private long recoveryRounds = -1;
  private long messagesDropped;
  private long peakRetainedSlots;
  private long viewsInstalled;
  private long crashesInViewChange;
  private long crashesInStateTransfer;
  private long snapshotsInstalled;
  private long sessionsExpired;
  private long lastTickInstant = -1;
  private int ticksAtInstant;
  private SimulationViolation violation;
  /** Fault episodes a scenario test adds to the seed's draws (none in the campaign). */
  private final List<FaultEpisode> scripted;
  /** With scripted episodes: when each suspicion was raised, by any replica. */
  private final List<Long> suspicionTimes = new ArrayList<>();
  private long suspicionsSeen;
  /** Durable mode's disks and faults; null in memory mode. */
  private final SimDurability durability;

  private Simulation(SimParameters p, CoreMutation mutation, SimTrace trace, int nonDeterministicReplica) {
    this(p, mutation, trace, nonDeterministicReplica, List.of());
  }

  private Simulation(SimParameters p, CoreMutation mutation, SimTrace trace, int nonDeterministicReplica,
      List<FaultEpisode> scripted) {
    this.p = p;
    this.nonDeterministicReplica = nonDeterministicReplica;
    this.scripted = List.copyOf(scripted);
    this.n = p.replicas();
    this.rng = new SplittableRandom(p.seed());
    this.safety = new SafetyChecker(n);
    this.proposers = new ProposerChecker(p.config().proposers());
    this.retainedBound = (long) n * Integer.highestOneBit(Math.max(2, p.config().logWindowRounds() - 1)) * 2;
    this.caughtUpBound = (long) n * (p.config().snapshotEveryRounds() + p.config().maxRoundsInFlight() + 2);
    long slack = (long) n * (p.config().maxRoundsInFlight() + 2) * p.config().maxBatchBytes()
        + p.config().maxTransferBytes();
    this.activeBytesBound = p.config().maxLogBytes() > Long.MAX_VALUE - slack ? Long.MAX_VALUE
        : p.config().maxLogBytes() + slack;
    this.linkDrop = new double[n][n];
    this.linkDelay = new long[n][n];
    this.inboundLag = new long[n];
    this.blocked = new boolean[n][n];
    this.mutation = mutation;
    this.trace = trace;
    this.replicas = new SimReplica[n];
    this.durability = p.config().durable() ? new SimDurability(p, mutation) : null;
    for (int i = 0; i < n; i++) {
      replicas[i] = durability == null ? new SimReplica(this, p, i, 0, false, 0, mutation)
          : durability.start(this, i, mutation);
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
    return run(parameters, mutation, SimTrace.NONE);
  }

  /** Runs a core (with a deliberate bug, or {@link CoreMutation#NONE}) and traces it. */
  public static SimResult run(SimParameters parameters, CoreMutation mutation, SimTrace trace) {
    return new Simulation(parameters, mutation, trace, -1).execute();
  }

  /**
   * Runs the real core with a non-deterministic state machine on replica {@code replica}'s first
   * incarnation (see {@link SimKvStore}): divergence detection must stop that replica, and only
   * it; it is then restored from a peer as an operator would (restarted, its state lost, to
   * recover by transfer) and runs a deterministic one. Which replicas stopped as diverged is in
   * {@link SimResult#divergedReplicas}.
   */
  public static SimResult runWithNonDeterministicReplica(SimParameters parameters, int replica, SimTrace trace) {
    return new Simulation(parameters, CoreMutation.NONE, trace, replica).execute();
  }

  /**
   * A scenario: the seed's run with {@code episodes} added (each begins at its start, as long as
   * at most f replicas are faulty then); {@link #suspicionTimes} says when replicas suspected.
   */
  static Simulation scripted(SimParameters parameters, List<FaultEpisode> episodes) {
    return new Simulation(parameters, CoreMutation.NONE, SimTrace.NONE, -1, episodes);
  }

  /** When a replica raised a suspicion, in simulated nanoseconds, in order (scripted runs only). */
  List<Long> suspicionTimes() {
    return List.copyOf(suspicionTimes);
  }

  SimResult execute() {
    for (SimReplica r : replicas) {
      reschedule(r);
    }
    for (SimClient c : clients) {
      queue.schedule(think(), new ClientNext(c.index));
    }
    for (int i = 0; i < p.linkFaults(); i++) {
      int from = rng.nextInt(n);
      int to = (from + 1 + rng.nextInt(n - 1)) % n;
      long start = rng.nextLong(p.faultRounds() * 400_000L);
      long length = SimParameters.ROUND_TIMEOUT_NANOS * (5 + rng.nextInt(200));
      queue.schedule(start, new LinkFault(from, to));
      queue.schedule(start + length, new LinkHeal(from, to));
    }
    FaultEpisode.Kind[] kinds = FaultEpisode.DRAWN;
    int f = p.config().faultTolerance();
    for (int i = 0; i < p.faultEpisodes(); i++) {
      FaultEpisode.Kind kind = kinds[rng.nextInt(kinds.length)];
      int size = kind == FaultEpisode.Kind.ISOLATE || kind == FaultEpisode.Kind.FLAP ? 1 + rng.nextInt(f) : 1;
      int mask = 0;
      while (Integer.bitCount(mask) < size) {
        mask |= 1 << rng.nextInt(n);
      }
      long start = rng.nextLong(p.faultRounds() * 400_000L);
      long length = SimParameters.ROUND_TIMEOUT_NANOS * (2 + rng.nextInt(300));
      queue.schedule(start, new FaultStart(new FaultEpisode(kind, mask, start, start + length)));
    }
    // Drawn from a stream of their own, so that a seed without them runs as it did before them.
    java.util.SplittableRandom lagDraws = new java.util.SplittableRandom(p.seed() * 0x94D049BB133111EBL + n);
    for (int i = 0; i < p.lagEpisodes(); i++) {
      long start = lagDraws.nextLong(p.faultRounds() * 400_000L);
      long length = SimParameters.ROUND_TIMEOUT_NANOS * (100 + lagDraws.nextInt(900));
      long lag = SimParameters.ROUND_TIMEOUT_NANOS * (5 + lagDraws.nextInt(96));
      queue.schedule(start,
          new FaultStart(new FaultEpisode(FaultEpisode.Kind.LAG, 1 << lagDraws.nextInt(n), start, start + length, lag)));
    }
    if (durability != null) {
      for (FaultEpisode episode : durability.draw()) {
        queue.schedule(episode.start(), new FaultStart(episode));
      }
    }
    for (FaultEpisode episode : scripted) {
      queue.schedule(episode.start(), new FaultStart(episode));
    }
    // A round may last its timeout, which adapts up to round-timeout-max while delays run long.
    long stallLimit = p.faultRounds() * (p.config().idleRoundIntervalNanos() + 4 * p.config().roundTimeoutMaxNanos());
    while (violation == null) {
      SimQueue.Scheduled<SimEvent> next = queue.poll();
      SimEvent e = next.item();
      now = next.time();
      events++;
      digest = (digest ^ (now * 31 + e.kind().ordinal() * 7L + e.target() * 131L + e.source())) * 0x100000001B3L;
      dispatch(e);
      if (violation != null) {
        break;
      }
      if (!scripted.isEmpty()) {
        noteSuspicions();
      }
      if ((events & (CHECK_RETAINED_EVERY - 1)) == 0) {
        long groupCommit = 0;
        for (SimReplica r : replicas) {
          groupCommit = Math.max(groupCommit, r.core.commitIndex());
        }
        for (SimReplica r : replicas) {
          long retained = r.core.retainedSlots();
          peakRetainedSlots = Math.max(peakRetainedSlots, retained);
          if (retained > retainedBound) {
            fail(Invariant.BOUNDED_LOG, "replica " + r.id + " retains " + retained + " slots, above the bound of "
                + retainedBound + " (N x log-window-rounds)");
          }
          boolean active = !r.crashed && r.core.status() == ReplicaCore.Status.NORMAL
              && (r.core.activeSet() & (1 << r.id)) != 0;
          if (active && r.core.retainedBytes() > activeBytesBound) {
            fail(Invariant.BOUNDED_LOG, "replica " + r.id + " is active and its log holds " + r.core.retainedBytes()
                + " bytes, above max-log-bytes plus (max-rounds-in-flight + 2) x N batches and one transfer = "
                + activeBytesBound + "; " + replicaStates());
          }
          boolean caughtUp = !r.crashed && r.pausedUntil <= now && r.core.status() == ReplicaCore.Status.NORMAL
              && r.core.executedRound() >= groupCommit && !r.core.snapshotPending();
          if (caughtUp && retained > caughtUpBound) {
            fail(Invariant.BOUNDED_LOG, "replica " + r.id + " is caught up but retains " + retained
                + " slots, above N x (snapshot-every-rounds + max-rounds-in-flight + 2) = " + caughtUpBound
                + ": the log is not truncated below its snapshots; " + r.core.describeRound(r.core.executedRound()) + "; " + replicaStates());
          }
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
      for (SimReplica r : replicas) {
        if (r.core.stats().inconsistentViewChanges() > 0) {
          fail(Invariant.AGREEMENT, "replica " + r.id + " received DoViewChange messages that contradict each other");
        }
      }
    }
    if (violation == null) {
      checkLinearizability();
    }
    return new SimResult(p.seed(), n, digest, runFigures(), faultFigures(), viewChangeFigures(), logFigures(),
        violation, divergedMask, diskFigures());
  }

  private void noteSuspicions() {
    long total = summed(r -> r.core.stats().suspicions());
    for (long k = suspicionsSeen; k < total; k++) {
      suspicionTimes.add(now);
    }
    suspicionsSeen = Math.max(suspicionsSeen, total);
  }

  private SimResult.RunFigures runFigures() {
    return new SimResult.RunFigures(maxRound, events, history.size(), summed(r -> r.executor.appliedRequests()),
        summed(r -> r.core.stats().slotsRecovered()), snapshotsInstalled, recoveryRounds,
        sessionsExpired, summed(r -> r.core.stats().checkpointsMatched()));
  }

  private SimResult.FaultFigures faultFigures() {
    return new SimResult.FaultFigures(summed(r -> r.core.stats().violations()), messagesDropped,
        faults(FaultEpisode.Kind.CRASH), crashesInViewChange, crashesInStateTransfer, faults(FaultEpisode.Kind.PAUSE),
        faults(FaultEpisode.Kind.ISOLATE), faults(FaultEpisode.Kind.MUTE) + faults(FaultEpisode.Kind.DEAFEN),
        faults(FaultEpisode.Kind.FLAP), faults(FaultEpisode.Kind.LAG));
  }

  private SimResult.ViewChangeFigures viewChangeFigures() {
    return new SimResult.ViewChangeFigures(viewsInstalled, summed(r -> r.core.stats().viewChangeMessagesInParts()),
        summed(r -> r.core.stats().outsiderViewChangesAnswered()), summed(r -> r.core.stats().viewsFallenBackTo()),
        summed(r -> r.core.stats().suspicionsWhileWarmingUp()));
  }

  private SimResult.DiskFigures diskFigures() {
    if (durability == null) {
      return SimResult.DiskFigures.ZERO;
    }
    SimDurability d = durability;
    return new SimResult.DiskFigures(d.outages, d.restartsFromDisk, d.bitFlips, d.corruptionsRefused, d.diskFulls,
        d.storageFailures);
  }

  private SimResult.LogFigures logFigures() {
    return new SimResult.LogFigures(peakRetainedSlots, summed(r -> r.core.stats().roundsHeldAtMaxLogBytes()),
        summed(r -> r.core.stats().slotsDroppedAtMaxLogBytes()));
  }

  private long faults(FaultEpisode.Kind kind) {
    return faultsByKind[kind.ordinal()];
  }

  /** A figure summed over the replicas' last incarnations. */
  private long summed(ToLongFunction<SimReplica> figure) {
    long sum = 0;
    for (SimReplica r : replicas) {
      sum += figure.applyAsLong(r);
    }
    return sum;
  }

  // ---------------------------------------------------------------- events

  /**
   * Whether an event for {@code replica} can be handled now: not if it has crashed; a paused
   * replica's events wait until the pause ends, except its ticks (it asks again when it resumes).
   */
  private boolean available(int replica, SimEvent e) {
    SimReplica r = replicas[replica];
    if (r.crashed) {
      return false;
    }
    if (r.pausedUntil > now) {
      if (!(e instanceof Tick)) {
        queue.schedule(r.pausedUntil, e);
      }
      return false;
    }
    return true;
  }

  private void dispatch(SimEvent e) {
    if (e instanceof PeerMessageArrives m) {
      if (available(m.message().to(), e)) {
        SimReplica r = replicas[m.message().to()];
        r.core.receive(now, m.message().message());
        reschedule(r);
      }
    } else if (e instanceof RequestArrives m) {
      if (trace.wants(now)) {
        traceRequest(m);
      }
      if (available(m.replica(), e)) {
        SimReplica r = replicas[m.replica()];
        r.submit(now, m.request());
        reschedule(r);
      }
    } else if (e instanceof ReadArrives m) {
      if (available(m.replica(), e)) {
        SimReplica r = replicas[m.replica()];
        r.read(now, m.read());
        reschedule(r);
      }
    } else if (e instanceof Tick m) {
      SimReplica r = replicas[m.replica()];
      if (m.incarnation() != r.incarnation || now != r.scheduledTick) {
        return; // superseded by an earlier tick, or meant for an earlier incarnation
      }
      r.scheduledTick = Long.MAX_VALUE;
      if (!available(m.replica(), e) || !guardTickLoop(r)) {
        return;
      }
      r.core.tick(now);
      reschedule(r);
    } else if (e instanceof SnapshotTaken m) {
      SimReplica r = replicas[m.replica()];
      if (m.incarnation() == r.incarnation && available(m.replica(), e)) {
        r.core.snapshotTaken(m.round(), m.snapshot(), m.digest());
        reschedule(r);
      }
    } else if (e instanceof SyncDone m) {
      SimReplica r = replicas[m.replica()];
      if (m.incarnation() == r.incarnation && available(m.replica(), e)) {
        r.syncDone(now);
        reschedule(r);
      }
    } else if (e instanceof FaultStart m) {
      startFault(m.episode());
    } else if (e instanceof FaultEnd m) {
      endFault(m.episode());
    } else if (e instanceof Flap m) {
      flap(m.episode());
    } else if (e instanceof ReplyArrives m) {
      if (trace.wants(now)) {
        traceReply(m);
      }
      onReply(clients[m.client()], m.reply());
    } else if (e instanceof ClientNext m) {
      startOperation(clients[m.client()]);
    } else if (e instanceof ClientTimeout m) {
      SimClient c = clients[m.client()];
      if (c.outstanding && c.seq == m.seq() && c.attempt == m.attempt()) {
        c.attempt++;
        c.replica = (c.replica + 1 + rng.nextInt(n - 1)) % n;
        sendOperation(c);
      }
    } else if (e instanceof LinkFault m) {
      if (!healed) {
        linkDrop[m.from()][m.to()] = rng.nextDouble() * 0.9;
        linkDelay[m.from()][m.to()] = rng.nextLong(3 * SimParameters.ROUND_TIMEOUT_NANOS);
      }
    } else if (e instanceof LinkHeal m) {
      linkDrop[m.from()][m.to()] = 0;
      linkDelay[m.from()][m.to()] = 0;
    }
  }

  private void traceRequest(RequestArrives m) {
    SimReplica r = replicas[m.replica()];
    trace.line("t=" + now + " request " + m.request() + " to r" + m.replica() + " crashed=" + r.crashed + " paused="
        + (r.pausedUntil > now) + " " + r.core.status() + " view=" + r.core.view() + " active=" + r.core.activeSet()
        + " queued=" + r.core.queuedRequests());
  }

  private void traceReply(ReplyArrives m) {
    ClientReply rep = m.reply();
    SimClient c = clients[m.client()];
    SimReplica src = replicas[m.replica()];
    trace.line("t=" + now + " reply from r" + m.replica() + " to c" + c.index + "#" + rep.seq() + " cur#" + c.seq
        + " " + (c.barrierRead ? "BARRIER " : "") + c.command + " " + rep.status() + " r" + m.replica() + " view="
        + src.core.view() + " " + src.core.status() + " exec=" + src.core.executedRound() + " round="
        + src.core.currentRound());
  }

  /** A core that keeps asking to be ticked at the same instant is stuck in a loop: a bug. */
  private boolean guardTickLoop(SimReplica r) {
    if (now == lastTickInstant) {
      if (++ticksAtInstant > MAX_TICKS_AT_ONE_INSTANT) {
        fail(Invariant.LIVENESS, "replica " + r.id + " asked for more than " + MAX_TICKS_AT_ONE_INSTANT
            + " ticks at one instant without making progress; deadline " + r.core.nextDeadlineNanos() + "; " + replicaStates());
        return false;
      }
    } else {
      lastTickInstant = now;
      ticksAtInstant = 0;
    }
    return true;
  }

  private void reschedule(SimReplica r) {
    if (r.crashed || r.pausedUntil > now) {
      return;
    }
    long deadline = Math.max(now, r.core.nextDeadlineNanos());
    if (deadline < r.scheduledTick) {
      r.scheduledTick = deadline;
      queue.schedule(deadline, new Tick(r.id, r.incarnation));
    }
  }

  // ---------------------------------------------------------------- faults

  private void startFault(FaultEpisode episode) {
    int f = p.config().faultTolerance();
    int faulty = faultyMask | unrecoveredMask;
    if (episode.kind() == FaultEpisode.Kind.OUTAGE) {
      if (healed || faulty != 0) {
        return; // more than f at once, but only from a group with no other fault
      }
      durability.outages++;
      for (SimReplica r : replicas) {
        durability.outageRound = Math.max(durability.outageRound, r.core.executedRound());
      }
    } else if (healed || (faulty & episode.replicas()) != 0 || Integer.bitCount(faulty | episode.replicas()) > f) {
      return; // at most f replicas faulty at once; a restarted replica counts until it has recovered
    }
    faultyMask |= episode.replicas();
    activeEpisodes.add(episode);
    faultsByKind[episode.kind().ordinal()]++;
    switch (episode.kind()) {
      case CRASH, OUTAGE -> forEach(episode.replicas(), i -> replicas[i].crashed = true);
      case DISK_FULL -> forEach(episode.replicas(), i -> durability.diskFull(i, true));
      case PAUSE -> forEach(episode.replicas(), i -> {
        replicas[i].pausedUntil = episode.end();
        replicas[i].scheduledTick = Long.MAX_VALUE;
      });
      case ISOLATE, FLAP -> block(episode.replicas(), true, true, true);
      case MUTE -> block(episode.replicas(), true, false, true);
      case DEAFEN -> block(episode.replicas(), false, true, true);
      case LAG -> forEach(episode.replicas(), i -> inboundLag[i] = episode.lagNanos());
    }
    if (episode.kind() == FaultEpisode.Kind.FLAP) {
      queue.schedule(now + SimParameters.ROUND_TIMEOUT_NANOS * (1 + rng.nextInt(10)), new Flap(episode));
    }
    queue.schedule(Math.max(now, episode.end()), new FaultEnd(episode));
  }

  private void flap(FaultEpisode episode) {
    if (!activeEpisodes.contains(episode)) {
      return;
    }
    int any = episode.replicas();
    int from = Integer.numberOfTrailingZeros(any);
    int other = (from + 1) % n;
    boolean nowBlocked = !blocked[from][other];
    block(episode.replicas(), true, true, nowBlocked);
    queue.schedule(now + SimParameters.ROUND_TIMEOUT_NANOS * (1 + rng.nextInt(10)), new Flap(episode));
  }

  private void endFault(FaultEpisode episode) {
    if (!activeEpisodes.remove(episode)) {
      return;
    }
    faultyMask &= ~episode.replicas();
    switch (episode.kind()) {
      case CRASH, OUTAGE -> forEach(episode.replicas(), this::restart);
      case DISK_FULL -> forEach(episode.replicas(), i -> {
        durability.diskFull(i, false);
        if (replicas[i].storageFailure != null && !replicas[i].crashed) {
          replicas[i].crashed = true; // space freed, the operator restarts the replica
          restart(i);
        }
      });
      case PAUSE -> forEach(episode.replicas(), i -> {
        replicas[i].pausedUntil = -1;
        reschedule(replicas[i]);
      });
      case ISOLATE, FLAP -> block(episode.replicas(), true, true, false);
      case MUTE -> block(episode.replicas(), true, false, false);
      case DEAFEN -> block(episode.replicas(), false, true, false);
      case LAG -> forEach(episode.replicas(), i -> inboundLag[i] = 0);
    }
  }

  /**
   * Crashes a replica right away (a fault in the middle of a view change or a state transfer), if
   * that keeps at most f replicas faulty.
   */
  private void crashNow(int replica, boolean inViewChange) {
    int faulty = faultyMask | unrecoveredMask;
    if ((faulty & (1 << replica)) != 0 || Integer.bitCount(faulty | (1 << replica)) > p.config().faultTolerance()) {
      return;
    }
    if (inViewChange) {
      crashesInViewChange++;
    } else {
      crashesInStateTransfer++;
    }
    long end = now + SimParameters.ROUND_TIMEOUT_NANOS * (2 + rng.nextInt(100));
    queue.schedule(now, new FaultStart(new FaultEpisode(FaultEpisode.Kind.CRASH, 1 << replica, now, end)));
  }

  private void restart(int i) {
    SimReplica old = replicas[i];
    safety.restarted(i); // first: a restart from disk installs its snapshot as it is built
    if (durability != null) {
      old.abandonStorage();
      // A disk may be lost (wiped, recovered from peers) only while every other replica has its own.
      boolean othersWhole = ((faultyMask | unrecoveredMask) & ~(1 << i)) == 0;
      try {
        replicas[i] = durability.restart(this, i, old.incarnation + 1, rng.nextLong(), mutation, othersWhole);
      } catch (RuntimeException e) {
        // What the store handed over made no sense to the core: data from disk that was trusted but wrong.
        fail(Invariant.DURABILITY, "replica " + i + " could not restart from its disk: " + e);
        return;
      }
    } else {
      replicas[i] = new SimReplica(this, p, i, old.incarnation + 1, true, rng.nextLong(), mutation);
    }
    unrecoveredMask |= 1 << i;
    reschedule(replicas[i]);
  }

  private void block(int mask, boolean outgoing, boolean incoming, boolean value) {
    for (int a = 0; a < n; a++) {
      if ((mask & (1 << a)) == 0) {
        continue;
      }
      for (int b = 0; b < n; b++) {
        if ((mask & (1 << b)) != 0) {
          continue;
        }
        if (outgoing) {
          blocked[a][b] = value;
        }
        if (incoming) {
          blocked[b][a] = value;
        }
      }
    }
  }

  private static void forEach(int mask, java.util.function.IntConsumer action) {
    for (int i = 0; i < 32; i++) {
      if ((mask & (1 << i)) != 0) {
        action.accept(i);
      }
    }
  }

  private void heal() {
    for (FaultEpisode episode : new ArrayList<>(activeEpisodes)) {
      endFault(episode);
    }
    for (boolean[] row : blocked) {
      java.util.Arrays.fill(row, false);
    }
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
    long view = replicas[0].core.view();
    int everyone = (1 << n) - 1;
    for (SimReplica r : replicas) {
      if (r.core.executedRound() < needed || r.core.status() != ReplicaCore.Status.NORMAL || r.core.view() != view
          || r.core.activeSet() != everyone) {
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
      if (to >= 0) {
        d += inboundLag[to];
      }
    }
    return d;
  }

  private boolean lost(int from, int to) {
    if (from >= 0 && to >= 0 && blocked[from][to]) {
      messagesDropped++;
      return true;
    }
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

  /** Sends an arrival over the network from {@code from} to {@code to}: lost, delayed, or duplicated. */
  private void deliver(int from, int to, SimEvent arrival) {
    if (lost(from, to)) {
      return;
    }
    queue.schedule(now + delay(from, to), arrival);
    if (!healed && rng.nextDouble() < p.duplicateRate()) {
      queue.schedule(now + delay(from, to), arrival);
    }
  }

  void sendPeer(int from, int to, PeerMessage message) {
    if ((message instanceof StateRequest || message instanceof StateTransfer) && trace.wants(now)) {
      trace.line("t=" + now + " r" + from + " -> r" + to + " " + message);
    }
    if (message.payloadBytes() > p.config().maxTransferBytes()) {
      // Artery drops a message larger than its frame; every message must stay within one.
      fail(Invariant.BOUNDED_MESSAGE, "replica " + from + " sent " + message.getClass().getSimpleName() + " carrying "
          + message.payloadBytes() + " bytes, above max-transfer-bytes = " + p.config().maxTransferBytes());
    }
    deliver(from, to, new PeerMessageArrives(new InFlight(from, to, message)));
    if (!healed && (message instanceof StateTransfer)
        && rng.nextDouble() < p.crashOnStateTransfer()) {
      crashNow(rng.nextBoolean() ? from : to, false);
    }
  }

  /** A replica's store has entries to sync: the disk completes the sync its latency from now. */
  void syncDue(SimReplica r, ReplicaStore storage) {
    queue.schedule(now + durability.syncLatencyNanos(r.id), new SyncDone(r.id, r.incarnation));
  }

  /** A replica's disk refused a write or a sync: it acknowledges nothing more until restarted. */
  void storageFailed(SimReplica r, java.io.IOException e) {
    durability.storageFailures++;
    if (trace.wants(now)) {
      trace.line("t=" + now + " r" + r.id + " storage failed: " + e.getMessage());
    }
  }

  void snapshotTaken(SimReplica r, long round, byte[] snapshot, long snapshotDigest) {
    queue.schedule(now, new SnapshotTaken(r.id, r.incarnation, round, snapshot, snapshotDigest));
  }

  /** Whether this incarnation of a replica runs the non-deterministic state machine. */
  boolean nonDeterministic(int replica, int incarnation) {
    return replica == nonDeterministicReplica && incarnation == 0;
  }

  /** The simulated clock, which the non-deterministic state machine reads. */
  long now() {
    return now;
  }

  /**
   * A replica reported state digests that differ. In a deterministic run that is a false positive.
   * With a non-deterministic replica, only it may stop as diverged; it is then restored from a
   * peer: down for a while, then restarted with its state lost, as a crash is (at most f faulty).
   */
  void divergenceReported(SimReplica r, DivergenceReport report) {
    if (trace.wants(now)) {
      trace.line("t=" + now + " r" + r.id + " " + report.verdict() + ": " + report.describe());
    }
    if (nonDeterministicReplica < 0) {
      fail(Invariant.DIVERGENCE, "replica " + r.id + " of a deterministic group reported " + report.verdict() + ": "
          + report.describe());
    } else if (report.verdict() == DivergenceReport.Verdict.DIVERGED) {
      if (!nonDeterministic(r.id, r.incarnation)) {
        fail(Invariant.DIVERGENCE, "replica " + r.id + ", deterministic, stopped as diverged: " + report.describe());
        return;
      }
      divergedMask |= 1 << r.id;
      r.crashed = true;
      FaultEpisode restore = new FaultEpisode(FaultEpisode.Kind.CRASH, 1 << r.id, now,
          now + 50 * SimParameters.ROUND_TIMEOUT_NANOS);
      faultyMask |= restore.replicas();
      activeEpisodes.add(restore);
      queue.schedule(restore.end(), new FaultEnd(restore));
    }
  }

  void viewChanged(SimReplica r, ReplicaCore.Status status, int activeSet) {
    if (status == ReplicaCore.Status.NORMAL) {
      viewsInstalled++;
      unrecoveredMask &= ~(1 << r.id); // recovered: it holds everything a member must
      if (durability != null && !healed && (faultyMask | unrecoveredMask) == 0 && durability.outageOnViewInstall > 0
          && rng.nextDouble() < durability.outageOnViewInstall) {
        // Every replica down right as a view is installed: the view state on disk is all there is.
        queue.schedule(now, new FaultStart(new FaultEpisode(FaultEpisode.Kind.OUTAGE, (1 << n) - 1, now,
            now + SimParameters.ROUND_TIMEOUT_NANOS * (2 + rng.nextInt(20)))));
      }
    }
    if (!healed && status == ReplicaCore.Status.VIEW_CHANGE && rng.nextDouble() < p.crashOnViewChange()) {
      crashNow(r.id, true);
    }
  }

  void sendReply(int from, ClientReply reply) {
    long id = reply.clientId();
    // Negative ids are clients' reply addresses (openings, reads); positive ones are sessions.
    Integer client = id < 0 ? Integer.valueOf((int) ((-id - 1) % clients.length)) : sessionOwners.get(id);
    if (client != null) {
      deliver(from, SimEvent.CLIENT, new ReplyArrives(client, from, reply));
    }
  }

  // ---------------------------------------------------------------- checkers

  void roundEntered(long round) {
    maxRound = Math.max(maxRound, round);
  }

  /** A replica sends its round message: only a proposer the policy permits may carry requests in it. */
  void checkProposal(int replica, RoundMessage m, int activeSet, long firstRound) {
    String problem = proposers.proposed(replica, m, activeSet, firstRound);
    if (problem != null) {
      fail(Invariant.PROPOSER, problem);
    }
  }

  void checkExecuted(int replica, long round, int proposer, Batch batch) {
    String problem = safety.executed(replica, round, proposer, batch);
    if (problem != null) {
      fail(agreementOrDurability(round), problem);
    }
  }

  /**
   * A disagreement about a round some replica executed before more than f crashed at once is a
   * committed round that did not survive the crash: the durability checker's verdict.
   */
  private Invariant agreementOrDurability(long round) {
    return durability != null && round <= durability.outageRound ? Invariant.DURABILITY : Invariant.AGREEMENT;
  }

  void checkApplied(int replica, long round, int proposer, int index, Request request) {
    String problem = safety.applied(replica, round, proposer, index, request);
    if (problem != null) {
      fail(problem.contains("second time") ? Invariant.EXACTLY_ONCE : Invariant.VALIDITY, problem);
    }
  }

  void checkRoundExecuted(int replica, long round, long digest) {
    String problem = safety.roundExecuted(replica, round, digest);
    if (problem != null) {
      fail(agreementOrDurability(round), problem);
    }
  }

  void checkSnapshotInstalled(int replica, long round, long digest) {
    snapshotsInstalled++;
    String problem = safety.snapshotInstalled(replica, round, digest);
    if (problem != null) {
      fail(Invariant.AGREEMENT, problem);
    }
  }

  private void checkLinearizability() {
    for (SimClient c : clients) {
      if (c.outstanding && c.isWrite()) {
        history.add(unknownOutcome(c));
      }
    }
    // A write refused as of an expired session is unknown to its client, but not to the simulator:
    // its session is forgotten for good, so it is applied now or never. One never applied is left
    // out (as a refused one would be); only one applied before its session was forgotten stays
    // unknown. Many unknown writes would make the search exponential, and they are not unknown.
    for (ExpiredWrite w : expiredWrites) {
      if (safety.wasApplied(w.sessionId(), w.seq())) {
        history.add(w.op());
      }
    }
    CheckResult result = LinearizabilityChecker.check(history);
    if (!result.isLinearizable()) {
      fail(Invariant.LINEARIZABILITY, result.verdict() + " on key " + result.key() + ": " + result.explanation());
    }
  }

  /** The client's current write, which may or may not have taken effect. */
  private static KvOp unknownOutcome(SimClient c) {
    return new KvOp(c.index, c.command.type(), key(c.command), c.command.arg(), c.command.expected(),
        c.invokedAt, Long.MAX_VALUE, false, null);
  }

  private void fail(Invariant invariant, String detail) {
    if (violation == null) {
      violation = new SimulationViolation(p.seed(), n, invariant, now, detail, mutation, p.config().durable(),
          p.config().proposers());
    }
  }

  private String replicaStates() {
    StringBuilder sb = new StringBuilder();
    for (SimReplica r : replicas) {
      sb.append(String.format("r%d{%s view=%d active=%s round=%d commit=%d executed=%d queued=%d reads=%d%s; next %s} ",
          r.id, r.core.status(), r.core.view(), Integer.toBinaryString(r.core.activeSet()), r.core.currentRound(),
          r.core.commitIndex(), r.core.executedRound(), r.core.queuedRequests(), r.core.pendingReads(),
          r.crashed ? " CRASHED" : r.pausedUntil > now ? " PAUSED" : "", r.core.describeRound(r.core.executedRound() + 1)));
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
      // A read changes nothing, so it needs no session: its id is only where the answer goes.
      deliver(SimEvent.CLIENT, c.replica, new ReadArrives(c.replica, new ReadRequest(-c.clientId, c.seq, bytes)));
    } else if (c.sessionId == 0) {
      if (!c.opening) {
        c.opening = true;
        c.openingAddress = -(c.clientId + (long) clients.length * ++c.openings);
      }
      deliver(SimEvent.CLIENT, c.replica, new RequestArrives(c.replica, Request.openSession(c.openingAddress)));
    } else {
      Request request = new Request(c.sessionId, c.seq, bytes);
      safety.submitted(request);
      deliver(SimEvent.CLIENT, c.replica, new RequestArrives(c.replica, request));
    }
    queue.schedule(now + p.clientTimeoutNanos(), new ClientTimeout(c.index, c.attempt, c.seq));
  }

  private void onReply(SimClient c, ClientReply reply) {
    if (reply.seq() == Request.OPEN_SESSION_SEQ) {
      if (!c.outstanding || !c.opening || reply.clientId() != c.openingAddress) {
        return; // a late answer to an earlier opening: that session stays unused
      }
      if (reply.status() == ClientReply.Status.OK) {
        c.opening = false;
        c.sessionId = reply.openedSessionId();
        sessionOwners.put(c.sessionId, c.index);
        c.attempt++; // the opening's timeout no longer applies
        sendOperation(c);
      } else {
        queue.schedule(now + SimParameters.ROUND_TIMEOUT_NANOS, new ClientTimeout(c.index, c.attempt, c.seq));
      }
      return;
    }
    if (!c.outstanding || reply.seq() != c.seq) {
      return; // a late answer to an earlier attempt or operation
    }
    if (reply.status() == ClientReply.Status.SESSION_EXPIRED) {
      // Not executed now, nor ever after; an earlier attempt may have been, before the session was
      // forgotten: unknown to the client, settled when the history is checked.
      sessionsExpired++;
      if (c.isWrite()) {
        expiredWrites.add(new ExpiredWrite(unknownOutcome(c), c.sessionId, c.seq));
      }
      c.sessionId = 0;
      c.outstanding = false;
      queue.schedule(now + think(), new ClientNext(c.index));
      return;
    }
    if (reply.status() != ClientReply.Status.OK) {
      // Refused (overloaded, or not active there): retry at another replica after a round-timeout.
      queue.schedule(now + SimParameters.ROUND_TIMEOUT_NANOS, new ClientTimeout(c.index, c.attempt, c.seq));
      return;
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
    queue.schedule(now + think(), new ClientNext(c.index));
  }
}
