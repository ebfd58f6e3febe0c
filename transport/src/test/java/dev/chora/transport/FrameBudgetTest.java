package dev.chora.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.DoViewChange;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundMessage;
import dev.chora.runtime.message.RoundSlots;
import dev.chora.runtime.message.SlotTransfer;
import dev.chora.runtime.message.StartView;
import dev.chora.runtime.message.StateTransfer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The protocol keeps every peer message's {@link PeerMessage#payloadBytes} within max-transfer-bytes,
 * and chora-actors refuses a max-transfer-bytes above half of Artery's frame. These check that the
 * half is enough: the worst encodings — requests with the longest identifiers and empty or one-byte
 * commands, nine replicas, every slot held — stay below twice what the protocol counts.
 */
class FrameBudgetTest {
  static final int REPLICAS = 9;
  static final int TRANSFER = 1 << 20;
  final ChoraCodec codec = new ChoraCodec(16 << 20);

  /** Requests whose encoding is longest for what the protocol counts: 10-byte varints, tiny commands. */
  static Batch worstBatch(int maxBytes) {
    List<Request> requests = new ArrayList<>();
    int bytes = 0;
    for (int i = 0; ; i++) {
      Request r = new Request(Long.MIN_VALUE + i, Long.MAX_VALUE - i, new byte[i % 2]);
      if (bytes + r.sizeBytes() > maxBytes) {
        break;
      }
      requests.add(r);
      bytes += r.sizeBytes();
    }
    return Batch.of(requests);
  }

  /** Whole rounds of full worst-case batches, as many as fit {@code budget}. */
  static List<RoundSlots> worstRounds(int maxBatchBytes, long budget) {
    Batch full = worstBatch(maxBatchBytes);
    List<RoundSlots> rounds = new ArrayList<>();
    long bytes = 0;
    for (long r = Long.MAX_VALUE / 2; ; r++) {
      Batch[] slots = new Batch[REPLICAS];
      java.util.Arrays.fill(slots, full);
      RoundSlots rs = new RoundSlots(r, (1 << REPLICAS) - 1, Long.MAX_VALUE, slots);
      if (bytes + rs.sizeBytes() > budget) {
        return rounds;
      }
      rounds.add(rs);
      bytes += rs.sizeBytes();
    }
  }

  void assertWithinTwice(PeerMessage m) {
    long counted = m.payloadBytes();
    int encoded = codec.encode(m).length;
    assertTrue(counted <= TRANSFER, m.getClass().getSimpleName() + " counts " + counted + " bytes");
    assertTrue(counted > TRANSFER / 2, "the sample fills most of the budget: " + counted);
    assertTrue(encoded <= 2 * TRANSFER, m.getClass().getSimpleName() + " encodes to " + encoded
        + " bytes for " + counted + " counted: over half the frame chora-actors allows");
  }

  @Test
  void viewChangePartsAndTransfersAtTheLimitFitTwiceTheirCount() {
    List<RoundSlots> rounds = worstRounds(64 * 1024, TRANSFER);
    assertWithinTwice(new DoViewChange(Long.MAX_VALUE, 8, Long.MAX_VALUE - 1, Long.MAX_VALUE / 2 - 1, 3, 7, rounds));
    assertWithinTwice(new StartView(Long.MAX_VALUE, 8, (1 << REPLICAS) - 1, Long.MAX_VALUE, Long.MAX_VALUE / 2 - 1,
        8, 6, 7, rounds));
    assertWithinTwice(StateTransfer.rounds(Long.MAX_VALUE, 8, rounds));
    assertWithinTwice(new StateTransfer(Long.MAX_VALUE, 8, null, Long.MAX_VALUE, Integer.MAX_VALUE,
        Integer.MAX_VALUE - TRANSFER, new byte[TRANSFER]));
    List<Batch> batches = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      batches.add(worstBatch(TRANSFER / 16));
    }
    assertWithinTwice(new SlotTransfer(Long.MAX_VALUE, 8, 8, Long.MAX_VALUE / 2, batches));
  }

  @Test
  void aFullRoundMessageFitsTwiceItsCount() {
    long[] acks = new long[REPLICAS];
    java.util.Arrays.fill(acks, Long.MIN_VALUE);
    RoundMessage m = new RoundMessage(Long.MAX_VALUE, Long.MAX_VALUE, 8, worstBatch(TRANSFER), acks, Long.MAX_VALUE,
        Long.MIN_VALUE, Long.MIN_VALUE);
    assertWithinTwice(m);
  }
}
