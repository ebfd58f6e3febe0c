package dev.chora.runtime.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundMessage;
import dev.chora.runtime.sim.InFlight;
import dev.chora.runtime.sim.SimQueue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Three cores exchanging messages without loss: the pipelining promise of DESIGN §3 — every
 * replica proposes every round, round r's acks ride on round r+1, and a request commits about two
 * rounds after the round that carries it.
 */
class LockstepGroupTest {
  /** Without latency: a message arrives at the instant it is sent, and every input here is at time 0. */
  final SimQueue<InFlight> network = new SimQueue<>();
  final List<Recorder> outs = new ArrayList<>();
  final List<ReplicaCore> cores = new ArrayList<>();

  LockstepGroupTest() {
    for (int i = 0; i < 3; i++) {
      int self = i;
      Recorder out = new Recorder() {
        @Override
        public void send(int to, PeerMessage message) {
          super.send(to, message);
          network.schedule(0, new InFlight(self, to, message));
        }
      };
      outs.add(out);
      cores.add(new ReplicaCore(CoreFixture.config().build(), i, out));
    }
  }

  void deliverAll(long now) {
    network.drainDue(now, m -> cores.get(m.to()).receive(now, m.message()));
  }

  @Test
  void aRequestCommitsTwoRoundsAfterItsRoundStarts() {
    for (ReplicaCore c : cores) {
      c.tick(0);
    }
    deliverAll(0);
    long proposedIn = cores.get(1).currentRound() + 1;
    cores.get(1).submit(0, new Request(1, 1, new byte[8]));
    long rounds = 0;
    while (outs.get(0).executed.stream().noneMatch(e -> !e.batch().isEmpty()) && rounds < 10) {
      deliverAll(0);
      rounds++;
    }
    long executedAtRound = cores.get(0).currentRound();
    assertTrue(executedAtRound - proposedIn <= 2, "proposed in round " + proposedIn
        + ", executed everywhere by the time round " + executedAtRound + " started");
    for (Recorder out : outs) {
      assertEquals(1, out.executed.stream().filter(e -> !e.batch().isEmpty()).count());
    }
  }

  @Test
  void everyReplicaProposesEveryRoundAndAcksRideOnTheNext() {
    for (ReplicaCore c : cores) {
      c.submit(0, new Request(c.self() + 1, 1, new byte[8]));
    }
    for (int step = 0; step < 6; step++) {
      deliverAll(0);
    }
    for (Recorder out : outs) {
      List<RoundMessage> sent = out.sentOf(RoundMessage.class);
      for (RoundMessage m : sent) {
        assertEquals(m.round() - 1, m.ackVector()[(m.from() + 1) % 3],
            "round " + m.round() + " from " + m.from() + " acknowledges the peers' round " + (m.round() - 1));
      }
      List<Long> rounds = sent.stream().filter(m -> m.from() == sent.get(0).from()).map(RoundMessage::round)
          .distinct().toList();
      for (int i = 0; i < rounds.size(); i++) {
        assertEquals(i + 1, rounds.get(i), "a proposal in every round, none skipped");
      }
    }
    for (Recorder out : outs) {
      assertEquals(3, out.executed.stream().mapToInt(e -> e.batch().size()).sum(),
          "every replica executed the three proposals");
    }
  }
}
