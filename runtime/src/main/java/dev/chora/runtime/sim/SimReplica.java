package dev.chora.runtime.sim;

import dev.chora.runtime.core.CoreMutation;
import dev.chora.runtime.core.CoreOutput;
import dev.chora.runtime.core.ReplicaCore;
import dev.chora.runtime.exec.ExecutionListener;
import dev.chora.runtime.exec.Executor;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.ReadRequest;
import dev.chora.runtime.message.Request;

/** One simulated replica: a core and an executor wired to the simulation's network and checkers. */
final class SimReplica implements CoreOutput, ExecutionListener {
  final int id;
  final ReplicaCore core;
  final Executor executor;
  final SimKvStore store = new SimKvStore();
  private final Simulation sim;
  /** Time of the one valid pending tick, or Long.MAX_VALUE. */
  long scheduledTick = Long.MAX_VALUE;

  SimReplica(Simulation sim, SimParameters p, int id, CoreMutation mutation) {
    this.sim = sim;
    this.id = id;
    this.core = new ReplicaCore(p.config(), id, this, mutation);
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
  public void serveRead(ReadRequest read) {
    executor.serveRead(read);
  }

  @Override
  public void reply(ClientReply reply) {
    sim.sendReply(id, reply);
  }

  @Override
  public void roundEntered(long round, long nowNanos) {
    sim.roundEntered(round);
  }

  @Override
  public void applied(long round, int proposer, int index, Request request, byte[] result) {
    sim.checkApplied(id, round, request);
  }
}
