package dev.chora.runtime.message;

/**
 * The sender's acknowledgements and current round without a proposal. A member outside the active
 * set sends one each round (it acknowledges but does not propose); an active member sends one when
 * flow control has held it back for a round-timeout, so acks gained meanwhile still reach the
 * peers. {@code checkRound} and {@code checkDigest}: as in {@link RoundMessage}.
 */
public record AckMessage(long view, long currentRound, int from, long[] ackVector, long executedRound,
    long checkRound, long checkDigest) implements PeerMessage {

  /** Without a divergence checkpoint. */
  public AckMessage(long view, long currentRound, int from, long[] ackVector, long executedRound) {
    this(view, currentRound, from, ackVector, executedRound, -1, 0);
  }
}
