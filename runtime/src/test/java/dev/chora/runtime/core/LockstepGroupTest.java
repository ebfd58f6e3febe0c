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
 * replica proposes every round, round r's acks ride on round r+1 — and what a lone request costs
 * in an idle group: its own round, committed at its proposer with it, and one round more.
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
  void aRequestCommitsAtItsProposerWithItsRoundAndEverywhereWithinTheNext() {
    for (ReplicaCore c : cores) {
      c.tick(0);
    }
    deliverAll(0);
    long proposedIn = cores.get(1).currentRound() + 1;
    cores.get(1).submit(0, new Request(1, 1, new byte[8]));
    for (int step = 0; step < 6; step++) {
      deliverAll(0);
    }
    assertEquals(1, outs.get(1).executed.stream().filter(e -> !e.batch().isEmpty()).count(),
        "the proposer holds every slot of round " + proposedIn + " and f+1 acknowledgements of each");
    // The peers' own empty slots wait for one more acknowledgement: the next round, which they
    // enter at the round timeout (1 ms here) if no new request brings it sooner.
    for (ReplicaCore c : cores) {
      c.tick(1_000_000);
    }
    for (int step = 0; step < 6; step++) {
      deliverAll(1_000_000);
    }
    for (Recorder out : outs) {
      assertEquals(1, out.executed.stream().filter(e -> !e.batch().isEmpty()).count());
    }
    assertEquals(proposedIn + 1, cores.get(0).currentRound(), "one round more, no stream of them");
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

  @Test
  void aLoneRequestInAnIdleGroupOfThreeCostsOneRoundAndCommitsAtItsProposerWithIt() {
    for (ReplicaCore c : cores) {
      c.tick(0);
    }
    deliverAll(0);
    long before = cores.get(0).stats().roundsEntered();
    cores.get(1).submit(1_000, new Request(1, 1, new byte[8]));
    for (int step = 0; step < 6; step++) {
      deliverAll(1_000);
    }
    // With three replicas f+1 is the holder and the proposer, whose own round message
    // acknowledges its slot; the peers entered the round on the proposal, so theirs acknowledge it.
    assertEquals(1, outs.get(1).executed.stream().filter(e -> !e.batch().isEmpty()).count());
    for (int i = 0; i < 3; i++) {
      assertEquals(before + 1, cores.get(i).stats().roundsEntered(), "rounds entered at " + i);
    }
  }
}
