package dev.chora.runtime.message;

import java.util.List;

/**
 * Committed state in answer to a {@link StateRequest}: either executed rounds (with the proposer
 * set of each), or one chunk of a snapshot — the state after executing {@code snapshotRound},
 * {@code snapshotSize} bytes in all, this chunk starting at {@code chunkOffset}. Chunks stay below
 * max-transfer-bytes, so a large state crosses the network in bounded pieces.
 */
public record StateTransfer(long view, int from, List<RoundSlots> rounds, long snapshotRound, int snapshotSize,
    int chunkOffset, byte[] chunk) implements PeerMessage {

  public static StateTransfer rounds(long view, int from, List<RoundSlots> rounds) {
    return new StateTransfer(view, from, rounds, -1, 0, 0, null);
  }

  public boolean isSnapshotChunk() {
    return chunk != null;
  }

  @Override
  public long payloadBytes() {
    return chunk != null ? chunk.length : PeerMessage.roundsBytes(rounds);
  }
}
