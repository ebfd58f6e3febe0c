package dev.chora.runtime.sim;

import dev.chora.runtime.config.ProposerPolicy;
import dev.chora.runtime.core.CoreMutation;
import dev.chora.runtime.core.CoreOutput;
import dev.chora.runtime.core.DivergenceReport;
import dev.chora.runtime.core.ReplicaCore;
import dev.chora.runtime.exec.ExecutionListener;
import dev.chora.runtime.exec.Executor;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.ReadRequest;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundMessage;
import dev.chora.runtime.core.LogEntry;
import dev.chora.runtime.core.Restored;
import dev.chora.runtime.storage.ReplicaStore;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * One incarnation of a simulated replica: a core and an executor wired to the simulation's
 * network and checkers. A restart replaces it with a new incarnation that has lost its memory; in
 * durable mode it has a {@link ReplicaStore} on its simulated disk, which outlives incarnations:
 * log entries are appended as the core emits them and synced by a simulated sync that completes
 * the disk's latency later ({@link Simulation#syncDue}), when the core learns they are persisted.
 */
final class SimReplica implements CoreOutput, ExecutionListener {
  final int id;
  final int incarnation;
  final ReplicaCore core;
  final Executor executor;
  final SimKvStore store;
  private final Simulation sim;
  /** Time of the one valid pending tick, or Long.MAX_VALUE. */
  long scheduledTick = Long.MAX_VALUE;
  boolean crashed;
  long pausedUntil = -1;
  /** Durable mode: this incarnation's store on the replica's disk; null in memory mode. */
  private final ReplicaStore storage;
  /** The number of the last entry handed to storage. */
  private long appendedSeq;
  private boolean syncInFlight;
  /** Why storage stopped taking writes (a full or failing disk), or null: then nothing more is persisted. */
  String storageFailure;
  /**
   * The leader proposer policy: the executor answers every request and, as the Pekko runtime's
   * ReplyRoutes does, only an answer a client waits for here goes out, once (see {@link #routes}).
   */
  private final boolean answersByRoute;
  /** clientId → the seq a client waits here for (the leader policy only); one per client, as ReplyRoutes keeps. */
  private final Map<Long, Long> routes = new HashMap<>();

  SimReplica(Simulation sim, SimParameters p, int id, int incarnation, boolean recovering, long nonce,
      CoreMutation mutation) {
    this(sim, p, id, incarnation, recovering, nonce, mutation, null, null);
  }

  /**
   * @param storage durable mode: the opened store (null in memory mode)
   * @param restored what the store held, for a restart from disk; null for a new or recovering replica
   */
  SimReplica(Simulation sim, SimParameters p, int id, int incarnation, boolean recovering, long nonce,
      CoreMutation mutation, ReplicaStore storage, Restored restored) {
    this.sim = sim;
    this.id = id;
    this.incarnation = incarnation;
    this.storage = storage;
    this.store = sim.nonDeterministic(id, incarnation) ? new SimKvStore(sim::now) : new SimKvStore();
    this.answersByRoute = p.config().proposers() == ProposerPolicy.LEADER;
    this.executor = new Executor(id, store, p.config().maxClients(), this::reply, this, mutation, answersByRoute);
    if (restored != null) {
      appendedSeq = restored.nextSeq() - 1;
      if (restored.snapshot() != null) {
        executor.restore(restored.snapshot());
        sim.checkSnapshotInstalled(id, restored.snapshotRound(), store.digest());
      }
      this.core = ReplicaCore.restart(p.config(), id, this, restored, nonce, mutation);
    } else {
      this.core = new ReplicaCore(p.config(), id, this, recovering, nonce, mutation);
    }
  }

  @Override
  public void persist(LogEntry entry) {
    if (storageFailure != null) {
      return;
    }
    try {
      storage.append(++appendedSeq, entry);
    } catch (IOException e) {
      storageFailed(e);
      return;
    }
    if (!syncInFlight) {
      syncInFlight = true;
      sim.syncDue(this, storage);
    }
  }

