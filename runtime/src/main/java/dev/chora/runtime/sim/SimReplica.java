package dev.chora.runtime.sim;

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

/**
 * One incarnation of a simulated replica: a core and an executor wired to the simulation's
 * network and checkers. A restart replaces it with a new incarnation that has lost all state.
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

  SimReplica(Simulation sim, SimParameters p, int id, int incarnation, boolean recovering, long nonce,
      CoreMutation mutation) {
    this.sim = sim;
    this.id = id;
    this.incarnation = incarnation;
    this.store = sim.nonDeterministic(id, incarnation) ? new SimKvStore(sim::now) : new SimKvStore();
    this.core = new ReplicaCore(p.config(), id, this, recovering, nonce, mutation);
    this.executor = new Executor(id, store, p.config().maxClients(), this::reply, this, mutation);
  }

  @Override
  public void send(int to, PeerMessage message) {
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
    sim.sendReply(id, reply);
  }

  @Override
  public void takeSnapshot(long round) {
    // Taken now, as the state stands after `round`; handed back to the core as a later event,
    // since an output must not call into the core.
    byte[] snapshot = executor.snapshot();
    sim.snapshotTaken(this, round, snapshot, Executor.digest(snapshot));
  }

  @Override
  public void installSnapshot(long round, byte[] snapshot) {
    executor.restore(snapshot);
    sim.checkSnapshotInstalled(id, round, store.digest());
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
