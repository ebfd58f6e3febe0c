package dev.chora.runtime.message;

import java.util.List;

/**
 * Proposer {@code proposer}'s slots for the consecutive rounds starting at {@code firstRound}, in
 * answer to a {@link SlotRequest}; at most max-transfer-bytes of batches.
 */
public record SlotTransfer(long view, int from, int proposer, long firstRound, List<Batch> batches)
    implements PeerMessage {

  @Override
  public long payloadBytes() {
    long bytes = 0;
    if (batches != null) {
      for (Batch b : batches) {
        bytes += b == null ? 0 : b.sizeBytes();
      }
    }
    return bytes;
  }
}