  /**
   * The simulated sync has taken its time: make everything appended so far durable and tell the
   * core. Called for this incarnation only; a crash before it loses what was not synced.
   */
  void syncDone(long nowNanos) {
    syncInFlight = false;
    if (storageFailure != null) {
      return;
    }
    long durable;
    try {
      durable = storage.sync();
    } catch (IOException e) {
      storageFailed(e);
      return;
    }
    core.persisted(nowNanos, durable);
    if (!syncInFlight && storageFailure == null && appendedSeq > durable) {
      syncInFlight = true;
      sim.syncDue(this, storage);
    }
  }

  /** Saves a snapshot before the core hears of it (durable mode); false if the disk refused it. */
  private boolean saveSnapshot(long round, byte[] snapshot) {
    if (storage == null) {
      return true;
    }
    if (storageFailure != null) {
      return false;
    }
    try {
      storage.saveSnapshot(round, snapshot);
      return true;
    } catch (IOException e) {
      storageFailed(e);
      return false;
    }
  }

  private void storageFailed(IOException e) {
    storageFailure = e.getMessage();
    sim.storageFailed(this, e);
  }

  /** Releases this incarnation's store (its process died: nothing more reaches the disk). */
  void abandonStorage() {
    storageFailure = "crashed";
  }

  /** A client's request arrives here: recorded as waiting (the leader policy), then handed to the core. */
  void submit(long nowNanos, Request request) {
    if (answersByRoute) {
      routes.put(request.clientId(), request.seq());
    }
    core.submit(nowNanos, request);
  }

  /** A client's round-barrier read arrives here. */
  void read(long nowNanos, ReadRequest read) {
    if (answersByRoute) {
      routes.put(read.clientId(), read.seq());
    }
    core.read(nowNanos, read);
  }

  @Override
  public void send(int to, PeerMessage message) {
    if (message instanceof RoundMessage m && m.from() == id && m.view() == core.view()) {
      // Sent in the view it was proposed in (a message held for storage may go out later): that
      // view's active set and first round say whether this replica may carry requests.
      sim.checkProposal(id, m, core.activeSet(), core.firstRound());
    }
    sim.sendPeer(id, to, message);
  }

  @Override
  public void execute(long round, int proposer, Batch batch) {
    sim.checkExecuted(id, round, proposer, batch);
    executor.execute(round, proposer, batch);
  }

  @Override
  public void executedThrough(long round) {
    sim.checkRoundExecuted(id, round, store.digest());
  }

  @Override
  public void serveRead(ReadRequest read) {
    executor.serveRead(read);
  }

  @Override
  public void reply(ClientReply reply) {
    if (answersByRoute) {
      Long waiting = routes.get(reply.clientId());
      if (waiting == null || waiting != reply.seq()) {
        return; // nobody waits here for this answer: answered already, or the client is elsewhere
      }
      routes.remove(reply.clientId());
    }
    sim.sendReply(id, reply);
  }

  @Override
  public void takeSnapshot(long round) {
    // Taken now, as the state stands after `round`; handed back to the core as a later event,
    // since an output must not call into the core.
    byte[] snapshot = executor.snapshot();
    if (saveSnapshot(round, snapshot)) {
      sim.snapshotTaken(this, round, snapshot, Executor.digest(snapshot));
    }
  }

  @Override
  public void installSnapshot(long round, byte[] snapshot) {
    executor.restore(snapshot);
    sim.checkSnapshotInstalled(id, round, store.digest());
    saveSnapshot(round, snapshot);
  }

  @Override
  public void divergence(DivergenceReport report) {
    sim.divergenceReported(this, report);
  }

  @Override
  public void roundEntered(long round, long nowNanos) {
    sim.roundEntered(round);
  }

  @Override
  public void viewChanged(long view, ReplicaCore.Status status, int activeSet) {
    sim.viewChanged(this, status, activeSet);
  }

  @Override
  public void applied(long round, int proposer, int index, Request request, byte[] result) {

    sim.checkApplied(id, round, proposer, index, request);
  }
}
