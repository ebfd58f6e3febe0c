package dev.chora.runtime.core;

import static dev.chora.runtime.core.Messages.round;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proposals: every replica proposes every round, a batch of what is queued (up to
 * max-batch-bytes), and requests it cannot take are answered at once.
 */
class ProposalTest extends CoreFixture {

  @Test
  void firstTickEntersRoundOneAndProposesToEveryPeer() {
    core.tick(0);
    assertEquals(List.of(1L), out.rounds);
    assertEquals(2, out.sent.size());
    assertEquals(List.of(1, 2), out.sent.stream().map(Recorder.Sent::to).toList());
    RoundMessage m = out.lastRoundMessage();
    assertEquals(1, m.round());
    assertTrue(m.batch().isEmpty());
    assertEquals(1, m.ackVector()[0], "a proposer holds its own slot");
  }

  @Test
  void queuedRequestsAreBatchedUpToMaxBatchBytes() {
    core.tick(0);
    out.clear();
    for (int c = 1; c <= 5; c++) {
      core.submit(0, req(c, 1));
    }
    core.receive(0, round(1).from(1).acks(0, 1, 0).build());
    core.receive(0, round(1).from(2).acks(0, 0, 1).build());
    // 200 bytes hold four 50-byte requests; the fifth waits for the next round.
    assertEquals(List.of(2L), out.rounds);
    assertEquals(4, out.lastRoundMessage().batch().size());
    assertEquals(1, core.queuedRequests());
  }

  @Test
  void everyReplicaProposesEvenAnEmptyBatchEachRound() {
    core.tick(0);
    core.receive(0, round(1).from(1).acks(0, 1, 0).build());
    core.receive(0, round(1).from(2).acks(0, 0, 1).build());
    assertEquals(List.of(1L), out.rounds, "nothing to propose or acknowledge: round 2 waits for idle-round-interval");
    core.tick(10 * MS);
    assertEquals(List.of(1L, 2L), out.rounds);
    assertTrue(out.lastRoundMessage().batch().isEmpty());
  }

  @Test
  void overfullQueueAnswersOverloaded() {
    core = new ReplicaCore(config().maxQueuedRequests(2).build(), 0, out);
    core.tick(0);
    core.submit(0, req(1, 1));
    core.submit(0, req(2, 1));
    core.submit(0, req(3, 1));
    assertEquals(List.of(ClientReply.refused(3, 1, ClientReply.Status.OVERLOADED).status()),
        out.replies.stream().map(ClientReply::status).toList());
    assertEquals(3, out.replies.get(0).clientId());
    assertEquals(2, core.queuedRequests());
    assertEquals(1, core.stats().overloaded());
  }

  @Test
  void requestOverTheSizeLimitIsRefused() {
    core.tick(0);
    core.submit(0, new Request(9, 1, new byte[200]));
    assertEquals(ClientReply.Status.REQUEST_TOO_LARGE, out.replies.get(0).status());
    assertEquals(0, core.queuedRequests());
  }

  @Test
  void retryOfARequestStillInFlightIsAbsorbed() {
    core.tick(0);
    core.submit(0, req(1, 1));
    core.submit(0, req(1, 1));
    assertEquals(1, core.queuedRequests());
    assertEquals(1, core.stats().duplicateSubmits());
  }

  @Test
  void aLoneRequestGoesIntoTheNextRoundAndNoRoundFollowsOnceEveryoneHasAcknowledgedIt() {
    core.tick(0);
    core.receive(0, round(1).from(1).acks(0, 1, 0).build());
    core.receive(0, round(1).from(2).acks(0, 0, 1).build());
    assertEquals(List.of(1L), out.rounds, "idle: no round until idle-round-interval");
    core.submit(5 * MS, req(7, 1));
    assertEquals(List.of(1L, 2L), out.rounds, "a request wakes the idle replica: round 2 at once");
    assertEquals(1, out.lastRoundMessage().batch().size());
    // The peers' round-2 messages acknowledge every slot of round 2 they hold: it commits on
    // arrival, within the round timeout (1 ms here).
    core.receive(5 * MS + 400_000, round(2).from(1).acks(2, 2, 1).build());
    core.receive(5 * MS + 600_000, round(2).from(2).acks(2, 1, 2).build());
    assertEquals(2, core.executedRound());
    assertEquals(List.of(1L, 2L), out.rounds, "executed here: no round needed to carry acks for it");
    assertEquals(1, core.stats().requestsTimed());
    assertEquals(0, core.stats().requestWaitNanos(), "proposed the moment it arrived");
    assertEquals(600_000, core.stats().requestReplicationNanos(), "from its proposal to its execution 0.6 ms later");
    core.tick(8 * MS);
    assertEquals(List.of(1L, 2L), out.rounds, "the group is idle again: the next round waits for idle-round-interval");
  }

  @Test
  void aRequestArrivingMidRoundWaitsForItAndIsTimedFromArrival() {
    core.tick(0); // round 1 entered, its peers' messages not yet in
    core.submit(300_000, req(7, 1));
    core.receive(600_000, round(1).from(1).acks(0, 1, 0).build());
    core.receive(600_000, round(1).from(2).acks(0, 0, 1).build());
    assertEquals(List.of(1L, 2L), out.rounds);
    core.receive(MS, round(2).from(1).acks(2, 2, 1).build());
    core.receive(MS, round(2).from(2).acks(2, 1, 2).build());
    assertEquals(1, core.stats().requestsTimed());
    assertEquals(300_000, core.stats().requestWaitNanos(), "waited from 0.3 ms for round 1 to complete at 0.6 ms");
    assertEquals(400_000, core.stats().requestReplicationNanos());
  }
}
