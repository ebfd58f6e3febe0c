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
}
