package dev.chora.runtime.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.CounterMachine;
import dev.chora.runtime.config.ProposerPolicy;
import dev.chora.runtime.exec.ExecutionListener;
import dev.chora.runtime.exec.Executor;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.ForwardRefused;
import dev.chora.runtime.message.ForwardedRequest;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundMessage;
import dev.chora.runtime.sim.InFlight;
import dev.chora.runtime.sim.SimQueue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The baselines' proposer policies, step by step, on three real cores and executors without
 * latency: under {@code leader} a request given to a follower is forwarded to replica 0, proposed
 * in its slot only, executed once everywhere and answered by the follower (the executors answer
 * every request, and, as the Pekko runtime's ReplyRoutes, a replica passes on only the answers its
 * clients wait for); under {@code rotating} a replica holds its request until its own round.
 */
class ProposerPolicyStepTest {
  final SimQueue<InFlight> network = new SimQueue<>();
  final List<Recorder> outs = new ArrayList<>();
  final List<ReplicaCore> cores = new ArrayList<>();
  final List<CounterMachine> machines = new ArrayList<>();
  /** Per replica: the answers it passed on to its clients. */
  final List<List<ClientReply>> answered = new ArrayList<>();
  /** Per replica: clientId → the seq a client waits for there (ReplyRoutes' table). */
  final List<Map<Long, Long>> waiting = new ArrayList<>();
  Predicate<InFlight> drop = m -> false;
  /** Each step of {@link #run} is a round timeout (1 ms) later: a peer's empty slot commits with the next round. */
  long now;

  void start(ProposerPolicy policy, int maxQueuedRequests) {
    for (int i = 0; i < 3; i++) {
      int self = i;
      CounterMachine machine = new CounterMachine();
      machines.add(machine);
      answered.add(new ArrayList<>());
      waiting.add(new HashMap<>());
      Executor executor = new Executor(i, machine, 100, reply -> pass(self, reply), ExecutionListener.NONE,
          CoreMutation.NONE, policy == ProposerPolicy.LEADER);
      for (int k = 1; k <= 3; k++) {
        executor.execute(0, -1, Batch.of(List.of(Request.openSession(-k)))); // sessions 1 to 3, as before round 1
      }
      Recorder out = new Recorder() {
        @Override
        public void send(int to, PeerMessage message) {
          super.send(to, message);
          network.schedule(now, new InFlight(self, to, message));
        }

        @Override
        public void execute(long round, int proposer, Batch batch) {
          super.execute(round, proposer, batch);
          executor.execute(round, proposer, batch);
        }

        @Override
        public void reply(ClientReply reply) {
          super.reply(reply);
          pass(self, reply);
        }
      };
      outs.add(out);
      cores.add(new ReplicaCore(CoreFixture.config().proposers(policy).maxQueuedRequests(maxQueuedRequests).build(),
          i, out));
    }
  }

  private void pass(int replica, ClientReply reply) {
    Long seq = waiting.get(replica).get(reply.clientId());
    if (seq != null && seq == reply.seq()) {
      waiting.get(replica).remove(reply.clientId());
      answered.get(replica).add(reply);
    }
  }

  void submit(int replica, Request request) {
    waiting.get(replica).put(request.clientId(), request.seq());
    cores.get(replica).submit(now, request);
  }

  void deliverAll() {
    network.drainDue(now, m -> {
      if (!drop.test(m)) {
        cores.get(m.to()).receive(now, m.message());
      }
    });
  }

  void run(int steps) {
    for (int s = 0; s < steps; s++) {
      now += CoreFixture.MS;
      for (ReplicaCore c : cores) {
        c.tick(now);
      }
      deliverAll();
    }
  }

  private List<RoundMessage> requestCarrying(int replica) {
    return outs.get(replica).sentOf(RoundMessage.class).stream().filter(m -> !m.batch().isEmpty()).distinct().toList();
  }

  @Test
  void underLeaderAFollowersRequestIsForwardedExecutedOnceAndAnsweredByTheFollower() {
    start(ProposerPolicy.LEADER, 64);
    run(2);
    submit(2, new Request(1, 1, new byte[] {5}));
    run(8);
    assertEquals(List.of(new ForwardedRequest(cores.get(2).view(), 2, new Request(1, 1, new byte[] {5}))),
        outs.get(2).sentOf(ForwardedRequest.class), "the follower forwarded the request to the leader, once");
    assertTrue(requestCarrying(1).isEmpty() && requestCarrying(2).isEmpty(), "only the leader's slots carry requests");
    assertEquals(1, requestCarrying(0).stream().map(RoundMessage::round).distinct().count(),
        "the leader proposed it in one round");
    for (int i = 0; i < 3; i++) {
      assertEquals(1, machines.get(i).applied, "replica " + i + " applied it once");
      assertEquals(5, machines.get(i).total);
    }
    assertEquals(1, answered.get(2).size(), "the follower answered its client");
    assertEquals(ClientReply.Status.OK, answered.get(2).get(0).status());
    assertTrue(answered.get(0).isEmpty() && answered.get(1).isEmpty(), "no one else answered it");
    assertTrue(outs.get(0).replies.isEmpty() && outs.get(2).replies.isEmpty(), "the cores refused nothing");
  }

