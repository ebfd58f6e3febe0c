package dev.chora.runtime.core;

import static dev.chora.runtime.core.Sentinels.BEFORE_FIRST_ROUND;
import static dev.chora.runtime.core.Sentinels.NEVER;

import dev.chora.runtime.config.ChoraConfig;
import dev.chora.runtime.message.PeerMessage;

/**
 * What the parts of one replica's core share: its configuration and identity, the output, the
 * counters, the clock of the input being handled, the log and acknowledgements (the data every
 * sub-protocol reads), one {@link MemberProgress} per replica, and the parts themselves, so that
 * each can ask another what it owns. Single-threaded, like the core.
 */
final class CoreContext {
  final ChoraConfig config;
  final int self;
  final int replicas;
  final int quorum;
  /** Bit mask of every replica of the group. */
  final int everyone;
  final CoreOutput out;
  final CoreMutation mutation;
  final CoreStats stats = new CoreStats();
  final RoundTimer roundTimer;
  final RoundLog log;
  final AckMatrix acks;
  /** Indexed by replica id. */
  final MemberProgress[] members;

  /** The caller's time of the input being handled. */
  long now;
  /** When this replica took its first input (its warm-up counts from here), or NEVER. */
  long bornNanos = NEVER;

  final ViewState views;
  final ClientRequests clients;
  final ReadBarrier reads;
  final Snapshots snapshots;
  final DivergenceCheck divergence;
  final Replication replication;
  final Synchronizer sync;
  final Suspicion suspicion;
  final SlotRepair repair;
  final ViewChange viewChange;
  final ViewAdoption adoption;
  final CatchUp transfer;
  final RecoveryProtocol recovery;
  final Durability durability;

  CoreContext(ChoraConfig config, int self, CoreOutput out, boolean recovering, long nonce, CoreMutation mutation) {
    this.config = config;
    this.self = self;
    this.replicas = config.replicas();
    this.quorum = config.quorum();
    this.everyone = (1 << replicas) - 1;
    this.out = out;
    this.mutation = mutation;
    this.roundTimer = new RoundTimer(config.roundTimeoutNanos(), config.roundTimeoutMaxNanos());
    this.durability = new Durability(this);
    this.log = new RoundLog(replicas, config.logWindowRounds(), durability::emit);
    this.acks = new AckMatrix(replicas, Replication.commitQuorum(quorum, mutation), BEFORE_FIRST_ROUND);
    this.members = new MemberProgress[replicas];
    for (int k = 0; k < replicas; k++) {
      members[k] = new MemberProgress();
    }
    this.views = new ViewState(this, recovering);
    this.clients = new ClientRequests(this);
    this.reads = new ReadBarrier(this);
    this.snapshots = new Snapshots(this);
    this.divergence = new DivergenceCheck(this);
    this.replication = new Replication(this);
    this.sync = new Synchronizer(this);
    this.suspicion = new Suspicion(this);
    this.repair = new SlotRepair(this);
    this.viewChange = new ViewChange(this);
    this.adoption = new ViewAdoption(this);
    this.transfer = new CatchUp(this);
    this.recovery = new RecoveryProtocol(this, nonce);
  }

  /** A durable replica restarting from disk: see {@link ReplicaCore#restart}. */
  void restore(Restored restored, boolean recovering) {
    durability.restartAt(restored.nextSeq());
    long snapshotRound = restored.snapshotRound();
    log.truncateThrough(snapshotRound);
    replication.restore(snapshotRound);
    if (snapshotRound > 0) {
      snapshots.installed(snapshotRound, restored.snapshot());
    }
    if (recovering) {
      // Never normal in any view: it holds no promise and its rounds vouch for nothing. It
      // recovers from its peers as a diskless replica does, from its snapshot onwards.
      durability.start();
      return;
    }
    for (var rs : restored.rounds()) {
      if (!log.inWindow(rs.round())) {
        throw new IllegalArgumentException("round " + rs.round() + " restored from disk lies beyond the log window"
            + " (rounds " + log.base() + " to " + (log.limit() - 1) + "): log-window-rounds was lowered since it was"
            + " written; start with at least the value it ran with");
      }
      log.restore(rs);
    }
    views.restore(restored.view());
    viewChange.restartPending = true;
  }

  /** The round timeout in use: the loosened round length (DESIGN §4), see {@link RoundTimer}. */
  long roundTimeout() {
    return roundTimer.timeoutNanos();
  }

  boolean isActive(int replica) {
    return views.isActive(replica);
  }

  ReplicaCore.Status status() {
    return views.status();
  }

  /**
   * While this replica is young (warm-up since its first input), both suspicion thresholds are
   * warm-up-suspicion-factor times longer. A young JVM pauses to compile, collect and page in for
   * as long as a short suspect-after-max, and so, in a group that has just started, do all of
   * them: those pauses are not deaths, and each suspicion of one costs the group a view change.
   * Liveness only: suspicion decides when a view change starts, never what it decides.
   */
  boolean warmingUp() {
    return now - bornNanos < config.warmUpNanos();
  }

  /** Every message the core sends goes through here: in durable mode it may wait for storage (see {@link Durability}). */
  void send(int to, PeerMessage message) {
    durability.send(to, message);
  }

  void broadcast(PeerMessage message) {
    for (int k = 0; k < replicas; k++) {
      if (k != self) {
        send(k, message);
      }
    }
  }

  void drop(DropReason reason, PeerMessage message) {
    stats.dropped[reason.ordinal()]++;
    out.dropped(reason, message);
  }
}
