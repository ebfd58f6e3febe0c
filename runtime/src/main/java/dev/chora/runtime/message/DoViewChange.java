package dev.chora.runtime.message;

import java.util.List;

/**
 * Sent to the coordinator of {@code view} (DESIGN §6 step 2): the sender's last normal view, how
 * far it has executed, and every round it holds above that, each with the view tag of its content.
 *
 * <p>What a replica holds above its execution can exceed a network frame (N proposers, up to
 * max-rounds-in-flight rounds and more, each slot up to max-batch-bytes), so it travels in
 * {@code parts} messages, {@code part} = 0..parts-1, each with the same header and at most
 * max-transfer-bytes of rounds, in round order. The coordinator uses it only once it holds every
 * part ({@code dev.chora.runtime.core.ViewChangeParts}).
 */
public record DoViewChange(long view, int from, long lastNormalView, long executedRound, int part, int parts,
    List<RoundSlots> rounds) implements PeerMessage {

  /** A whole DoViewChange: one part that holds every round. */
  public DoViewChange(long view, int from, long lastNormalView, long executedRound, List<RoundSlots> rounds) {
    this(view, from, lastNormalView, executedRound, 0, 1, rounds);
  }

  /** This message's header with other rounds, as part {@code part} of {@code parts}. */
  public DoViewChange withRounds(int part, int parts, List<RoundSlots> rounds) {
    return new DoViewChange(view, from, lastNormalView, executedRound, part, parts, rounds);
  }

  @Override
  public long payloadBytes() {
    return PeerMessage.roundsBytes(rounds);
  }

  /** Whether {@code other} is a part of the same DoViewChange (same header, same number of parts). */
  public boolean sameWholeAs(DoViewChange other) {
    return other.view == view && other.from == from && other.lastNormalView == lastNormalView
        && other.executedRound == executedRound && other.parts == parts;
  }
}
