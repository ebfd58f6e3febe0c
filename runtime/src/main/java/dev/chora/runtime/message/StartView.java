package dev.chora.runtime.message;

import java.util.List;

/**
 * The coordinator's decision for {@code view} (DESIGN §6 step 3): the active set, the first round,
 * {@code executedThrough} — the highest round executed by a sender of the DoViewChange messages
 * used ({@code executedAt}), which every replica can fetch as committed state — and every round
 * after it up to firstRound - 1, decided in full (a slot nobody in the quorum held is an empty
 * batch: a no-op).
 *
 * <p>Like {@link DoViewChange} it may be too large for one network frame, so it travels in
 * {@code parts} messages with the same header, {@code part} = 0..parts-1, each with at most
 * max-transfer-bytes of the decided rounds, in round order. A replica adopts the view only once it
 * holds every part.
 */
public record StartView(long view, int from, int activeSet, long firstRound, long executedThrough, int executedAt,
    int part, int parts, List<RoundSlots> decided) implements PeerMessage {

  /** A whole StartView: one part that holds every decided round. */
  public StartView(long view, int from, int activeSet, long firstRound, long executedThrough, int executedAt,
      List<RoundSlots> decided) {
    this(view, from, activeSet, firstRound, executedThrough, executedAt, 0, 1, decided);
  }

  /** This message's header with other decided rounds, as part {@code part} of {@code parts}. */
  public StartView withDecided(int part, int parts, List<RoundSlots> decided) {
    return new StartView(view, from, activeSet, firstRound, executedThrough, executedAt, part, parts, decided);
  }

  @Override
  public long payloadBytes() {
    return PeerMessage.roundsBytes(decided);
  }

  /** Whether {@code other} is a part of the same StartView (same header, same number of parts). */
  public boolean sameWholeAs(StartView other) {
    return other.view == view && other.from == from && other.activeSet == activeSet
        && other.firstRound == firstRound && other.executedThrough == executedThrough
        && other.executedAt == executedAt && other.parts == parts;
  }
}