  @Test
  void underLeaderALostForwardIsSentAgainByTheClientsRetryAndExecutedOnce() {
    start(ProposerPolicy.LEADER, 64);
    run(2);
    drop = m -> m.message() instanceof ForwardedRequest;
    submit(1, new Request(2, 1, new byte[] {3}));
    run(6);
    assertEquals(0, machines.get(1).applied, "the forward was lost: nothing executed");
    drop = m -> false;
    submit(1, new Request(2, 1, new byte[] {3})); // the client's retry, same seq
    submit(1, new Request(2, 1, new byte[] {3})); // and another: the leader absorbs the duplicate
    run(8);
    assertEquals(3, outs.get(1).sentOf(ForwardedRequest.class).size(), "each arrival at the follower forwards it");
    for (int i = 0; i < 3; i++) {
      assertEquals(1, machines.get(i).applied, "replica " + i + " applied it exactly once");
    }
    assertEquals(1, answered.get(1).size(), "answered once, by the follower");
  }

  @Test
  void underLeaderAFullLeaderQueueIsRefusedToTheClientThroughTheFollower() {
    start(ProposerPolicy.LEADER, 1);
    run(2);
    // The leader holds one request of its own client, queued: its queue of one is full.
    drop = m -> m.message() instanceof RoundMessage; // no round completes meanwhile: nothing leaves the queue
    submit(0, new Request(1, 1, new byte[] {1}));
    submit(0, new Request(3, 1, new byte[] {1}));
    submit(2, new Request(2, 1, new byte[] {7}));
    deliverAll();
    assertEquals(1, outs.get(0).sentOf(ForwardRefused.class).size(), "the leader refused the forward");
    assertEquals(List.of(ClientReply.refused(2, 1, ClientReply.Status.OVERLOADED)).toString(),
        answered.get(2).toString(), "the follower passed OVERLOADED on to its client");
  }

  @Test
  void underRotatingEachReplicaProposesOnlyInItsOwnRounds() {
    start(ProposerPolicy.ROTATING, 64);
    run(1);
    for (int i = 0; i < 3; i++) {
      submit(i, new Request(i + 1, 1, new byte[] {1}));
    }
    run(12);
    long first = cores.get(0).firstRound();
    for (int i = 0; i < 3; i++) {
      List<RoundMessage> carrying = requestCarrying(i);
      assertEquals(1, carrying.size(), "replica " + i + " proposed its request once");
      assertEquals(i, Math.floorMod(carrying.get(0).round() - first, 3), "in a round of its own");
      assertEquals(3, machines.get(i).applied);
      assertEquals(1, answered.get(i).size(), "replica " + i + " answered its own client");
    }
  }

  /**
   * A leader change under {@code leader}: the leader crashes, a request given to replica 2 while
   * the view change runs waits there and goes to the new leader (replica 1) once the view is
   * installed; one forwarded to the dead leader is lost and executes only when its client retries.
   * Each executes once, and only the new leader's slots carry requests.
   */
  @Test
  void underLeaderALeaderChangeLosesNothingAndExecutesNothingTwice() {
    TestGroup g = new TestGroup(FallbackTest.config().toBuilder().proposers(ProposerPolicy.LEADER).build());
    g.run(10 * CoreFixture.MS);
    g.crash(0);
    Request lost = new Request(7, 1, new byte[] {1});
    g.submit(2, lost); // forwarded to the crashed leader: lost
    for (int step = 0; step < 1000 && g.cores[2].status() != ReplicaCore.Status.VIEW_CHANGE; step++) {
      g.step();
    }
    assertEquals(ReplicaCore.Status.VIEW_CHANGE, g.cores[2].status(), "the crashed leader was suspected");
    g.submit(2, new Request(8, 1, new byte[] {10})); // queued during the view change
    g.run(30 * CoreFixture.MS);
    assertEquals(0b110, g.cores[2].activeSet(), "replica 0 is out; replica 1 leads");
    assertEquals(10, g.counters[1].total, "the request queued in the view change went to the new leader");
    assertEquals(10, g.counters[2].total);
    g.submit(2, lost); // the client's retry of the lost one
    g.run(10 * CoreFixture.MS);
    for (int i = 1; i < 3; i++) {
      assertEquals(11, g.counters[i].total, "replica " + i + " executed each request once");
      assertEquals(2, g.counters[i].applied);
    }
    assertTrue(g.sentBy.get(2).stream().noneMatch(m -> m instanceof RoundMessage r && !r.batch().isEmpty()),
        "replica 2 never proposed a request");
    assertTrue(g.violations.isEmpty(), g.violations.toString());
  }
}
